"""The composition root: the one place that builds engines and adapters and wires them.

Nothing connects at import time. The API, the CLI and the simulator call :func:`bootstrap`
and get a :class:`Platform` whose ``uow()`` gives units of work on the configured store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from silkpost.analytics.ports import KpiStore
from silkpost.clock import SystemClock
from silkpost.domain.notices import Notice
from silkpost.errors import SilkpostError
from silkpost.network.corridor import Network
from silkpost.notices.ports import NoticeUnitOfWork
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
    analytics_factory: Callable[[], KpiStore] | None = None
    notices: Callable[[], NoticeUnitOfWork] | None = None
    _analytics: KpiStore | None = field(default=None, repr=False)
    _analytics_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def analytics(self) -> KpiStore:
        """The KPI store, opened on first use (a CLI lookup never pays for DuckDB)."""
        with self._analytics_lock:
            if self._analytics is None:
                if self.analytics_factory is None:
                    raise AnalyticsUnavailable(
                        "analytics needs a SQL store (SQLite or PostgreSQL), not the in-memory "
                        "one", field="database_url")
                self._analytics = self.analytics_factory()
            return self._analytics

    def lane_promises(self) -> dict[str, float]:
        """Days promised per lane, from the network file (empty without a network)."""
        return dict(self.network.promises_days) if self.network is not None else {}

    def notice_uow(self) -> NoticeUnitOfWork:
        """A unit of work over notices (the tracking ``uow`` type does not promise them)."""
        if self.notices is None:
            raise NoticesUnavailable("this platform was built without a notice store")
        return self.notices()

    def known_nodes(self) -> set[str] | None:
        """The network's node codes, to check notices against (None: no network loaded)."""
        return set(self.network.nodes) if self.network is not None else None

    def known_services(self) -> set[str] | None:
        """The network's service ids (None: no network loaded)."""
        return {s.id for s in self.network.services} if self.network is not None else None

    def dispose(self) -> None:
        """Close the database connections."""
        if self._analytics is not None:
            self._analytics.close()
            self._analytics = None
        if self.engine is not None:
            self.engine.dispose()


class AnalyticsUnavailable(SilkpostError):
    """Analytics was asked for on a platform that has no SQL store to read."""

    code = "analytics.unavailable"
    kind = "unavailable"
    title = "Analytics unavailable"


class NoticesUnavailable(SilkpostError):
    """The platform has no notice store wired (a hand-built platform in a test or tool)."""

    code = "notices.unavailable"
    kind = "unavailable"
    title = "Notices unavailable"


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
        notices: dict[str, Notice] = {}

        def memory_unit_of_work() -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(log, notices)

        platform = Platform(settings=settings, clock=clock, uow=memory_unit_of_work,
                            notices=memory_unit_of_work)
        _attach_network(platform)
        return platform

    from silkpost.store.engine import make_engine
    from silkpost.store.migrate import upgrade
    from silkpost.store.uow import SqlUnitOfWork

    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)

    def open_analytics() -> KpiStore:
        from silkpost.store.analytics import DuckDbAnalytics

        return DuckDbAnalytics(engine, path=settings.analytics_path(),
                               min_interval_s=settings.analytics_refresh_seconds)

    def sql_unit_of_work() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    platform = Platform(
        settings=settings, clock=clock, uow=sql_unit_of_work, engine=engine,
        analytics_factory=open_analytics, notices=sql_unit_of_work,
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
