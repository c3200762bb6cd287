"""Analytics on DuckDB: the KPI queries over the copy of the event log.

Each KPI is one query over the derived tables of :class:`~silkpost.store.analytics_copy.
AnalyticsCopy` (items, visits, legs); what a figure means is the domain's where a rule exists
(:mod:`silkpost.domain.transit` for transit times and on time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from silkpost.analytics.kpis import (
    CustomsFigures,
    DayVolume,
    Flow,
    LaneFigures,
    ModeDay,
    ModeFigures,
    NodeFigures,
    OverdueItem,
    Period,
    TransitBucket,
)
from silkpost.domain.lanes import lane_ends, lane_key
from silkpost.domain.transit import LaneItems, outcome, overdue_before
from silkpost.store.analytics_copy import FULL_REBUILD_SHARE, PARALLEL_AFTER, AnalyticsCopy

__all__ = ["FULL_REBUILD_SHARE", "PARALLEL_AFTER", "DuckDbAnalytics"]

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR


class DuckDbAnalytics(AnalyticsCopy):
    """The KPI store on DuckDB, fed from the SQL event log of ``engine``."""

    def day_volumes(self, period: Period) -> list[DayVolume]:
        """Items posted (with weight) and delivered per local day."""
        rows = self._query("""
            WITH posted AS (SELECT posted_day AS day, count(*) AS n, sum(weight_kg) AS kg
                            FROM items WHERE posted_day BETWEEN $since AND $until GROUP BY 1),
                 delivered AS (SELECT delivered_day AS day, count(*) AS n FROM items
                               WHERE delivered_day BETWEEN $since AND $until GROUP BY 1)
            SELECT d::DATE, coalesce(p.n, 0), coalesce(p.kg, 0), coalesce(x.n, 0)
            FROM range($since::DATE, $until::DATE + 1, INTERVAL 1 DAY) r(d)
            LEFT JOIN posted p ON p.day = d::DATE LEFT JOIN delivered x ON x.day = d::DATE
            ORDER BY 1""", _period(period))
        return [DayVolume(r[0], int(r[1]), round(float(r[2]), 1), int(r[3])) for r in rows]

    def mode_days(self, period: Period) -> list[ModeDay]:
        """Departures per local day and mode."""
        rows = self._query("""
            SELECT left_day, mode, count(*) FROM legs
            WHERE left_day BETWEEN $since AND $until AND mode IS NOT NULL
            GROUP BY 1, 2 ORDER BY 1, 2""", _period(period))
        return [ModeDay(r[0], r[1], int(r[2])) for r in rows]

    def lanes(self, period: Period, *, promises: Mapping[str, float], now_us: int,
              overall: bool = False) -> list[LaneFigures]:
        """Per lane (or all lanes as one, lane "*"): posted, delivered, weight, and the
        domain's :func:`~silkpost.domain.transit.outcome` against each lane's promise.

        DuckDB selects and groups the items; the counting, percentiles and share are the
        domain's, the same function the simulator's report calls.
        """
        default = promises.get("default")
        # Grouped by the two ends, never by a key built in SQL: lane_key() makes the key.
        rows = self._query(f"""
            WITH lane_items AS (
                SELECT origin, destination, weight_kg, posted_us,
                       delivered_us - posted_us AS transit_us
                FROM items
                WHERE posted_day BETWEEN $since AND $until AND origin IS NOT NULL
                  AND destination IS NOT NULL AND posted_us IS NOT NULL)
            SELECT l.origin, l.destination, coalesce(p.days, $default), count(*),
                   coalesce(sum(weight_kg), 0),
                   list(transit_us) FILTER (transit_us IS NOT NULL),
                   list(posted_us) FILTER (transit_us IS NULL)
            FROM lane_items l LEFT JOIN ({_promise_values(promises)}) p
                 USING (origin, destination)
            GROUP BY l.origin, l.destination, p.days ORDER BY count(*) DESC, 1, 2""",
            {**_period(period), "default": default})
        by_lane: dict[str, list[tuple[float | None, float, LaneItems]]] = {}
        for origin, destination, promise, _, weight, transit, open_ in rows:
            days = None if promise is None else float(promise)
            by_lane.setdefault("*" if overall else lane_key(origin, destination), []).append(
                (days, float(weight), LaneItems(days, transit or [], open_ or [])))
        out = []
        for lane, groups in by_lane.items():
            o = outcome([g[2] for g in groups], now_us=now_us)
            promised = {g[0] for g in groups}
            out.append(LaneFigures(
                lane=lane, posted=o.posted, delivered=o.delivered,
                weight_kg=round(sum(g[1] for g in groups), 1), p50_days=o.p50_days,
                p90_days=o.p90_days, promise_days=promised.pop() if len(promised) == 1 else None,
                on_time=o.on_time, late=o.late, in_flight=o.in_flight, overdue=o.overdue,
                on_time_share=o.on_time_share))
        return out

    def transit_buckets(self, lane: str, period: Period, *, width_days: float
                        ) -> list[TransitBucket]:
        """Delivered items of one lane counted per ``width_days`` of transit time."""
        if width_days <= 0:
            raise ValueError("width_days must be > 0")
        origin, destination = lane_ends(lane)
        rows = self._query(f"""
            SELECT floor((delivered_us - posted_us) / {_US_PER_DAY}::DOUBLE / $w) AS b, count(*)
            FROM items
            WHERE posted_day BETWEEN $since AND $until AND delivered_us IS NOT NULL
              AND origin = $origin AND destination = $destination
            GROUP BY 1 ORDER BY 1""", {**_period(period), "w": width_days, "origin": origin,
                                       "destination": destination})
        return [TransitBucket(round(float(r[0]) * width_days, 3), width_days, int(r[1]))
                for r in rows]

    def customs(self, period: Period, *, overall: bool = False, by_regime: bool = False
                ) -> list[CustomsFigures]:
        """Per place (or all places as one, office "*"), and per regime if asked (else
        regime "*"): presented, released, inspected; hours from presented to released (the
        rule of silkpost.domain.clearance). An item's regime is the first one its events
        name (the posting's payload)."""
        group = "'*'" if overall else "v.office"
        regime = "coalesce(i.regime, '?')" if by_regime else "'*'"
        rows = self._query(f"""
            SELECT {group}, {regime}, count(*), count(v.released_us),
                   count(*) FILTER (v.inspected),
                   quantile_cont(h, 0.5), quantile_cont(h, 0.9), avg(h)
            FROM (SELECT *, (released_us - presented_us) / {_US_PER_HOUR}::DOUBLE AS h
                  FROM visits WHERE presented_day BETWEEN $since AND $until) v
            {"LEFT JOIN items i USING (object_id)" if by_regime else ""}
            GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2""", _period(period))
        return [CustomsFigures(r[0], int(r[2]), int(r[3]), int(r[4]), _round(r[5], 2),
                               _round(r[6], 2), _round(r[7], 2), regime=r[1]) for r in rows]

    def nodes(self, period: Period) -> list[NodeFigures]:
        """Per place: items seen, items that left, dwell p50/p90 hours."""
        rows = self._query(f"""
            SELECT office, count(*), count(left_us),
                   quantile_cont(h, 0.5), quantile_cont(h, 0.9)
            FROM (SELECT *, (left_us - arrived_us) / {_US_PER_HOUR}::DOUBLE AS h
                  FROM visits WHERE arrived_day BETWEEN $since AND $until)
            GROUP BY office ORDER BY count(*) DESC, office""", _period(period))
        return [NodeFigures(r[0], int(r[1]), int(r[2]), _round(r[3], 2), _round(r[4], 2))
                for r in rows]

    def modes(self, period: Period) -> list[ModeFigures]:
        """Per mode: departures and the weight they carried."""
        rows = self._query("""
            SELECT mode, count(*), coalesce(sum(weight_kg), 0) FROM legs
            WHERE left_day BETWEEN $since AND $until AND mode IS NOT NULL
            GROUP BY 1 ORDER BY 2 DESC""", _period(period))
        return [ModeFigures(r[0], int(r[1]), round(float(r[2]), 1)) for r in rows]

    def flows(self, period: Period) -> list[Flow]:
        """Items from place to next place by mode."""
        rows = self._query("""
            SELECT origin, destination, mode, count(*) FROM legs
            WHERE left_day BETWEEN $since AND $until
            GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2""", _period(period))
        return [Flow(r[0], r[1], r[2], int(r[3])) for r in rows]

    def overdue(self, period: Period, *, promises: Mapping[str, float], now_us: int,
                limit: int, lane: str | None = None,
                offset: int = 0) -> tuple[int, list[OverdueItem]]:
        """Undelivered items past their lane's promise: how many, and a page of them, most
        overdue first (``lane``: of that lane only).

        "Past the promise" is the domain's :func:`~silkpost.domain.transit.overdue_before`,
        computed per lane here and handed to DuckDB as a cut-off instant.
        """
        default = promises.get("default")
        ends: tuple[str | None, str | None] = lane_ends(lane) if lane else (None, None)
        rows = self._query(f"""
            WITH open AS (
                SELECT i.object_id, i.origin, i.destination, i.posted_day,
                       i.posted_us, i.last_office,
                       coalesce(p.days, $default) AS promise,
                       coalesce(p.cutoff_us, $default_cutoff) AS cutoff_us
                FROM items i LEFT JOIN ({_promise_values(promises, now_us)}) p
                     ON p.origin = i.origin AND p.destination = i.destination
                WHERE i.posted_day BETWEEN $since AND $until AND i.delivered_us IS NULL
                  AND i.origin IS NOT NULL AND i.destination IS NOT NULL
                  AND i.posted_us IS NOT NULL
                  AND ($origin::VARCHAR IS NULL OR (i.origin = $origin::VARCHAR
                                           AND i.destination = $destination::VARCHAR)))
            SELECT object_id, origin, destination, posted_day, promise,
                   ($now - posted_us) / {_US_PER_DAY}::DOUBLE - promise AS late_days,
                   last_office, count(*) OVER ()
            FROM open WHERE posted_us < cutoff_us
            ORDER BY late_days DESC, object_id LIMIT $limit OFFSET $offset""",
            {**_period(period), "default": default, "now": now_us, "limit": limit,
             "offset": offset, "origin": ends[0], "destination": ends[1],
             "default_cutoff": None if default is None else overdue_before(now_us, default)})
        if not rows and offset:  # past the end: still say how many there are
            return self.overdue(period, promises=promises, now_us=now_us, limit=1,
                                lane=lane)[0], []
        total = int(rows[0][7]) if rows else 0
        return total, [OverdueItem(r[0], lane_key(r[1], r[2]), r[3], float(r[4]),
                                   round(float(r[5]), 2), r[6]) for r in rows]


def _period(period: Period) -> dict[str, date]:
    return {"since": period.since, "until": period.until}


def _promise_values(promises: Mapping[str, float], now_us: int = 0) -> str:
    """The lane promises as an inline table of (origin, destination, days, cutoff_us): the
    network's checked codes and numbers only, with the instant before which an undelivered
    item posted on the lane is overdue at ``now_us``."""
    rows = [(*lane_ends(lane), float(days)) for lane, days in promises.items()
            if lane != "default"]
    if not rows:
        return ("SELECT NULL::VARCHAR AS origin, NULL::VARCHAR AS destination, "
                "NULL::DOUBLE AS days, NULL::BIGINT AS cutoff_us WHERE false")
    for origin, destination, _ in rows:
        if "'" in origin + destination:
            raise ValueError(f"lane {origin}>{destination}: quote in a lane code")
    values = ", ".join(f"('{origin}', '{destination}', {days!r}, "
                       f"{overdue_before(now_us, days)})" for origin, destination, days in rows)
    return f"SELECT * FROM (VALUES {values}) AS p(origin, destination, days, cutoff_us)"


def _round(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)
