"""Notice use cases: create, publish, withdraw, show, list, and the notices concerning a route.

The HTTP API, the CLI and the tracking page call these functions; each is one transaction.
Which node and service codes exist is passed in (``known_nodes``, ``known_services``) rather
than read from the network here, so the service works with or without a network file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from silkpost.domain.errors import InvalidValue
from silkpost.domain.notices import (
    Notice,
    NoticeState,
    Severity,
    concerns,
    format_notice_id,
    is_notice_id,
    state_at,
)
from silkpost.domain.webhooks import WebhookEventType
from silkpost.notices.errors import InvalidNotice, NoticeConflict, NoticeNotFound, UnknownCode
from silkpost.notices.ports import Clock, NoticeQuery, NoticeUnitOfWork
from silkpost.webhooks.service import new_message, queue

ID_ATTEMPTS = 3  # rounds of "count, then take the next number" before giving up
_SEVERITY_RANK = {Severity.DISRUPTION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    """What an operator writes; the service adds the id and the times."""

    title: Mapping[str, str]
    severity: Severity | str
    valid_from: datetime
    valid_until: datetime | None = None
    body: Mapping[str, str] | None = None
    nodes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A notice and its state at the moment it was read."""

    notice: Notice
    state: NoticeState


def create_notice(
    draft: NoticeDraft,
    *,
    uow: NoticeUnitOfWork,
    clock: Clock,
    publish: bool = False,
    known_nodes: Collection[str] | None = None,
    known_services: Collection[str] | None = None,
) -> NoticeView:
    """Store a new notice as a draft, or published at once with ``publish``."""
    now = clock.now()
    # Checked before the transaction with a stand-in id: a bad draft never takes a number.
    checked = _build(draft, notice_id=format_notice_id(now.year, 0), created_at=now)
    _check_known(checked.nodes, known_nodes, "nodes", "node")
    _check_known(checked.services, known_services, "services", "service")
    if publish:
        checked = _published(checked, now)
    for attempt in range(1, ID_ATTEMPTS + 1):
        # Two operators writing at the same moment can both count N notices and want N+1:
        # the loser's transaction is rolled back and it counts again.
        try:
            with uow:
                serial = uow.notices.count_created_in(now.year) + 1
                notice = replace(checked, notice_id=format_notice_id(now.year, serial))
                uow.notices.add(notice)
                if notice.published_at is not None:
                    _announce(uow, notice, now)
                uow.commit()
            return NoticeView(notice, state_at(notice, now))
        except NoticeConflict:
            if attempt == ID_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def publish_notice(notice_id: str, *, uow: NoticeUnitOfWork, clock: Clock) -> NoticeView:
    """Publish a draft; publishing a published notice again changes nothing."""
    now = clock.now()
    with uow:
        notice = _get(uow, notice_id)
        if notice.withdrawn_at is not None:
            raise NoticeConflict(f"notice {notice.notice_id} was withdrawn: write a new one",
                                 field="notice_id")
        if notice.published_at is None:
            notice = _published(notice, now)
            uow.notices.update(notice)
            _announce(uow, notice, now)
            uow.commit()
    return NoticeView(notice, state_at(notice, now))


def withdraw_notice(notice_id: str, *, uow: NoticeUnitOfWork, clock: Clock) -> NoticeView:
    """Take a notice down now (it stops being shown); withdrawing again changes nothing."""
    now = clock.now()
    with uow:
        notice = _get(uow, notice_id)
        if notice.withdrawn_at is None:
            notice = replace(notice, withdrawn_at=now)
            uow.notices.update(notice)
            uow.commit()
    return NoticeView(notice, state_at(notice, now))


def get_notice(notice_id: str, *, uow: NoticeUnitOfWork, clock: Clock) -> NoticeView:
    """One notice and its state now."""
    with uow:
        notice = _get(uow, notice_id)
    return NoticeView(notice, state_at(notice, clock.now()))


def list_notices(
    *,
    uow: NoticeUnitOfWork,
    clock: Clock,
    state: NoticeState | str | None = None,
    node: str | None = None,
    limit: int = 100,
) -> list[NoticeView]:
    """Notices by state now and by node (network-wide notices count for every node)."""
    if not 1 <= limit <= 1000:
        raise InvalidNotice("limit must be between 1 and 1000", field="limit")
    try:
        wanted = NoticeState(state) if state is not None else None
    except ValueError:
        raise InvalidNotice(f"{state!r} is not one of "
                            f"{', '.join(s.value for s in NoticeState)}", field="state") from None
    now = clock.now()
    nodes = (node.strip().upper(),) if node else ()
    with uow:
        found = uow.notices.list(NoticeQuery(at=now, state=wanted, nodes=nodes, limit=limit))
    return [NoticeView(n, state_at(n, now)) for n in found]


def published_notices(
    *, uow: NoticeUnitOfWork, clock: Clock, limit: int = 50
) -> list[NoticeView]:
    """Published notices that were never withdrawn, newest first: what the feed carries."""
    now = clock.now()
    with uow:
        found = uow.notices.list(NoticeQuery(at=now, published_only=True, limit=limit))
    return [NoticeView(n, state_at(n, now)) for n in found]


def notices_concerning(
    *,
    nodes: Iterable[str],
    services: Iterable[str] = (),
    uow: NoticeUnitOfWork,
    clock: Clock,
    limit: int = 20,
) -> list[Notice]:
    """Active notices about any of these nodes or services (or the whole network).

    Disruptions come first, then warnings, then the rest; the newest first within each.
    """
    now = clock.now()
    node_codes = tuple(n.strip().upper() for n in nodes)
    service_codes = tuple(s.strip().upper() for s in services)
    query = NoticeQuery(at=now, state=NoticeState.ACTIVE, nodes=node_codes,
                        services=service_codes, limit=1000)
    with uow:
        found = uow.notices.list(query)
    # The store's filter is a coarse pre-selection; concerns() is the rule.
    kept = [n for n in found if concerns(n, node_codes, service_codes)]
    kept.sort(key=lambda n: (_SEVERITY_RANK[n.severity], -n.valid_from.timestamp()))
    return kept[:limit]


def _build(draft: NoticeDraft, *, notice_id: str, created_at: datetime) -> Notice:
    try:
        severity = Severity(draft.severity)
    except ValueError:
        raise InvalidNotice(f"{draft.severity!r} is not one of "
                            f"{', '.join(s.value for s in Severity)}", field="severity") from None
    try:
        return Notice(
            notice_id=notice_id, title=draft.title, body=draft.body or {}, severity=severity,
            nodes=tuple(draft.nodes), services=tuple(draft.services),
            valid_from=draft.valid_from, valid_until=draft.valid_until, created_at=created_at,
        )
    except InvalidValue as exc:
        raise InvalidNotice(exc.message, field=exc.field) from None


def _published(notice: Notice, now: datetime) -> Notice:
    if notice.valid_until is not None and notice.valid_until <= now:
        raise InvalidNotice("has already passed: the notice would never be shown",
                            field="valid_until")
    return replace(notice, published_at=now)


def _check_known(codes: tuple[str, ...], known: Collection[str] | None, field: str,
                 what: str) -> None:
    if known is None:
        return
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UnknownCode(f"no {what} {unknown[0]!r} in the network", field=field)


def _get(uow: NoticeUnitOfWork, notice_id: str) -> Notice:
    key = notice_id.strip().upper()
    notice = uow.notices.get(key) if is_notice_id(key) else None
    if notice is None:
        raise NoticeNotFound(f"no notice {notice_id!r}", field="notice_id")
    return notice


def _announce(uow: NoticeUnitOfWork, notice: Notice, now: datetime) -> None:
    """Queue ``notice.published`` for the subscribers, in the publishing transaction."""
    data = {"id": notice.notice_id, "severity": notice.severity.value,
            "title": dict(notice.title), "body": dict(notice.body), "nodes": list(notice.nodes),
            "services": list(notice.services), "valid_from": notice.valid_from.isoformat(),
            "valid_until": notice.valid_until.isoformat() if notice.valid_until else None}
    message = new_message(WebhookEventType.NOTICE_PUBLISHED, data, at=now, nodes=notice.nodes)
    queue([message], outbox=uow.webhooks, at=now)
