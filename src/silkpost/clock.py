"""The wall clock. The domain never reads it; services get a clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that shows a set time until moved: for tests and for replaying files."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        """The set time."""
        return self.moment
