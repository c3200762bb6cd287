"""Outbound work at Urumqi (CNURCA) on the fake, SQLite and PostgreSQL: bags filled and
closed into dispatches with gap-free numbers, the delivery bill, the handover and the
pre-advice it sends; and concurrent workers closing at the same moment."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import re
import threading
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from silkpost.bootstrap import Platform
from silkpost.domain import s9, s10
from silkpost.domain.codes import ObjectKind
from silkpost.domain.office import Conveyance
from silkpost.office import deadlines, outbound
from silkpost.office import service as office
from silkpost.office.documents import bill_csv, bill_pdf, label_pdf
from silkpost.office.errors import OfficeConflict
from silkpost.tracking.service import ingest
from tests.factories import event, numbered

OFFICE = "CNURCA"
SOURCE = "CNPOST/urumqi"


def _items(p: Platform, first: int, count: int, destination: str = "KZALAA") -> list[str]:
    ids = [s10.build("CA", n, "CN") for n in range(first, first + count)]
    result = ingest(numbered([event(i, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
                                    payload={"destination": destination}) for i in ids]),
                    uow=p.uow(), clock=p.clock, source="CAINIAO")
    assert result.rejected == 0, result.rejections
    for i in ids:
        assert office.scan_item(OFFICE, i, source=SOURCE, **_kw(p)).outcome == "sorted"
    return ids


def _kw(p: Platform) -> dict[str, Any]:
    return {"network": p.network, "uow": p.office_uow(), "clock": p.clock}


def _codes(p: Platform, kind: ObjectKind, object_id: str) -> list[str]:
    with p.uow() as uow:
        return [e.code for e in uow.events.timeline(kind, object_id)]


def _bag(p: Platform, ids: list[str], *, weight: float, last: bool = False,
         registered: bool = False) -> outbound.ClosedBag:
    bag = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
    for i in ids:
        outbound.put_in_bag(OFFICE, bag.bag_id, i, source=SOURCE, **_kw(p))
    return outbound.close_bag(OFFICE, bag.bag_id, weight_kg=weight, seal=f"S{bag.bag_id}",
                              last=last, registered=registered, source=SOURCE, **_kw(p))


def _pdf_text(pdf: bytes) -> str:
    """The text drawn on a reportlab PDF's pages (their ASCII85 + Flate streams decoded)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        with contextlib.suppress(zlib.error):  # a stream that was not compressed
            data = zlib.decompress(data)
        out.append(data.decode("latin-1").replace("\\(", "(").replace("\\)", ")"))
    return "\n".join(out)


def test_bags_close_into_one_dispatch_with_a_bill_and_a_handover(any_platform: Platform
                                                                 ) -> None:
    p = any_platform
    ids = _items(p, 1, 6)
    first = _bag(p, ids[:3], weight=4.2, registered=True)
    second = _bag(p, ids[3:], weight=3.9, last=True)
    assert first.dispatch.dispatch_id == second.dispatch.dispatch_id
    dispatch = first.dispatch.dispatch_id
    assert dispatch == "CNURCAKZALAACCC60001"  # first of 2026 for the pair and category
    one, two = s9.parse(first.bag.receptacle_id or ""), s9.parse(second.bag.receptacle_id or "")
    assert (one.receptacle_number, two.receptacle_number) == (1, 2)
    assert one.registered == "registered" and not one.is_highest and two.is_highest
    assert (one.weight_kg, two.weight_kg) == (4.2, 3.9)
    assert second.dispatch.closed_at is not None  # the last bag closed it
    assert first.label.form == "CN 34"
    assert first.bag.receptacle_id in _pdf_text(label_pdf(first.label))
    assert _codes(p, ObjectKind.ITEM, ids[0]).count("SIB") == 1
    # opened for filling and closed (at one instant here, the clock being fixed)
    assert sorted(_codes(p, ObjectKind.RECEPTACLE, first.bag.receptacle_id or "")) == [
        "SRC", "SYB"]
    assert _codes(p, ObjectKind.DISPATCH, dispatch) == ["SDC"]

    bill = outbound.close_dispatch(OFFICE, dispatch, source=SOURCE, **_kw(p))  # again: same
    assert bill.form == "CN 37" and bill.total_kg == 8.1 and bill.registered_bags == 1
    assert [line.items for line in bill.lines] == [3, 3]
    rows = list(csv.DictReader(io.StringIO(bill_csv(bill))))
    assert [r["receptacle"] for r in rows] == ["001", "002"]
    assert [r["registered"] for r in rows] == ["R", ""]
    text = _pdf_text(bill_pdf(bill))
    assert "Total: 2 receptacles, 8.1 kg, 1 registered (R), 6 items" in text
    assert _codes(p, ObjectKind.DISPATCH, dispatch) == ["SDC"]  # closing again: no event

    advised = outbound.hand_over(OFFICE, dispatch, Conveyance("truck", "xj a1234"),
                                 source=SOURCE, **_kw(p))
    assert advised.advice.item_count == 6
    assert [r.items for r in advised.advice.receptacles] == [tuple(ids[:3]), tuple(ids[3:])]
    # closed, loaded, and its pre-advice taken at Almaty (at one instant here: the clock is
    # fixed, and a step of a lower status sorts first)
    assert _codes(p, ObjectKind.DISPATCH, dispatch) == ["SYA", "SDC", "SLD"]
    with p.uow() as uow:
        taken = [e for e in uow.events.timeline(ObjectKind.DISPATCH, dispatch)
                 if e.code == "SYA"]
    assert [(e.office, e.payload) for e in taken] == [("KZALAA", {"receptacles": 2,
                                                                  "items": 6})]
    assert "EMC" in _codes(p, ObjectKind.ITEM, ids[0])  # left the outward office
    assert outbound.delivery_bill(OFFICE, dispatch, **{k: v for k, v in _kw(p).items()
                                               if k != "clock"}).conveyance == "truck XJ A1234"
    # The pre-advice waits at Almaty for the dispatch to arrive.
    answer = office.receive("KZALAA", first.bag.receptacle_id or "", weighed_kg=4.2,
                            source="KAZPOST", **_kw(p))
    assert answer.outcome == "announced" and answer.advised_items == 3
    with pytest.raises(OfficeConflict):
        outbound.hand_over(OFFICE, dispatch, Conveyance("rail", "X8001"), source=SOURCE,
                           **_kw(p))


def test_an_item_goes_into_one_bag_only(any_platform: Platform) -> None:
    p = any_platform
    ids = _items(p, 1, 1)
    first = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
    second = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
    outbound.put_in_bag(OFFICE, first.bag_id, ids[0], source=SOURCE, **_kw(p))
    again = outbound.put_in_bag(OFFICE, first.bag_id, ids[0], source=SOURCE, **_kw(p))
    assert again.already and again.items == 1
    with pytest.raises(OfficeConflict, match=f"in bag {first.bag_id}"):
        outbound.put_in_bag(OFFICE, second.bag_id, ids[0], source=SOURCE, **_kw(p))
    assert _codes(p, ObjectKind.ITEM, ids[0]).count("SIB") == 1


def test_what_cannot_go_into_a_bag_says_why(any_platform: Platform) -> None:
    p = any_platform
    ids = _items(p, 1, 2)
    kz = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
    uz = outbound.start_bag(OFFICE, "UZTASA", **_kw(p))
    with pytest.raises(OfficeConflict, match="goes to KZALAA"):
        outbound.put_in_bag(OFFICE, uz.bag_id, ids[0], source=SOURCE, **_kw(p))
    office.hold(OFFICE, ids[1], "customs", source=SOURCE, **_kw(p))
    with pytest.raises(OfficeConflict, match="is held"):
        outbound.put_in_bag(OFFICE, kz.bag_id, ids[1], source=SOURCE, **_kw(p))
    with pytest.raises(OfficeConflict, match="not been scanned"):
        outbound.put_in_bag(OFFICE, kz.bag_id, s10.build("CA", 999, "CN"), source=SOURCE,
                            **_kw(p))
    with pytest.raises(OfficeConflict, match="empty"):
        outbound.close_bag(OFFICE, kz.bag_id, weight_kg=1.0, source=SOURCE, **_kw(p))


def test_a_closed_dispatch_takes_no_more_bags(any_platform: Platform) -> None:
    p = any_platform
    ids = _items(p, 1, 2)
    first = _bag(p, ids[:1], weight=1.0)
    outbound.close_dispatch(OFFICE, first.dispatch.dispatch_id, source=SOURCE, **_kw(p))
    second = _bag(p, ids[1:], weight=1.0)
    assert second.dispatch.serial == first.dispatch.serial + 1
    assert s9.parse(second.bag.receptacle_id or "").receptacle_number == 1


def _concurrently(workers: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_workers_closing_at_the_same_moment_get_gap_free_numbers(platform: Platform) -> None:
    """Eight workers each close three bags (every third one closing the dispatch) on the
    same office pair at once: dispatch serials run 1..n, receptacle serials 1..m in each,
    no number twice, none skipped; on SQLite and on PostgreSQL."""
    p = platform
    ids = _items(p, 1, 24)
    per_worker = [ids[n * 3:(n + 1) * 3] for n in range(8)]

    def work(n: int) -> None:
        for k, item in enumerate(per_worker[n]):
            bag = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
            outbound.put_in_bag(OFFICE, bag.bag_id, item, source=SOURCE, **_kw(p))
            outbound.close_bag(OFFICE, bag.bag_id, weight_kg=1.0 + n / 10, last=k == 2,
                               source=SOURCE, **_kw(p))

    assert _concurrently(8, work) == []
    with p.office_uow() as uow:
        labels = [b.receptacle_id for n in range(1, 40)
                  for b in uow.office.dispatch_bags(f"CNURCAKZALAACCC6{n:04d}")]
    parsed = [s9.parse(x or "") for x in labels]
    assert len(parsed) == 24
    dispatches = sorted({r.dispatch_number for r in parsed})
    assert dispatches == list(range(1, len(dispatches) + 1))
    for number in dispatches:
        serials = sorted(r.receptacle_number for r in parsed if r.dispatch_number == number)
        assert serials == list(range(1, len(serials) + 1))


def test_the_deadline_monitor_counts_what_has_not_left(any_platform: Platform) -> None:
    """Urumqi's cut-off is 23:00 Beijing time: an item scanned at 10:00 must leave by
    midnight, one scanned at 23:30 by the next midnight; a handed-over dispatch takes its
    items off the clock, and the same-day share counts who made it."""
    p = any_platform
    beijing = timezone(timedelta(hours=8))
    ids = _items(p, 1, 1)  # scanned at the clock's now (2026-11-24 20:00 Beijing)
    late = _items(p, 50, 1)
    with p.office_uow() as uow:  # move the second item's scan to after the cut-off
        item = uow.office.item(OFFICE, late[0])
        assert item is not None
        uow.office.put_item(replace(item, scanned_at=datetime(2026, 11, 24, 23, 30,
                                                               tzinfo=beijing)))
        uow.commit()
    node = p.network.nodes[OFFICE]
    assert deadlines.deadline(node, datetime(2026, 11, 24, 10, 0, tzinfo=beijing)) == \
        datetime(2026, 11, 25, tzinfo=node.tz)
    assert deadlines.deadline(node, datetime(2026, 11, 24, 23, 30, tzinfo=beijing)) == \
        datetime(2026, 11, 26, tzinfo=node.tz)
    board = deadlines.monitor(OFFICE, **_kw(p))
    clocked = {c.item.item_id: c for s in board for c in s.items}
    assert clocked[ids[0]].left_hours == pytest.approx(4.0)  # 20:00 -> midnight
    assert clocked[late[0]].left_hours == pytest.approx(28.0)
    assert not any(c.overdue for c in clocked.values())

    p.clock.moment += timedelta(hours=5)  # 01:00 the next day: the first is overdue
    board = deadlines.monitor(OFFICE, **_kw(p))
    assert board[0].overdue == 1 and board[0].items[0].item.item_id == ids[0]

    closed = _bag(p, ids, weight=1.0, last=True)
    outbound.hand_over(OFFICE, closed.dispatch.dispatch_id, Conveyance("truck", "XJ A1"),
                       source=SOURCE, **_kw(p))
    left = {c.item.item_id for s in deadlines.monitor(OFFICE, **_kw(p)) for c in s.items}
    assert left == {late[0]}
    share = deadlines.same_day_share(OFFICE, days=1, **_kw(p))
    assert (share.due, share.on_time) == (1, 0)  # due at midnight, left at 01:00
