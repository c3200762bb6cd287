"""Response shapes of the analytics API (its OpenAPI contract); ``silkpost kpi --json``
prints the same shapes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Generic, TypeVar

from pydantic import BaseModel

from silkpost.analytics.kpis import DayVolume, ModeDay, OverdueItem, Summary

Row = TypeVar("Row")


class Rows(BaseModel, Generic[Row]):
    """A KPI's rows over a period of local days."""

    since: date
    until: date
    rows: list[Row]


class VolumesOut(BaseModel):
    """Items posted and delivered per day, and departures per day and mode."""

    since: date
    until: date
    days: list[DayVolume]
    modes: list[ModeDay]


class OverdueOut(BaseModel):
    """Items past their lane's promise: how many, and the most overdue."""

    since: date
    until: date
    total: int
    rows: list[OverdueItem]


class SummaryOut(BaseModel):
    """The dashboard's tiles."""

    since: date
    until: date
    posted: int
    delivered: int
    weight_kg: float
    in_flight: int
    stuck: int
    overdue: int
    p50_days: float | None
    on_time_share: float | None
    customs_p50_hours: float | None
    events: int
    statuses: dict[str, int]

    @classmethod
    def of(cls, summary: Summary) -> SummaryOut:
        """From the service's tiles (the period flattened into since / until)."""
        fields = {k: v for k, v in asdict(summary).items() if k != "period"}
        return cls(since=summary.period.since, until=summary.period.until, **fields)
