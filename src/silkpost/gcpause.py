"""Pausing Python's cyclic garbage collector around the hot loops of bulk work.

Validating a batch of records and building its rows allocates hundreds of thousands of short
-lived tuples, dicts and lists. With the collector on, they trigger collections that scan the
caller's whole heap (a partner file held in memory, the simulator's millions of objects):
a fifth of an import's time. These objects form no reference cycles and are freed by
reference counting, so the collector has nothing to find there; it runs again between batches.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic GC off, then restore it as it was (nestable)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
