"""The one window of time Silkpost accepts: 2000-01-01 to 2100-01-01 UTC.

Every time that enters from outside (an event's occurred time, a notice's validity, a plan's
ready time, a sort plan's moment, a listing's ``since``, a cursor, an analytics period) is
checked against this window at the edge, so nothing downstream meets a year 1 or 9999 that
overflows a conversion (``datetime`` cannot hold 0001-01-01 shifted west of UTC, PostgreSQL's
bigint cannot hold a cursor of 30 digits) and turns a page into a 500 for everyone. Stores
that already hold a time outside it read it back clamped (:func:`clamp_us`).

>>> check_time(datetime(2026, 12, 1, tzinfo=UTC), field="ready").year
2026
>>> check_time(datetime(1, 1, 1, tzinfo=UTC), field="valid_from")
Traceback (most recent call last):
    ...
silkpost.domain.times.OutOfWindow: 0001-01-01T00:00:00+00:00 is outside 2000-01-01 – 2100-01-01 UTC
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from silkpost.domain.errors import InvalidValue

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EARLIEST_US = (EARLIEST - _EPOCH) // timedelta(microseconds=1)
LATEST_US = (LATEST - _EPOCH) // timedelta(microseconds=1)
WINDOW = f"{EARLIEST:%Y-%m-%d} – {LATEST:%Y-%m-%d} UTC"


class OutOfWindow(InvalidValue):
    """A time before 2000 or after 2100: a typo or a sentinel, never a real postal event."""

    reason = f"outside {WINDOW}"


def check_time(moment: datetime, *, field: str) -> datetime:
    """``moment`` itself when it has a UTC offset and lies in the window, else the error.

    The bounds are inclusive; the comparison is between aware datetimes, so it never
    converts (and never overflows) whatever the offset.
    """
    if moment.utcoffset() is None:
        raise InvalidValue("needs a UTC offset (a time without one is ambiguous across the "
                           "corridor's time zones)", field=field)
    if not EARLIEST <= moment <= LATEST:
        raise OutOfWindow(f"{moment.isoformat()} is outside {WINDOW}", field=field)
    return moment


def check_day(day: date, *, field: str) -> date:
    """``day`` itself when it lies in the window, else the error naming ``field``.

    >>> check_day(date(9999, 12, 31), field="until")
    Traceback (most recent call last):
        ...
    silkpost.domain.times.OutOfWindow: 9999-12-31 is outside 2000-01-01 – 2100-01-01 UTC
    """
    if not EARLIEST.date() <= day <= LATEST.date():
        raise OutOfWindow(f"{day.isoformat()} is outside {WINDOW}", field=field)
    return day


def check_us(us: int, *, field: str) -> int:
    """Epoch microseconds (a cursor's position) when in the window, else the error."""
    if not EARLIEST_US <= us <= LATEST_US:
        raise OutOfWindow(f"{us} µs after 1970 is outside {WINDOW}", field=field)
    return us


def clamp_us(us: int) -> int:
    """Epoch microseconds moved into the window: how a store reads a time written before the
    window was enforced, so one old row cannot stop a page.

    >>> clamp_us(-62_135_614_800_000_000) == EARLIEST_US, clamp_us(0) == EARLIEST_US
    (True, True)
    """
    return min(max(us, EARLIEST_US), LATEST_US)
