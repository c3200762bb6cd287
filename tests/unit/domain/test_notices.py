"""The notice in the domain: invariants on construction, the state machine, what it concerns."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.domain.errors import InvalidValue
from silkpost.domain.notices import (
    Notice,
    NoticeState,
    Severity,
    concerns,
    format_notice_id,
    state_at,
    text_in,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def notice(**changes: object) -> Notice:
    base = Notice(
        notice_id="N-2026-0001", title={"en": "Khorgos closed", "ru": "Хоргос закрыт"},
        body={"en": "Holiday."}, severity=Severity.DISRUPTION, nodes=("CNKHGA",), services=(),
        valid_from=T0, valid_until=T0 + timedelta(days=2), created_at=T0 - timedelta(days=3),
        published_at=T0 - timedelta(days=1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("moment", "expected"), [
    (T0 - timedelta(days=2), NoticeState.DRAFT),          # before publication
    (T0 - timedelta(days=1) - US, NoticeState.DRAFT),     # a microsecond before publication
    (T0 - timedelta(days=1), NoticeState.SCHEDULED),      # published, window not yet open
    (T0 - US, NoticeState.SCHEDULED),
    (T0, NoticeState.ACTIVE),                             # the window opens at valid_from
    (T0 + timedelta(days=2) - US, NoticeState.ACTIVE),
    (T0 + timedelta(days=2), NoticeState.EXPIRED),        # and closes at valid_until
])
def test_state_follows_the_half_open_validity_window(moment: datetime,
                                                     expected: NoticeState) -> None:
    """A published notice is active on [valid_from, valid_until) and not a microsecond else."""
    assert state_at(notice(), moment) == expected


def test_a_notice_without_an_end_stays_active() -> None:
    """valid_until=None means until withdrawn: active years later."""
    assert state_at(notice(valid_until=None), T0 + timedelta(days=3650)) == NoticeState.ACTIVE


def test_an_unpublished_notice_is_a_draft_whatever_its_window() -> None:
    """Without published_at the validity window does not matter: it is never shown."""
    n = notice(published_at=None)
    assert {state_at(n, T0 + timedelta(days=d)) for d in (-5, 0, 1, 5)} == {NoticeState.DRAFT}


def test_withdrawal_wins_from_its_moment_and_leaves_history_alone() -> None:
    """Withdrawn at t: withdrawn from t on, active just before (history reads the same)."""
    at = T0 + timedelta(hours=5)
    n = notice(withdrawn_at=at)
    assert state_at(n, at - US) == NoticeState.ACTIVE
    assert state_at(n, at) == NoticeState.WITHDRAWN
    assert state_at(n, T0 + timedelta(days=9)) == NoticeState.WITHDRAWN
    assert state_at(notice(published_at=None, withdrawn_at=at), at) == NoticeState.WITHDRAWN


def test_state_does_not_depend_on_time_zones() -> None:
    """The same instants written at +06:00 (Khorgos) give the same states as in UTC."""
    almaty = timezone(timedelta(hours=6))
    local = notice(valid_from=T0.astimezone(almaty),
                   valid_until=(T0 + timedelta(days=2)).astimezone(almaty))
    for moment in (T0 - US, T0, T0 + timedelta(days=2)):
        assert state_at(local, moment) == state_at(notice(), moment)


@pytest.mark.parametrize(("nodes", "services", "wanted_nodes", "wanted_services", "expected"), [
    (("CNKHGA",), (), ["CNURCA", "CNKHGA"], [], True),
    (("CNKHGA",), (), ["cnkhga"], [], True),               # codes compare case-insensitively
    (("CNKHGA",), (), ["KZALA"], ["T-HRS-ALA"], False),
    ((), ("T-HRS-ALA",), ["KZALA"], ["T-HRS-ALA"], True),
    ((), ("T-HRS-ALA",), ["CNKHGA"], [], False),
    ((), (), [], [], True),                                # network-wide: concerns every route
    ((), (), ["KZALA"], [], True),
])
def test_concerns_any_node_or_service_and_network_wide_notices_concern_all(
    nodes: tuple[str, ...], services: tuple[str, ...], wanted_nodes: list[str],
    wanted_services: list[str], expected: bool,
) -> None:
    """A notice concerns a route when they share a node or service, or it names neither."""
    n = notice(nodes=nodes, services=services)
    assert concerns(n, wanted_nodes, wanted_services) is expected


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"valid_until": T0}, "valid_until", "after valid_from"),
    ({"valid_until": T0 - timedelta(hours=1)}, "valid_until", "after valid_from"),
    ({"title": {}}, "title", "at least one"),
    ({"title": {"en": "   "}}, "title", "at least one"),
    ({"title": {"de": "Gesperrt"}}, "title", "'de'"),
    ({"title": {"en": "x" * 201}}, "title", "200"),
    ({"body": {"fr": "x"}}, "body", "'fr'"),
    ({"severity": "urgent"}, "severity", "info, warning, disruption"),
    ({"nodes": ("CN KHG",)}, "nodes", "not a network code"),
    ({"services": ("",)}, "services", "not a network code"),
    ({"valid_from": datetime(2026, 12, 1)}, "valid_from", "UTC offset"),
    ({"notice_id": "2026-1"}, "notice_id", "N-YYYY-NNNN"),
])
def test_invalid_notices_are_refused_naming_the_field(changes: dict[str, object], field: str,
                                                      words: str) -> None:
    """Every broken rule raises at construction with the field at fault and why."""
    with pytest.raises(InvalidValue) as caught:
        notice(**changes)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_texts_and_codes_are_normalised() -> None:
    """Blank texts dropped, text stripped, codes upper-cased without repeats."""
    n = notice(title={"en": " Closed ", "zh": ""}, nodes=("cnkhga", "CNKHGA", "kzala"))
    assert dict(n.title) == {"en": "Closed"}
    assert n.nodes == ("CNKHGA", "KZALA")


@pytest.mark.parametrize(("texts", "lang", "expected"), [
    ({"en": "Closed", "ru": "Закрыт", "kk": "Жабық"}, "kk", "Жабық"),
    ({"en": "Closed", "ru": "Закрыт"}, "kk", "Закрыт"),     # Kazakh falls back to Russian
    ({"en": "Closed"}, "kk", "Closed"),
    ({"en": "Closed", "ru": "Закрыт"}, "zh", "Closed"),     # others fall back to English
    ({"ru": "Закрыт"}, "zh", "Закрыт"),                     # then to whatever was written
    ({"zh": "关闭"}, "en", "关闭"),
    ({}, "en", ""),
])
def test_text_in_falls_back_kk_to_ru_and_the_rest_to_en(texts: dict[str, str], lang: str,
                                                         expected: str) -> None:
    """A reader always gets a text when one exists, in the nearest language."""
    assert text_in(texts, lang) == expected


def test_ids_are_zero_padded_per_year_and_widen_past_9999() -> None:
    """Ids sort by number within a year up to 9999 and stay valid beyond."""
    assert format_notice_id(2026, 1) == "N-2026-0001"
    assert notice(notice_id=format_notice_id(2026, 12345)).notice_id == "N-2026-12345"


_ORDER = [NoticeState.DRAFT, NoticeState.SCHEDULED, NoticeState.ACTIVE, NoticeState.EXPIRED,
          NoticeState.WITHDRAWN]
hours = st.integers(-100, 100).map(lambda h: T0 + timedelta(hours=h))


@settings(max_examples=300)
@given(start=hours, length=st.none() | st.integers(1, 50), published=st.none() | hours,
       withdrawn=st.none() | hours, moments=st.lists(hours, min_size=2, max_size=8))
def test_states_only_move_forward_in_time(start: datetime, length: int | None,
                                          published: datetime | None,
                                          withdrawn: datetime | None,
                                          moments: list[datetime]) -> None:
    """As time passes a notice's state never goes back: draft, scheduled, active, expired,
    withdrawn, in that order (steps may be skipped, e.g. published late: draft → active)."""
    n = notice(valid_from=start, published_at=published, withdrawn_at=withdrawn,
               valid_until=None if length is None else start + timedelta(hours=length))
    states = [state_at(n, m) for m in sorted(moments)]
    ranks = [_ORDER.index(s) for s in states]
    assert ranks == sorted(ranks)
