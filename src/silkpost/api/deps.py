"""Dependencies the routers share: the wired platform and its parts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from silkpost.bootstrap import Platform


def get_platform(request: Request) -> Platform:
    """The platform the app was built with."""
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]
