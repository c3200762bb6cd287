"""ETA in the item view: along the network from the item's last node to its destination."""

from __future__ import annotations

from datetime import datetime, timedelta

from silkpost.bootstrap import Platform
from silkpost.tracking.service import ingest, track
from tests.factories import event, numbered


def test_eta_follows_the_truck_line(memory_platform: Platform) -> None:
    """An item that left Dongguan for Almaty is due 4–8 days later; once delivered, no ETA."""
    posted = "2026-11-23T15:00:00+08:00"
    ingest(numbered([event(code="EMA", at=posted, location="CNDGG", office="CNDGGA",
                           payload={"destination": "KZALAA"})]),
           uow=memory_platform.uow(), clock=memory_platform.clock, source="t")
    view = track("CA000000014CN", uow=memory_platform.uow(), clock=memory_platform.clock,
                 eta=memory_platform.eta)
    assert view.eta is not None
    days = (view.eta - datetime.fromisoformat(posted)) / timedelta(days=1)
    assert 4 <= days <= 8
    ingest(numbered([event(code="EMI", at="2026-11-24T16:00:00+05:00", location="KZALA",
                           office="KZALAA")]),
           uow=memory_platform.uow(), clock=memory_platform.clock, source="t")
    done = track("CA000000014CN", uow=memory_platform.uow(), clock=memory_platform.clock,
                 eta=memory_platform.eta)
    assert done.eta is None


def test_no_eta_off_the_network(memory_platform: Platform) -> None:
    """An item last seen at an office the network does not know gets no ETA (not a guess)."""
    ingest(numbered([event(code="EMA", location="FRPAR", office="FRPARA",
                           payload={"destination": "KZALAA"})]),
           uow=memory_platform.uow(), clock=memory_platform.clock, source="t")
    view = track("CA000000014CN", uow=memory_platform.uow(), clock=memory_platform.clock,
                 eta=memory_platform.eta)
    assert view.eta is None
