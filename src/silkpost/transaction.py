"""The transaction every unit of work is: entered, committed or else rolled back on leaving.

Each capability's unit of work (tracking's, notices') adds the repositories it hands out; the
SQL unit of work and the in-memory fake satisfy all of them by shape.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class Transaction(Protocol):
    """One transaction: rolled back on leaving unless committed."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the work of this transaction durable."""
        ...

    def rollback(self) -> None:
        """Throw away the work of this transaction."""
        ...
