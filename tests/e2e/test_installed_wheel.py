"""An installed Silkpost works: the wheel built by the project's own build config, installed
with its dependencies into a fresh venv outside the checkout, plans, simulates and serves ETAs
from a directory with no ``data/`` folder (it once ran without a network there, silently)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What is not source: the checkout's venv, caches, builds and local databases.
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".mypy_cache",
    ".ruff_cache", ".pytest_cache", ".import_linter_cache", ".hypothesis", "artifacts", "demo",
    "*.db", "*.db-*", "*.duckdb", "node_modules",
)

pytestmark = [pytest.mark.wheel, pytest.mark.xdist_group("installed-wheel")]


@dataclass(frozen=True)
class Installed:
    """A fresh venv with the wheel installed, and an empty directory to run it in."""

    wheel: Path
    bin: Path
    run_dir: Path
    env: dict[str, str]

    def silkpost(self, *args: str, db: str = "silkpost.db") -> subprocess.CompletedProcess[str]:
        """Run the installed ``silkpost`` script in the empty directory."""
        env = {**self.env, "SILKPOST_DATABASE_URL": f"sqlite:///{self.run_dir / db}"}
        return subprocess.run([str(self.bin / "silkpost"), *args], cwd=self.run_dir, env=env,
                              capture_output=True, text=True, timeout=600, check=False)


def _clean_env(venv: Path) -> dict[str, str]:
    """The environment without the checkout: no PYTHONPATH, no other venv, no SILKPOST_*."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
           and not k.startswith("SILKPOST_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("installed-wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    wheels = base / "wheels"
    # pip wheel builds in an isolated environment from [build-system] in pyproject.toml:
    # whatever the project builds (pure Python or an extension), this builds it the same way.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(source)], check=True, timeout=900)
    (wheel,) = wheels.glob("silkpost-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = _clean_env(venv)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, timeout=900, env=env, cwd=base)
    run_dir = base / "elsewhere"
    run_dir.mkdir()
    return Installed(wheel=wheel, bin=venv / "bin", run_dir=run_dir, env=env)


def test_the_wheel_holds_the_network_and_the_scenarios(installed: Installed) -> None:
    """The default network and every shipped scenario are in the wheel, and the installed
    package is the venv's, not the checkout's."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "silkpost/network/corridors/xinjiang.toml" in names
    shipped = {p.name for p in (ROOT / "src/silkpost/sim/scenarios").glob("*.toml")}
    assert shipped and {f"silkpost/sim/scenarios/{n}" for n in shipped} <= names
    where = subprocess.run([str(installed.bin / "python"), "-c",
                            "import silkpost; print(silkpost.__file__)"],
                           cwd=installed.run_dir, env=installed.env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(installed.bin.parent)
    assert not (installed.run_dir / "data").exists()


def test_plan_from_an_empty_directory(installed: Installed) -> None:
    """`silkpost plan` finds the packaged network and gives an itinerary leg by leg."""
    result = installed.silkpost("plan", "--from", "CNDGGA", "--to", "KZALAA",
                                "--ready", "2026-11-24T09:00+08:00", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["legs"] and plan["legs"][0]["from"] == "CNDGGA"
    assert plan["legs"][-1]["to"] == "KZALAA"


def test_simulate_a_shipped_scenario(installed: Installed) -> None:
    """`silkpost simulate --days 1` runs the packaged default scenario on the packaged
    network and stores its parcels."""
    report = installed.run_dir / "report.json"
    result = installed.silkpost("simulate", "--days", "1", "--parcels-per-day", "40",
                                "--report", str(report), db="shipped.db")
    assert result.returncode == 0, result.stderr
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["scenario"] == "seeds-2023" and body["parcels"] == 40
    assert body["events"] > 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, key: str | None = None) -> object:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                timeout=10) as response:
        return json.loads(response.read())


def test_serve_gives_etas(installed: Installed) -> None:
    """A scenario file by path (`--scenario PATH`) leaves parcels in flight; `silkpost serve`
    shows an ETA in their item view, which needs the packaged network."""
    scenario = (ROOT / "src/silkpost/sim/scenarios/seeds-2023.toml").read_text(encoding="utf-8")
    quick = installed.run_dir / "in-flight.toml"
    quick.write_text(scenario.replace("drain_days = 21", "drain_days = 0")
                     .replace('name = "seeds-2023"', 'name = "in-flight"'), encoding="utf-8")
    simulated = installed.silkpost("simulate", "--scenario", str(quick), "--days", "1",
                                   "--parcels-per-day", "40", db="served.db")
    assert simulated.returncode == 0, simulated.stderr
    assert "in-flight" in simulated.stdout
    added = installed.silkpost("partner", "add", "OPERATOR", "--name", "Operator", "--kind",
                               "post", db="served.db")
    assert added.returncode == 0, added.stderr
    issued = installed.silkpost("key", "new", "OPERATOR", "--role", "admin", db="served.db")
    assert issued.returncode == 0, issued.stderr
    key = issued.stdout.strip()

    port = _free_port()
    env = {**installed.env, "SILKPOST_DATABASE_URL": f"sqlite:///{installed.run_dir / 'served.db'}"}
    server = subprocess.Popen([str(installed.bin / "silkpost"), "serve", "--port", str(port)],
                              cwd=installed.run_dir, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to a minute for the server to listen, or to die trying
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                try:
                    server.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"silkpost serve exited {server.returncode}: "
                            f"{server.stderr.read() if server.stderr else ''}")
        else:
            pytest.fail("silkpost serve did not answer /healthz within a minute")
        page = _get(f"{base}/api/v1/items?limit=100", key)
        assert isinstance(page, dict)
        in_flight = [i["id"] for i in page["items"] if i["status"] != "delivered"]
        assert in_flight, page
        item = _get(f"{base}/api/v1/items/{in_flight[0]}", key)
        assert isinstance(item, dict)
        assert item["eta"] is not None, item
    finally:
        server.terminate()
        server.wait(timeout=30)
