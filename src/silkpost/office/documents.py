"""The papers of an outbound dispatch: the bag label (CN 34 / CN 35) and the delivery bill
(CN 37 / CN 38 / CN 41), as PDF and, for the bill, CSV.

The layouts follow what the UPU forms carry (offices of origin and destination by IMPC code,
dispatch and receptacle numbers, weights, registered bags marked R, the conveyance), not the
printed forms' exact design, which is the UPU's. Each label carries its S9 id as a Code 128
barcode, which every hand-held at an office of exchange reads. Text is in English and codes,
as on the forms (the names of the corridor's offices in other scripts would need fonts that a
self-hosted install may not have).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from silkpost.domain import s9


@dataclass(frozen=True, slots=True)
class BagLabel:
    """What a bag label shows."""

    form: str  # CN 34 or CN 35
    receptacle_id: str
    origin_name: str
    destination_name: str
    closed_at: datetime
    items: int
    seal: str | None


@dataclass(frozen=True, slots=True)
class BillLine:
    """One receptacle on a delivery bill."""

    receptacle_id: str
    items: int
    seal: str | None

    @property
    def parsed(self) -> s9.ReceptacleId:
        """The label's fields."""
        return s9.parse(self.receptacle_id)


@dataclass(frozen=True, slots=True)
class DeliveryBill:
    """What a delivery bill lists: the dispatch, its bags, and who carries it."""

    form: str  # CN 37, CN 38 or CN 41
    dispatch_id: str
    origin_name: str
    destination_name: str
    closed_at: datetime
    lines: tuple[BillLine, ...]
    conveyance: str | None  # "truck AB 123 CD (T-URC-HRS)", once handed over

    @property
    def total_kg(self) -> float:
        """The weight of all its bags."""
        return round(sum(line.parsed.weight_kg for line in self.lines), 1)

    @property
    def registered_bags(self) -> int:
        """Bags holding registered or insured items (marked R)."""
        return sum(1 for line in self.lines if line.parsed.registered != "none")


def label_pdf(label: BagLabel) -> bytes:
    """The bag label on an A6 page: barcode, offices, numbers, weight."""
    r = s9.parse(label.receptacle_id)
    out = io.BytesIO()
    width, height = landscape(A6)
    page = Canvas(out, pagesize=(width, height), invariant=True)
    page.setTitle(f"{label.form} {label.receptacle_id}")
    page.setFont("Helvetica-Bold", 16)
    page.drawString(8 * mm, height - 12 * mm, label.form)
    page.setFont("Helvetica", 9)
    page.drawRightString(width - 8 * mm, height - 12 * mm,
                         f"{s9.MAIL_CATEGORIES[r.mail_category]} - subclass {r.subclass}")
    rows = (
        ("From", f"{r.origin} {label.origin_name}"),
        ("To", f"{r.destination} {label.destination_name}"),
        ("Dispatch", f"{r.dispatch_number:04d}  year {r.year_digit}"),
        ("Receptacle", f"{r.receptacle_number:03d}{'  (last)' if r.is_highest else ''}"),
        ("Weight", f"{r.weight_kg:.1f} kg   items {label.items}"
                   f"{'   R' if r.registered != 'none' else ''}"),
        ("Seal", label.seal or "-"),
        ("Closed", label.closed_at.strftime("%Y-%m-%d %H:%M %z")),
    )
    y = height - 22 * mm
    for name, value in rows:
        page.setFont("Helvetica", 8)
        page.drawString(8 * mm, y, name)
        page.setFont("Helvetica-Bold", 10)
        page.drawString(30 * mm, y, value)
        y -= 5.5 * mm
    barcode = Code128(label.receptacle_id, barHeight=14 * mm, barWidth=0.3 * mm)
    barcode.drawOn(page, (width - barcode.width) / 2, 12 * mm)
    page.setFont("Courier", 9)
    page.drawCentredString(width / 2, 7 * mm, label.receptacle_id)
    page.showPage()
    page.save()
    return out.getvalue()


BILL_COLUMNS = ("dispatch_id", "receptacle_id", "receptacle", "weight_kg", "registered",
                "last", "items", "seal", "origin", "destination", "conveyance")


def bill_csv(bill: DeliveryBill) -> str:
    """The delivery bill as CSV: one row per bag, the dispatch's fields on each."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(BILL_COLUMNS)
    for line in bill.lines:
        r = line.parsed
        writer.writerow((bill.dispatch_id, line.receptacle_id, f"{r.receptacle_number:03d}",
                         f"{r.weight_kg:.1f}", "R" if r.registered != "none" else "",
                         "1" if r.is_highest else "", line.items, line.seal or "",
                         r.origin, r.destination, bill.conveyance or ""))
    return text.getvalue()


def bill_pdf(bill: DeliveryBill) -> bytes:
    """The delivery bill on A4 pages: the dispatch's header, a line per bag, the totals."""
    out = io.BytesIO()
    width, height = A4
    page = Canvas(out, pagesize=A4, invariant=True)
    page.setTitle(f"{bill.form} {bill.dispatch_id}")
    top = height - 18 * mm

    def header() -> float:
        page.setFont("Helvetica-Bold", 16)
        page.drawString(15 * mm, top, f"{bill.form}  Delivery bill")
        page.setFont("Helvetica", 10)
        y = top - 8 * mm
        for text in (f"Dispatch {bill.dispatch_id}",
                     f"From {bill.dispatch_id[:6]} {bill.origin_name}",
                     f"To {bill.dispatch_id[6:12]} {bill.destination_name}",
                     f"Closed {bill.closed_at.strftime('%Y-%m-%d %H:%M %z')}",
                     f"Conveyance {bill.conveyance or '(not yet handed over)'}"):
            page.drawString(15 * mm, y, text)
            y -= 5 * mm
        Code128(bill.dispatch_id, barHeight=10 * mm, barWidth=0.3 * mm).drawOn(
            page, width - 90 * mm, top - 14 * mm)
        y -= 3 * mm
        page.setFont("Helvetica-Bold", 9)
        for x, name in ((15, "No."), (30, "Receptacle id"), (112, "Weight kg"), (135, "R"),
                        (145, "Items"), (165, "Seal")):
            page.drawString(x * mm, y, name)
        return float(y - 6 * mm)

    y = header()
    page.setFont("Courier", 9)
    for line in bill.lines:
        if y < 25 * mm:
            page.showPage()
            y = header()
            page.setFont("Courier", 9)
        r = line.parsed
        page.drawString(15 * mm, y, f"{r.receptacle_number:03d}")
        page.drawString(30 * mm, y, line.receptacle_id)
        page.drawRightString(130 * mm, y, f"{r.weight_kg:.1f}")
        page.drawString(135 * mm, y, "R" if r.registered != "none" else "")
        page.drawRightString(158 * mm, y, str(line.items))
        page.drawString(165 * mm, y, (line.seal or "")[:16])
        y -= 5 * mm
    page.setFont("Helvetica-Bold", 10)
    page.drawString(15 * mm, y - 4 * mm,
                    f"Total: {len(bill.lines)} receptacles, {bill.total_kg:.1f} kg, "
                    f"{bill.registered_bags} registered (R), "
                    f"{sum(line.items for line in bill.lines)} items")
    page.showPage()
    page.save()
    return out.getvalue()
