"""The working-hours rule: when work starts on a parcel that reaches a node.

A node with a cut-off works in one window a day, from its opening to its cut-off in local time
(a cut-off before the opening closes the next morning: a night shift). A parcel arriving inside
a window is worked at once; one arriving outside waits for the next opening. The router's
search applies the same windows, compiled for its horizon from :func:`windows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from silkpost.network.corridor import Node


def windows(node: Node, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
    """The node's working windows (open, close) in UTC, for local days ``first``..``last``.

    Nothing for a node that keeps no cut-off: it is always open.
    """
    if node.cutoff_minute is None:
        return
    opens, cutoff = node.opens_minute, node.cutoff_minute
    day = first
    while day <= last:
        start = datetime.combine(day, time(opens // 60, opens % 60), node.tz)
        end_day = day if cutoff >= opens else day + timedelta(days=1)
        end = datetime.combine(end_day, time(cutoff // 60, cutoff % 60), node.tz)
        yield start.astimezone(UTC), end.astimezone(UTC)
        day += timedelta(days=1)


def work_starts(node: Node, arrival: datetime) -> datetime:
    """When work on a parcel arriving at ``arrival`` starts: at once, or the next opening."""
    if node.cutoff_minute is None:
        return arrival
    local = arrival.astimezone(node.tz).date()
    for start, end in windows(node, local - timedelta(days=1), local + timedelta(days=2)):
        if arrival <= end:
            return arrival if arrival >= start else start.astimezone(arrival.tzinfo)
    raise AssertionError("a day always has a next opening")  # pragma: no cover


def ready_after_arrival(node: Node, arrival: datetime, regime: str | None) -> datetime:
    """When a parcel arriving at ``node`` can leave again: working hours, handling, customs."""
    return work_starts(node, arrival) + node.ready_delay(regime)
