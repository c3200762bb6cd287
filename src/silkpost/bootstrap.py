"""The composition root: the one place that builds engines and adapters and wires them.

Nothing connects at import time. The API, the CLI and the simulator call :func:`bootstrap`
and get a :class:`Platform` whose ``uow()`` gives units of work on the configured store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from silkpost.clock import SystemClock
from silkpost.network.corridor import Network
from silkpost.settings import Settings
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import EtaEstimator


@dataclass
class Platform:
    """The wired application: settings, clock, store and the optional capabilities."""

    settings: Settings
    clock: Clock
    uow: Callable[[], UnitOfWork]
    eta: EtaEstimator | None = None
    network: Network | None = None
    engine: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def dispose(self) -> None:
        """Close the database connections."""
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    in_memory: bool = False,
) -> Platform:
    """Build the platform for ``settings`` (from the environment when not given)."""
    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    if in_memory:
        from silkpost.store.memory import InMemoryEventLog, InMemoryUnitOfWork

        log = InMemoryEventLog()
        platform = Platform(settings=settings, clock=clock, uow=lambda: InMemoryUnitOfWork(log))
        _attach_network(platform)
        return platform

    from silkpost.store.engine import make_engine
    from silkpost.store.migrate import upgrade
    from silkpost.store.uow import SqlUnitOfWork

    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    platform = Platform(
        settings=settings, clock=clock, uow=lambda: SqlUnitOfWork(engine), engine=engine
    )
    _attach_network(platform)
    return platform


def _attach_network(platform: Platform) -> None:
    """Load the corridor network (for ETAs and planning) when its file is there."""
    from pathlib import Path

    from silkpost.network.corridor import default_network_path, load_network
    from silkpost.network.eta import NetworkEta

    try:
        path = (Path(platform.settings.network_file) if platform.settings.network_file
                else default_network_path())
    except FileNotFoundError:
        return
    network = load_network(path)
    platform.network = network
    platform.eta = NetworkEta(network)
