"""Notice use cases on the in-memory fakes: ids, publishing rules, listing, what a route sees."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from silkpost.clock import FixedClock
from silkpost.domain.notices import NoticeState, Severity
from silkpost.notices.errors import InvalidNotice, NoticeConflict, NoticeNotFound, UnknownCode
from silkpost.notices.service import (
    NoticeDraft,
    create_notice,
    get_notice,
    list_notices,
    notices_concerning,
    publish_notice,
    published_notices,
    withdraw_notice,
)
from silkpost.store.memory import InMemoryUnitOfWork

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def draft(**changes: object) -> NoticeDraft:
    base: dict[str, object] = {
        "title": {"en": "Khorgos closed"}, "severity": Severity.DISRUPTION,
        "valid_from": NOW, "valid_until": NOW + 2 * DAY, "nodes": ("CNKHGA",),
    }
    base.update(changes)
    return NoticeDraft(**base)  # type: ignore[arg-type]


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_ids_number_notices_per_year(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """The service numbers notices N-<year>-0001, 0002…; a refused draft takes no number."""
    first = create_notice(draft(), uow=uow, clock=clock)
    with pytest.raises(InvalidNotice):
        create_notice(draft(title={}), uow=uow, clock=clock)
    second = create_notice(draft(), uow=uow, clock=clock)
    clock.moment = datetime(2027, 1, 1, tzinfo=UTC)
    third = create_notice(draft(valid_until=None), uow=uow, clock=clock)
    assert [first.notice.notice_id, second.notice.notice_id, third.notice.notice_id] == [
        "N-2026-0001", "N-2026-0002", "N-2027-0001"]


def test_a_draft_is_not_shown_until_published(uow: InMemoryUnitOfWork,
                                              clock: FixedClock) -> None:
    """Created: draft, absent from a route's notices; published: active and present."""
    view = create_notice(draft(), uow=uow, clock=clock)
    assert view.state == NoticeState.DRAFT
    assert notices_concerning(nodes=["CNKHGA"], uow=uow, clock=clock) == []
    published = publish_notice(view.notice.notice_id, uow=uow, clock=clock)
    assert published.state == NoticeState.ACTIVE and published.notice.published_at == NOW
    assert [n.notice_id for n in notices_concerning(nodes=["CNKHGA"], uow=uow, clock=clock)] \
        == [view.notice.notice_id]


def test_publish_twice_keeps_the_first_time(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """Publishing again (a retried request) changes nothing."""
    nid = create_notice(draft(), uow=uow, clock=clock, publish=True).notice.notice_id
    clock.moment = NOW + timedelta(hours=1)
    assert publish_notice(nid, uow=uow, clock=clock).notice.published_at == NOW


def test_withdrawn_notices_cannot_come_back(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """Withdraw expires a notice now; publishing it again is a conflict naming the id."""
    nid = create_notice(draft(), uow=uow, clock=clock, publish=True).notice.notice_id
    clock.moment = NOW + timedelta(hours=3)
    gone = withdraw_notice(nid, uow=uow, clock=clock)
    assert gone.state == NoticeState.WITHDRAWN and gone.notice.withdrawn_at == clock.moment
    assert notices_concerning(nodes=["CNKHGA"], uow=uow, clock=clock) == []
    assert published_notices(uow=uow, clock=clock) == []
    with pytest.raises(NoticeConflict) as caught:
        publish_notice(nid, uow=uow, clock=clock)
    assert caught.value.field == "notice_id"


def test_publishing_a_notice_whose_window_has_passed_is_refused(
        uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """A notice that would never be shown is refused with the field valid_until."""
    with pytest.raises(InvalidNotice) as caught:
        create_notice(draft(valid_from=NOW - 3 * DAY, valid_until=NOW), uow=uow, clock=clock,
                      publish=True)
    assert caught.value.field == "valid_until"
    assert list_notices(uow=uow, clock=clock) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"valid_until": NOW - DAY}, "valid_until"),
    ({"severity": "urgent"}, "severity"),
    ({"title": {"xx": "t"}}, "title"),
    ({"valid_from": datetime(2026, 12, 1)}, "valid_from"),
])
def test_validation_errors_name_the_field(uow: InMemoryUnitOfWork, clock: FixedClock,
                                          changes: dict[str, object], field: str) -> None:
    """Each invalid draft is an InvalidRequest whose field says what to fix."""
    with pytest.raises(InvalidNotice) as caught:
        create_notice(draft(**changes), uow=uow, clock=clock)
    assert caught.value.field == field


def test_codes_are_checked_against_the_network_when_known(uow: InMemoryUnitOfWork,
                                                          clock: FixedClock) -> None:
    """With known codes passed in, an unknown node or service is refused by name."""
    with pytest.raises(UnknownCode) as caught:
        create_notice(draft(nodes=("CNKHGA", "XXNOPE")), uow=uow, clock=clock,
                      known_nodes={"CNKHGA"}, known_services=set())
    assert caught.value.field == "nodes" and "XXNOPE" in caught.value.detail
    with pytest.raises(UnknownCode) as caught:
        create_notice(draft(services=("T-NOPE",)), uow=uow, clock=clock,
                      known_nodes={"CNKHGA"}, known_services={"T-HRS-ALA"})
    assert caught.value.field == "services"
    ok = create_notice(draft(nodes=("cnkhga",)), uow=uow, clock=clock, known_nodes={"CNKHGA"})
    assert ok.notice.nodes == ("CNKHGA",)


def test_unknown_and_malformed_ids_are_not_found(uow: InMemoryUnitOfWork,
                                                 clock: FixedClock) -> None:
    """Both a well-formed unknown id and garbage are NotFound on notice_id."""
    for nid in ("N-2026-0042", "'; DROP TABLE notices"):
        with pytest.raises(NoticeNotFound) as caught:
            get_notice(nid, uow=uow, clock=clock)
        assert caught.value.field == "notice_id"


def test_list_filters_by_state_now_and_node(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """state= is the state at the clock's now; node= keeps that node's and network-wide ones."""
    khorgos = create_notice(draft(), uow=uow, clock=clock, publish=True).notice.notice_id
    later = create_notice(draft(valid_from=NOW + DAY, nodes=("KZALA",)), uow=uow, clock=clock,
                          publish=True).notice.notice_id
    everywhere = create_notice(draft(nodes=(), severity="info"), uow=uow, clock=clock,
                               publish=True).notice.notice_id
    drafted = create_notice(draft(), uow=uow, clock=clock).notice.notice_id

    def ids(**kw: object) -> list[str]:
        return [v.notice.notice_id for v in list_notices(uow=uow, clock=clock, **kw)]  # type: ignore[arg-type]

    assert ids() == [drafted, everywhere, later, khorgos]
    assert ids(state="active") == [everywhere, khorgos]
    assert ids(state="scheduled") == [later]
    assert ids(state="draft") == [drafted]
    assert ids(node="kzala") == [everywhere, later]
    assert ids(limit=1) == [drafted]
    with pytest.raises(InvalidNotice) as caught:
        ids(state="live")
    assert caught.value.field == "state"
    with pytest.raises(InvalidNotice):
        ids(limit=0)


def test_a_route_sees_disruptions_first(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """Active notices on the route's nodes or services, disruptions before warnings and info."""
    info = create_notice(draft(nodes=(), severity="info"), uow=uow, clock=clock, publish=True)
    warn = create_notice(draft(nodes=(), services=("T-HRS-ALA",), severity="warning"),
                         uow=uow, clock=clock, publish=True)
    stop = create_notice(draft(), uow=uow, clock=clock, publish=True)
    create_notice(draft(nodes=("KZALA",)), uow=uow, clock=clock, publish=True)
    found = notices_concerning(nodes=["CNURCA", "CNKHGA"], services=["T-HRS-ALA"], uow=uow,
                               clock=clock)
    assert [n.notice_id for n in found] == [stop.notice.notice_id, warn.notice.notice_id,
                                            info.notice.notice_id]


def test_a_failed_use_case_leaves_nothing(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """The in-memory unit of work keeps a notice only once the use case commits."""
    kept = create_notice(draft(), uow=uow, clock=clock).notice

    def crash_before_commit() -> None:
        with uow:
            uow.notices.add(replace(kept, notice_id="N-2026-0002"))
            uow.notices.update(replace(kept, published_at=NOW))
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash_before_commit()
    assert uow.committed_notices == {kept.notice_id: kept}


def test_a_racing_writer_costs_a_retry_not_an_error(uow: InMemoryUnitOfWork,
                                                    clock: FixedClock,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """When another operator took the next number between count and insert, the service
    counts again and takes the one after; it gives up (409) only if that keeps happening."""
    taken = create_notice(draft(), uow=uow, clock=clock).notice.notice_id
    counts = iter([0, 1])  # the first count misses the notice just written elsewhere
    original = type(uow.notices).count_created_in
    monkeypatch.setattr(type(uow.notices), "count_created_in",
                        lambda self, year: next(counts, original(self, year)))
    second = create_notice(draft(), uow=uow, clock=clock).notice.notice_id
    assert (taken, second) == ("N-2026-0001", "N-2026-0002")
    monkeypatch.setattr(type(uow.notices), "count_created_in", lambda self, year: 0)
    with pytest.raises(NoticeConflict):
        create_notice(draft(), uow=uow, clock=clock)
