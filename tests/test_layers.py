"""The layering contracts in pyproject.toml keep up with the code: a new outer package cannot
slip into the domain because nobody listed it."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import silkpost

ROOT = Path(__file__).resolve().parents[1]
# Leaf modules every layer may use: the error family (no imports of its own).
SHARED = {"silkpost.errors"}


def _contracts() -> dict[str, dict[str, Any]]:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["source_modules"][0]: c for c in doc["tool"]["importlinter"]["contracts"]}


def test_the_domain_contract_forbids_every_other_silkpost_module() -> None:
    """Every top-level package and module of silkpost, but the domain and the shared error
    family, is forbidden to the domain."""
    top = {f"silkpost.{m.name}" for m in pkgutil.iter_modules(silkpost.__path__)}
    forbidden = set(_contracts()["silkpost.domain"]["forbidden_modules"])
    assert top - {"silkpost.domain"} - SHARED - forbidden == set()


def test_the_network_and_the_simulator_have_contracts() -> None:
    """network/ and sim/ are checked, and neither may reach the store or the drivers."""
    contracts = _contracts()
    for layer in ("silkpost.network", "silkpost.sim"):
        forbidden = set(contracts[layer]["forbidden_modules"])
        assert {"silkpost.store", "silkpost.api", "silkpost.cli", "silkpost.web",
                "silkpost.bootstrap", "sqlalchemy"} <= forbidden, layer


def test_indirect_imports_are_allowed_only_with_a_reason() -> None:
    """A contract that allows indirect imports has a comment right above the setting."""
    lines = (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("allow_indirect_imports") and "true" in line:
            assert lines[i - 1].startswith("#"), f"pyproject.toml:{i + 1} has no reason"
