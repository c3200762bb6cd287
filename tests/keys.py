"""API keys for tests that call the HTTP API as the platform's operator would."""

from __future__ import annotations

from silkpost.bootstrap import Platform
from silkpost.partners.service import operator_key


def admin_headers(platform: Platform) -> dict[str, str]:
    """The Authorization header of a new admin key."""
    key = operator_key(uow=platform.partner_uow, clock=platform.clock, label="tests")
    return {"Authorization": f"Bearer {key.text}"}
