"""Liveness and readiness: is the process up, can it reach its store."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from silkpost import __version__
from silkpost.api.access import PUBLIC
from silkpost.api.deps import PlatformDep
from silkpost.tracking.service import log_position

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The answer of /healthz."""

    status: str
    version: str
    log_position: int


@router.get("/healthz", response_model=Health, dependencies=[PUBLIC])
def healthz(platform: PlatformDep) -> Health:
    """Up, and the store answers (with the number of events it holds)."""
    position = log_position(uow=platform.uow())
    return Health(status="ok", version=__version__, log_position=position)
