"""Optional times in epoch-microsecond columns: the one conversion the stores' rows share."""

from __future__ import annotations

from datetime import datetime

from silkpost.domain.events import from_epoch_us, to_epoch_us


def optional_us(moment: datetime | None) -> int | None:
    """An optional time as its column value."""
    return None if moment is None else to_epoch_us(moment)


def optional_time(us: int | None) -> datetime | None:
    """An optional column value as its time (UTC)."""
    return None if us is None else from_epoch_us(us)
