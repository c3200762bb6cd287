"""The SQL notice repository: notices as rows, their state worked out in the WHERE clause.

The conditions below are :func:`silkpost.domain.notices.state_at` written in SQL over the four
epoch-microsecond times; the contract tests run the same cases on the domain function, the
in-memory fake, SQLite and PostgreSQL so the two spellings cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.domain.notices import Notice, NoticeState, Severity
from silkpost.domain.text import LINE_BREAKS, strip_control
from silkpost.domain.times import LATEST_US, clamp_us
from silkpost.notices.errors import NoticeConflict
from silkpost.notices.ports import NoticeQuery
from silkpost.store.columns import optional_us
from silkpost.store.schema import notices as t


def _dt(us: int | None) -> datetime | None:
    return None if us is None else from_epoch_us(clamp_us(us))


def _window(from_us: int, until_us: int | None) -> tuple[datetime, datetime | None]:
    """The validity window of a row, moved into the time window (see :func:`from_row`)."""
    start = clamp_us(from_us)
    if until_us is None or until_us > LATEST_US:
        # Ends after 2100 (or never): open; one that also starts after 2100 stays scheduled.
        return from_epoch_us(start), None
    end = max(clamp_us(until_us), start + 1)  # ended before 2000: expired all along
    return from_epoch_us(start), from_epoch_us(end)


def _texts(stored: str) -> dict[str, str]:
    return {lang: strip_control(text, keep=LINE_BREAKS)
            for lang, text in json.loads(stored).items()}


def _json(value: object) -> str:
    # Compact, so a code always appears as the exact text "CODE" in the array (see _mentions).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_row(n: Notice) -> dict[str, Any]:
    """The table row of a notice."""
    return {
        "notice_id": n.notice_id, "title": _json(dict(n.title)), "body": _json(dict(n.body)),
        "severity": n.severity.value, "nodes": _json(list(n.nodes)),
        "services": _json(list(n.services)), "valid_from_us": to_epoch_us(n.valid_from),
        "valid_until_us": optional_us(n.valid_until), "created_us": to_epoch_us(n.created_at),
        "published_us": optional_us(n.published_at), "withdrawn_us": optional_us(n.withdrawn_at),
    }


def from_row(row: Mapping[Any, Any]) -> Notice:
    """The notice of a table row (times come back in UTC).

    Before the time window was enforced a notice could be stored valid from year 1 or until
    9999, which no aware datetime west of UTC can hold: such times come back clamped into the
    window, with the same state now, so the notice is shown and can be withdrawn (which
    rewrites its row with the clamped times). Control characters stored then are dropped.
    """
    valid_from, valid_until = _window(row["valid_from_us"], row["valid_until_us"])
    return Notice(
        notice_id=row["notice_id"], title=_texts(row["title"]), body=_texts(row["body"]),
        severity=Severity(row["severity"]),
        nodes=tuple(json.loads(row["nodes"])), services=tuple(json.loads(row["services"])),
        valid_from=valid_from, valid_until=valid_until,
        created_at=from_epoch_us(clamp_us(row["created_us"])),
        published_at=_dt(row["published_us"]),
        withdrawn_at=_dt(row["withdrawn_us"]),
    )


def state_condition(state: NoticeState, at_us: int) -> ColumnElement[bool]:
    """SQL true exactly where ``state_at(notice, at) == state``."""
    withdrawn = and_(t.c.withdrawn_us.is_not(None), t.c.withdrawn_us <= at_us)
    standing = or_(t.c.withdrawn_us.is_(None), t.c.withdrawn_us > at_us)
    published = and_(standing, t.c.published_us.is_not(None), t.c.published_us <= at_us)
    ended = and_(t.c.valid_until_us.is_not(None), t.c.valid_until_us <= at_us)
    if state is NoticeState.WITHDRAWN:
        return withdrawn
    if state is NoticeState.DRAFT:
        return and_(standing, or_(t.c.published_us.is_(None), t.c.published_us > at_us))
    if state is NoticeState.SCHEDULED:
        return and_(published, t.c.valid_from_us > at_us)
    if state is NoticeState.EXPIRED:
        # valid_until > valid_from, so an ended window has also begun.
        return and_(published, ended)
    return and_(published, t.c.valid_from_us <= at_us, ~ended)


def _mentions(column: Any, codes: tuple[str, ...]) -> list[ColumnElement[bool]]:
    return [column.contains(json.dumps(code), autoescape=True) for code in codes]


def _concerning(nodes: tuple[str, ...], services: tuple[str, ...]) -> ColumnElement[bool]:
    if not nodes and not services:
        return true()
    network_wide = and_(t.c.nodes == "[]", t.c.services == "[]")
    return or_(network_wide, *_mentions(t.c.nodes, nodes), *_mentions(t.c.services, services))


class SqlNoticeRepository:
    """Notices on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, notice: Notice) -> None:
        """Insert a new notice; a taken id is a conflict (two operators at the same second).

        The id is looked up first so the usual conflict leaves the transaction usable. No
        SAVEPOINT: pysqlite's implicit transactions would make its RELEASE a commit. A race
        between the look-up and the insert still ends as a conflict, with the transaction
        (on PostgreSQL) aborted, which the caller's unit of work rolls back anyway.
        """
        conflict = NoticeConflict(f"notice id {notice.notice_id} is taken: try again",
                                  field="notice_id")
        if self.get(notice.notice_id) is not None:
            raise conflict
        try:
            self._conn.execute(insert(t).values(to_row(notice)))
        except IntegrityError:
            raise conflict from None

    def get(self, notice_id: str) -> Notice | None:
        """The notice with this id."""
        row = self._conn.execute(select(t).where(t.c.notice_id == notice_id)).mappings().first()
        return None if row is None else from_row(row)

    def update(self, notice: Notice) -> None:
        """Rewrite a stored notice's row."""
        row = to_row(notice)
        del row["notice_id"]
        self._conn.execute(update(t).where(t.c.notice_id == notice.notice_id).values(row))

    def list(self, query: NoticeQuery) -> list[Notice]:
        """Notices matching the query, most recently created first."""
        at_us = to_epoch_us(query.at)
        conditions = [_concerning(query.nodes, query.services)]
        if query.state is not None:
            conditions.append(state_condition(query.state, at_us))
        if query.published_only:
            conditions += [t.c.published_us.is_not(None), t.c.withdrawn_us.is_(None)]
        stmt = (select(t).where(*conditions)
                .order_by(t.c.created_us.desc(), t.c.notice_id.desc()).limit(query.limit))
        return [from_row(r) for r in self._conn.execute(stmt).mappings()]

    def count_created_in(self, year: int) -> int:
        """How many notices carry ids of ``year``."""
        stmt = select(func.count()).select_from(t).where(
            t.c.notice_id.like(f"N-{year:04d}-%"))
        return int(self._conn.execute(stmt).scalar_one())
