"""Notices: what operators tell partners and senders about the corridors, and when it holds.

A notice (a port's changed hours, a suspended route, new prohibited items) has texts in up to
four languages, a severity, the network nodes and services it concerns, and a validity window.
Its state at any moment follows from four times alone (published, valid from, valid until,
withdrawn), so the same notice reads "scheduled" yesterday and "active" today without anyone
writing to it. The core never reads the clock nor invents ids: both are passed in.

>>> from datetime import UTC
>>> t0 = datetime(2026, 12, 1, tzinfo=UTC)
>>> n = Notice(notice_id="N-2026-0001", title={"ru": "Хоргос закрыт"}, body={},
...            severity=Severity.DISRUPTION, nodes=("CNHRS-XS",), services=(),
...            valid_from=t0, valid_until=None, created_at=t0, published_at=t0)
>>> state_at(n, t0).value, n.title_in("kk")
('active', 'Хоргос закрыт')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from silkpost.domain.codes import LANGUAGES
from silkpost.domain.errors import InvalidFormat, InvalidValue
from silkpost.domain.text import LINE_BREAKS, check_printable
from silkpost.domain.times import check_time

# Kazakh readers on the corridor read Russian more often than English; everyone else falls
# back to English, then to whatever the operator wrote.
_FALLBACK = {
    "kk": ("kk", "ru", "en", "zh"),
    "ru": ("ru", "en", "kk", "zh"),
    "zh": ("zh", "en", "ru", "kk"),
    "en": ("en", "ru", "zh", "kk"),
}
_NOTICE_ID = re.compile(r"^N-(\d{4})-(\d{4,})$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
MAX_TITLE = 200
MAX_BODY = 10_000


class Severity(StrEnum):
    """How much a notice matters to someone with a parcel on the corridor."""

    INFO = "info"
    WARNING = "warning"
    DISRUPTION = "disruption"


class NoticeState(StrEnum):
    """Where a notice stands at a moment; see :func:`state_at`."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def format_notice_id(year: int, serial: int) -> str:
    """The id of the ``serial``-th notice created in ``year``.

    >>> format_notice_id(2026, 7)
    'N-2026-0007'
    """
    return f"N-{year:04d}-{serial:04d}"


def is_notice_id(value: str) -> bool:
    """True when ``value`` has the shape of a notice id.

    >>> is_notice_id("N-2026-0007"), is_notice_id("2026-7")
    (True, False)
    """
    return _NOTICE_ID.match(value) is not None


def text_in(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, else in the nearest language written ("" when none is).

    >>> text_in({"ru": "Закрыт", "en": "Closed"}, "kk"), text_in({"ru": "Закрыт"}, "zh")
    ('Закрыт', 'Закрыт')
    """
    for candidate in _FALLBACK.get(lang, _FALLBACK["en"]):
        if texts.get(candidate):
            return texts[candidate]
    return ""


def _texts(value: Mapping[str, str], field: str, *, required: bool, limit: int
           ) -> Mapping[str, str]:
    cleaned = {lang: text.strip() for lang, text in value.items() if text and text.strip()}
    unknown = sorted(set(cleaned) - set(LANGUAGES))
    if unknown:
        raise InvalidValue(f"language {unknown[0]!r} is not one of {', '.join(LANGUAGES)}",
                           field=field)
    if required and not cleaned:
        raise InvalidValue("needs a text in at least one of zh, en, ru, kk", field=field)
    for lang, text in cleaned.items():
        if len(text) > limit:
            raise InvalidValue(f"{lang} text is longer than {limit} characters", field=field)
        # A title is one line; a body may break lines. Nothing else that is not printable
        # (it would make the Atom feed ill-formed or draw on a terminal).
        check_printable(text, field=field, keep=LINE_BREAKS if field == "body" else "")
    return MappingProxyType({lang: cleaned[lang] for lang in LANGUAGES if lang in cleaned})


def _codes(values: Iterable[str], field: str) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in values:
        code = raw.strip().upper()
        if not _CODE.match(code):
            raise InvalidFormat(f"{raw!r} is not a network code", field=field)
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _in_window(moment: datetime | None, field: str) -> None:
    if moment is not None:
        check_time(moment, field=field)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice, checked on construction: every instance keeps the invariants below.

    Texts are normalised (stripped, empty ones dropped, languages in a fixed order) and codes
    upper-cased without repeats, so two notices written alike compare equal. Texts carry no
    control characters and every time lies in the window of :mod:`silkpost.domain.times`:
    a notice valid "from year 1" used to be stored and then broke every page that shows it.
    """

    notice_id: str
    title: Mapping[str, str]
    body: Mapping[str, str]
    severity: Severity
    nodes: tuple[str, ...]
    services: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime | None
    created_at: datetime
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None

    def __post_init__(self) -> None:
        if not is_notice_id(self.notice_id):
            raise InvalidFormat(f"{self.notice_id!r} is not a notice id (N-YYYY-NNNN)",
                                field="notice_id")
        set_ = object.__setattr__  # frozen: normalise in place once, here
        set_(self, "title", _texts(self.title, "title", required=True, limit=MAX_TITLE))
        set_(self, "body", _texts(self.body, "body", required=False, limit=MAX_BODY))
        try:
            set_(self, "severity", Severity(self.severity))
        except ValueError:
            raise InvalidValue(f"{self.severity!r} is not one of info, warning, disruption",
                               field="severity") from None
        set_(self, "nodes", _codes(self.nodes, "nodes"))
        set_(self, "services", _codes(self.services, "services"))
        for name in ("valid_from", "valid_until", "created_at", "published_at",
                     "withdrawn_at"):
            _in_window(getattr(self, name), name)
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise InvalidValue("must be after valid_from", field="valid_until")

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` or its fallback."""
        return text_in(self.title, lang)

    def body_in(self, lang: str) -> str:
        """The body in ``lang`` or its fallback."""
        return text_in(self.body, lang)


def state_at(notice: Notice, moment: datetime) -> NoticeState:
    """The notice's state at ``moment``; the validity window is half-open [from, until).

    Withdrawal wins from the moment it happened; before it, the notice was whatever its
    other times made it, so history reads the same after a withdrawal.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 12, 1, tzinfo=UTC)
    >>> n = Notice(notice_id="N-2026-0001", title={"en": "x"}, body={}, severity="info",
    ...            nodes=(), services=(), valid_from=t0, valid_until=None, created_at=t0)
    >>> state_at(n, t0).value
    'draft'
    """
    if notice.withdrawn_at is not None and moment >= notice.withdrawn_at:
        return NoticeState.WITHDRAWN
    if notice.published_at is None or moment < notice.published_at:
        return NoticeState.DRAFT
    if moment < notice.valid_from:
        return NoticeState.SCHEDULED
    if notice.valid_until is not None and moment >= notice.valid_until:
        return NoticeState.EXPIRED
    return NoticeState.ACTIVE


def concerns(notice: Notice, nodes: Iterable[str], services: Iterable[str]) -> bool:
    """True when the notice is about any of these nodes or services.

    A notice naming no node and no service is about the whole network (new prohibited items,
    a holiday), so it concerns every route.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 12, 1, tzinfo=UTC)
    >>> n = Notice(notice_id="N-2026-0001", title={"en": "x"}, body={}, severity="info",
    ...            nodes=("CNKHGA",), services=(), valid_from=t0, valid_until=None,
    ...            created_at=t0)
    >>> concerns(n, ["CNURCA", "cnkhga"], []), concerns(n, ["KZALA"], ["T-HRS-ALA"])
    (True, False)
    """
    if not notice.nodes and not notice.services:
        return True
    wanted_nodes = {n.strip().upper() for n in nodes}
    wanted_services = {s.strip().upper() for s in services}
    return bool(wanted_nodes.intersection(notice.nodes)
                or wanted_services.intersection(notice.services))
