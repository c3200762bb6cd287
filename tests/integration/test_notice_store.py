"""The notice repository on SQLite, PostgreSQL and the in-memory fake: one contract for all.

The SQL store works out a notice's state in its WHERE clause; these tests hold it to the
domain's ``state_at`` at every boundary of the window, on every store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.domain.notices import Notice, NoticeState, Severity, concerns, state_at
from silkpost.notices.errors import NoticeConflict
from silkpost.notices.ports import NoticeQuery, NoticeUnitOfWork
from silkpost.settings import Settings
from silkpost.store.memory import InMemoryUnitOfWork

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)
US = timedelta(microseconds=1)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def uows(request: pytest.FixtureRequest, clock: FixedClock
         ) -> Iterator[Callable[[], NoticeUnitOfWork]]:
    """Units of work on the fake, on SQLite and on PostgreSQL (a fresh schema)."""
    if request.param == "memory":
        committed: dict[str, Notice] = {}
        yield lambda: InMemoryUnitOfWork(notices=committed)
        return
    if request.param == "sqlite":
        sqlite: Platform = request.getfixturevalue("sqlite_platform")
        yield sqlite.notice_uow
        return
    url = request.getfixturevalue("pg_schema_url")
    platform = bootstrap(Settings(database_url=url), clock=clock)
    yield platform.notice_uow
    platform.dispose()


def make(serial: int, **changes: object) -> Notice:
    base = Notice(
        notice_id=f"N-2026-{serial:04d}", title={"en": f"Notice {serial}", "kk": "Хабарлама"},
        body={"zh": "霍尔果斯口岸", "ru": "Граница"}, severity=Severity.WARNING,
        nodes=("CNKHGA",), services=(), valid_from=T0, valid_until=T0 + 10 * H,
        created_at=T0 - 100 * H + serial * US, published_at=T0 - 2 * H,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ZOO = [
    make(1),
    make(2, published_at=None),
    make(3, valid_until=None),
    make(4, withdrawn_at=T0 + 5 * H),
    make(5, published_at=T0 + H, nodes=("KZALA",), services=("T-HRS-ALA",)),
    make(6, valid_from=T0 + 3 * H, valid_until=T0 + 4 * H, nodes=()),
    make(7, published_at=None, withdrawn_at=T0 - H, nodes=("CN_KHG",)),
    make(8, nodes=(), services=("T-HRS-ALA",), severity=Severity.DISRUPTION),
]
MOMENTS = sorted({t for n in ZOO for t in (n.valid_from, n.valid_until, n.published_at,
                                           n.withdrawn_at) if t is not None}
                 | {T0 - 50 * H, T0 + 50 * H})


def _store_all(uows: Callable[[], NoticeUnitOfWork]) -> None:
    with uows() as uow:
        for n in ZOO:
            uow.notices.add(n)
        uow.commit()


def test_a_notice_comes_back_as_it_went_in(uows: Callable[[], NoticeUnitOfWork]) -> None:
    """Texts in every script, codes, severity and the five times survive the round trip."""
    almaty = timezone(timedelta(hours=6))
    n = make(1, valid_from=T0.astimezone(almaty), title={"zh": "口岸关闭", "kk": "Жабық"})
    with uows() as uow:
        uow.notices.add(n)
        uow.commit()
    with uows() as uow:
        back = uow.notices.get(n.notice_id)
        assert uow.notices.get("N-2026-0099") is None
    assert back == n
    assert back is not None and back.title_in("ru") == "Жабық"


@pytest.mark.parametrize("moment", MOMENTS)
def test_state_filter_equals_the_domain_state_at_every_boundary(
        uows: Callable[[], NoticeUnitOfWork], moment: datetime) -> None:
    """For each state and each moment where some notice changes, the store and state_at agree."""
    _store_all(uows)
    with uows() as uow:
        for state in NoticeState:
            got = [n.notice_id for n in uow.notices.list(NoticeQuery(at=moment, state=state))]
            expected = [n.notice_id for n in reversed(ZOO) if state_at(n, moment) == state]
            assert got == expected, state


@pytest.mark.parametrize(("nodes", "services"), [
    (("CNKHGA",), ()), (("KZALA",), ()), ((), ("T-HRS-ALA",)), (("CNXKHG",), ()),
    (("CN_KHG",), ()), (("CNKHG",), ()), (("CNURCA", "KZALA"), ("T-URC-HRS-M",)),
])
def test_node_and_service_filter_equals_concerns(uows: Callable[[], NoticeUnitOfWork],
                                                 nodes: tuple[str, ...],
                                                 services: tuple[str, ...]) -> None:
    """The store keeps exactly the notices concerns() accepts: no LIKE wildcard or prefix leaks."""
    _store_all(uows)
    with uows() as uow:
        got = [n.notice_id for n in uow.notices.list(
            NoticeQuery(at=T0, nodes=nodes, services=services))]
    assert got == [n.notice_id for n in reversed(ZOO) if concerns(n, nodes, services)]


def test_feed_query_drops_drafts_and_withdrawn(uows: Callable[[], NoticeUnitOfWork]) -> None:
    """published_only keeps published, never-withdrawn notices, whatever the moment."""
    _store_all(uows)
    with uows() as uow:
        got = [n.notice_id for n in uow.notices.list(
            NoticeQuery(at=T0 - 50 * H, published_only=True, limit=3))]
    assert got == ["N-2026-0008", "N-2026-0006", "N-2026-0005"]


def test_update_counts_and_conflicts(uows: Callable[[], NoticeUnitOfWork]) -> None:
    """Updates persist; ids are counted per year; a taken id is a conflict, not a crash."""
    _store_all(uows)
    with uows() as uow:
        uow.notices.update(replace(ZOO[1], published_at=T0))
        with pytest.raises(NoticeConflict):
            uow.notices.add(make(1, title={"en": "again"}))
        uow.notices.add(make(9))  # the transaction is still usable after the conflict
        uow.commit()
    with uows() as uow:
        assert uow.notices.count_created_in(2026) == 9
        assert uow.notices.count_created_in(2027) == 0
        stored = uow.notices.get("N-2026-0002")
        assert stored is not None and stored.published_at == T0
        first = uow.notices.get("N-2026-0001")
        assert first is not None and dict(first.title)["en"] == "Notice 1"


def test_uncommitted_notices_are_rolled_back(uows: Callable[[], NoticeUnitOfWork]) -> None:
    """A unit of work left without commit keeps neither new notices nor updates."""
    _store_all(uows)

    def crash() -> None:
        with uows() as uow:
            uow.notices.add(make(9))
            uow.notices.update(replace(ZOO[0], withdrawn_at=T0))
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    with uows() as uow:
        assert uow.notices.get("N-2026-0009") is None
        assert uow.notices.get("N-2026-0001") == ZOO[0]
