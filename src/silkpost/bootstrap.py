"""The composition root: the one place that builds engines and adapters and wires them.

Nothing connects at import time. The API, the CLI and the simulator call :func:`bootstrap`
and get a :class:`Platform` whose ``uow()`` gives units of work on the configured store. The
corridor network is loaded here too, and a platform without one is never built: a missing or
broken network file stops the start with :class:`NetworkUnavailable`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from silkpost.analytics.ports import KpiStore
from silkpost.audit.ports import AuditUnitOfWork
from silkpost.clock import SystemClock
from silkpost.customs.ports import BlacklistUnitOfWork, DeclarationUnitOfWork
from silkpost.domain.notices import Notice
from silkpost.errors import SilkpostError
from silkpost.network.corridor import Network
from silkpost.notices.ports import NoticeUnitOfWork
from silkpost.office.ports import OfficeUnitOfWork
from silkpost.partners.ports import PartnerUnitOfWork
from silkpost.settings import Settings
from silkpost.tracking.places import PlaceNames
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import EtaEstimator
from silkpost.webhooks.ports import WebhookUnitOfWork

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from silkpost.webhooks.worker import Dispatcher


@dataclass
class Platform:
    """The wired application: settings, clock, store, network and the optional capabilities."""

    settings: Settings
    clock: Clock
    uow: Callable[[], UnitOfWork]
    network: Network
    eta: EtaEstimator
    engine: Engine | None = None  # None for the in-memory store
    analytics_factory: Callable[[], KpiStore] | None = None
    notices: Callable[[], NoticeUnitOfWork] | None = None
    partners: Callable[[], PartnerUnitOfWork] | None = None
    webhooks: Callable[[], WebhookUnitOfWork] | None = None
    audits: Callable[[], AuditUnitOfWork] | None = None
    declarations: Callable[[], DeclarationUnitOfWork] | None = None
    declaration_reads: Callable[[], DeclarationUnitOfWork] | None = None
    offices: Callable[[], OfficeUnitOfWork] | None = None
    office_reads: Callable[[], OfficeUnitOfWork] | None = None
    blacklists: Callable[[], BlacklistUnitOfWork] | None = None
    _analytics: KpiStore | None = field(default=None, repr=False)
    _analytics_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _place_names: PlaceNames | None = field(default=None, repr=False)

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
        """Days promised per lane, from the network file."""
        return dict(self.network.promises_days)

    def notice_uow(self) -> NoticeUnitOfWork:
        """A unit of work over notices (the tracking ``uow`` type does not promise them)."""
        if self.notices is None:
            raise NoticesUnavailable("this platform was built without a notice store")
        return self.notices()

    def declaration_uow(self) -> DeclarationUnitOfWork:
        """A unit of work that stores declarations (on SQLite it takes the write lock as it
        begins: declaring reads what is stored under a reference, then writes)."""
        if self.declarations is None:
            from silkpost.customs.errors import DeclarationsUnavailable

            raise DeclarationsUnavailable("this platform was built without a declaration store")
        return self.declarations()

    def declaration_reader(self) -> DeclarationUnitOfWork:
        """A unit of work that only reads declarations: it waits for no writer."""
        if self.declaration_reads is None:
            return self.declaration_uow()
        return self.declaration_reads()

    def partner_uow(self) -> PartnerUnitOfWork:
        """A unit of work over partners and keys."""
        if self.partners is None:
            raise PartnersUnavailable("this platform was built without a partner registry")
        return self.partners()

    def webhook_uow(self) -> WebhookUnitOfWork:
        """A unit of work over webhook subscriptions and the outbox."""
        if self.webhooks is None:
            raise PartnersUnavailable("this platform was built without a webhook store")
        return self.webhooks()

    def audit_uow(self) -> AuditUnitOfWork:
        """A unit of work over the audit log."""
        if self.audits is None:
            raise PartnersUnavailable("this platform was built without an audit log")
        return self.audits()

    def blacklist_uow(self) -> BlacklistUnitOfWork:
        """A unit of work over the shipper blacklist and the audit log."""
        if self.blacklists is None:
            raise PartnersUnavailable("this platform was built without a blacklist store")
        return self.blacklists()

    def office_uow(self) -> OfficeUnitOfWork:
        """A unit of work over the offices' records and the tracking log (it takes SQLite's
        write lock as it begins: for the office's actions)."""
        if self.offices is None:
            raise OfficesUnavailable("this platform was built without an office store")
        return self.offices()

    def office_reader(self) -> OfficeUnitOfWork:
        """A unit of work that only reads the offices' records (lists, boards, papers): it
        waits for no writer."""
        if self.office_reads is None:
            return self.office_uow()
        return self.office_reads()

    def simulation_offices(self) -> OfficeUnitOfWork:
        """Where a simulation's offices of exchange keep their working records for the run:
        in memory (their events go to the store through the hub's ingest)."""
        from silkpost.store.memory import InMemoryUnitOfWork

        return InMemoryUnitOfWork()

    def webhook_dispatcher(self) -> Dispatcher:
        """A dispatcher of due webhook deliveries, as the settings configure it."""
        from datetime import timedelta

        from silkpost.webhooks.http_sender import HttpSender
        from silkpost.webhooks.worker import Dispatcher

        return Dispatcher(uow=self.webhook_uow, clock=self.clock,
                          sender=HttpSender(allow_private=self.settings.webhooks_allow_private),
                          workers=self.settings.webhooks_workers,
                          lease=timedelta(seconds=self.settings.webhooks_lease_seconds))

    def place_names(self) -> PlaceNames:
        """The place names a partner may write where a UN/LOCODE belongs: this platform's
        network's (``SILKPOST_NETWORK_FILE``), and the UN/LOCODE list."""
        with self._analytics_lock:
            if self._place_names is None:
                self._place_names = PlaceNames(self.network)
            return self._place_names

    def known_nodes(self) -> set[str]:
        """The network's node codes, to check notices against."""
        return set(self.network.nodes)

    def known_services(self) -> set[str]:
        """The network's service ids, to check notices against."""
        return {s.id for s in self.network.services}

    def upgrade_schema(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Migrate the SQL store to ``revision``: the revisions before and after."""
        if self.engine is None:
            raise SchemaUnavailable("the in-memory store has no schema to migrate",
                                    field="database_url")
        from silkpost.store.migrate import current_revision, upgrade

        before = current_revision(self.engine)
        return before, upgrade(self.engine, revision)

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


class PartnersUnavailable(SilkpostError):
    """The platform has no partner registry wired (a hand-built platform in a test or tool)."""

    code = "partners.unavailable"
    kind = "unavailable"
    title = "Partner registry unavailable"


class OfficesUnavailable(SilkpostError):
    """The platform was built without an office store."""

    code = "office.unavailable"
    kind = "unavailable"
    title = "Office records unavailable"


class SchemaUnavailable(SilkpostError):
    """A schema migration was asked of a store that has no schema (the in-memory one)."""

    code = "store.no_schema"
    kind = "unavailable"
    title = "No schema to migrate"


class NetworkUnavailable(SilkpostError):
    """The corridor network could not be loaded: the platform does not start without it.

    ETAs, plans, sort plans and the simulator all need it; running without them would look
    like a working install that has silently lost half its answers.
    """

    code = "settings.network_file"
    kind = "unavailable"
    title = "Network file unavailable"


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
    network, eta = _load_network(settings)
    if in_memory:
        from silkpost.store.memory import (
            InMemoryEventLog,
            InMemoryRegistry,
            InMemoryUnitOfWork,
        )

        log = InMemoryEventLog()
        notices: dict[str, Notice] = {}
        registry = InMemoryRegistry()

        def memory_unit_of_work() -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(log, notices, registry)

        return Platform(settings=settings, clock=clock, uow=memory_unit_of_work,
                        network=network, eta=eta, notices=memory_unit_of_work,
                        declarations=memory_unit_of_work,
                        partners=memory_unit_of_work, webhooks=memory_unit_of_work,
                        audits=memory_unit_of_work, offices=memory_unit_of_work,
                        blacklists=memory_unit_of_work)

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

    def office_unit_of_work() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, writes=True)

    return Platform(
        settings=settings, clock=clock, uow=sql_unit_of_work, network=network, eta=eta,
        engine=engine, analytics_factory=open_analytics, notices=sql_unit_of_work,
        declarations=office_unit_of_work, declaration_reads=sql_unit_of_work,
        partners=sql_unit_of_work, webhooks=sql_unit_of_work, audits=sql_unit_of_work,
        offices=office_unit_of_work, office_reads=sql_unit_of_work,
        blacklists=sql_unit_of_work,
    )


def _load_network(settings: Settings) -> tuple[Network, EtaEstimator]:
    """The network of ``SILKPOST_NETWORK_FILE``, else the one shipped in the package."""
    from silkpost.network.corridor import NetworkFileError, default_network_path, load_network
    from silkpost.network.eta import NetworkEta

    if settings.network_file:
        path = Path(settings.network_file)
        named = settings.network_file
    else:
        path = default_network_path()
        named = f"the packaged network {path}"
    if not path.is_file():
        raise NetworkUnavailable(f"{named}: no such file", field="SILKPOST_NETWORK_FILE")
    try:
        network = load_network(path)
    except NetworkFileError as exc:
        raise NetworkUnavailable(f"{named}: {exc.detail}", field="SILKPOST_NETWORK_FILE") from None
    return network, NetworkEta(network)
