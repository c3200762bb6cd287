"""Request and response shapes of the outbound and deadline API of an office of exchange
(bags, dispatches, delivery bills, handovers, the deadline monitor)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from silkpost.domain.office import MAX_SEAL, ConveyanceMode
from silkpost.office.deadlines import OnTheClock, ServiceDeadlines
from silkpost.office.documents import DeliveryBill
from silkpost.office.ports import Bag

ITEM = Field(min_length=1, max_length=64, description="item id (S10 or a carrier's number)",
             examples=["CA000000014CN"])
AT = Field(None, description="when it happened, with its UTC offset (an offline scanner "
                             "sends its own time); none: now")


class BagIn(BaseModel):
    """A new bag for items going to one office of exchange."""

    destination: str = Field(min_length=6, max_length=6, examples=["KZALAA"])
    category: str = Field("C", min_length=1, max_length=1)
    subclass: str = Field("CC", min_length=2, max_length=2)
    at: AwareDatetime | None = AT


class BagOut(BaseModel):
    """A bag, open or closed."""

    bag_id: int
    office: str
    destination: str
    category: str
    subclass: str
    opened_at: datetime
    items: int | None = None
    closed_at: datetime | None = None
    receptacle_id: str | None = None
    dispatch_id: str | None = None
    weight_kg: float | None = None
    seal: str | None = None

    @classmethod
    def of(cls, bag: Bag, items: int | None = None) -> BagOut:
        """A bag as the API shows it."""
        return cls(bag_id=bag.bag_id, office=bag.office, destination=bag.destination,
                   category=bag.category, subclass=bag.subclass, opened_at=bag.opened_at,
                   items=items, closed_at=bag.closed_at, receptacle_id=bag.receptacle_id,
                   dispatch_id=bag.dispatch_id, weight_kg=bag.weight_kg, seal=bag.seal)


class BagItemIn(BaseModel):
    """An item put into a bag."""

    item_id: str = ITEM
    at: AwareDatetime | None = AT


class CloseBagIn(BaseModel):
    """A bag weighed and sealed; ``last`` closes its dispatch too."""

    weight_kg: float = Field(ge=0, le=999.9)
    seal: str | None = Field(None, max_length=MAX_SEAL)
    registered: bool = False
    last: bool = False
    at: AwareDatetime | None = AT


class ClosedBagOut(BaseModel):
    """A bag closed into a dispatch: its S9 id and where its label is."""

    bag: BagOut
    dispatch_id: str
    dispatch_closed: bool
    label_pdf: str


class BillLineOut(BaseModel):
    """One bag of a delivery bill."""

    receptacle_id: str
    receptacle: int
    weight_kg: float
    registered: bool
    last: bool
    items: int
    seal: str | None


class BillOut(BaseModel):
    """A dispatch's delivery bill (CN 37 / CN 38 / CN 41)."""

    form: str
    dispatch_id: str
    origin: str
    destination: str
    closed_at: datetime
    conveyance: str | None
    receptacles: int
    total_kg: float
    registered_bags: int
    items: int
    lines: list[BillLineOut]
    pdf: str
    csv: str

    @classmethod
    def of(cls, bill: DeliveryBill, *, base: str) -> BillOut:
        """The bill as the API shows it, with the links to its PDF and CSV."""
        lines = []
        for line in bill.lines:
            r = line.parsed
            lines.append(BillLineOut(receptacle_id=line.receptacle_id,
                                     receptacle=r.receptacle_number, weight_kg=r.weight_kg,
                                     registered=r.registered != "none", last=r.is_highest,
                                     items=line.items, seal=line.seal))
        return cls(form=bill.form, dispatch_id=bill.dispatch_id, origin=bill.dispatch_id[:6],
                   destination=bill.dispatch_id[6:12], closed_at=bill.closed_at,
                   conveyance=bill.conveyance, receptacles=len(bill.lines),
                   total_kg=bill.total_kg, registered_bags=bill.registered_bags,
                   items=sum(x.items for x in bill.lines), lines=lines,
                   pdf=f"{base}/bill.pdf", csv=f"{base}/bill.csv")


class HandOverIn(BaseModel):
    """The conveyance a closed dispatch is handed to."""

    mode: ConveyanceMode
    reference: str = Field(min_length=2, max_length=32, description="plate, train or flight",
                           examples=["新F 12345"])
    service_id: str | None = Field(None, max_length=64)
    at: AwareDatetime | None = AT


class OnTheClockOut(BaseModel):
    """An item that has not left, with its deadline."""

    item_id: str
    state: str
    scanned_at: datetime
    deadline: datetime
    left_hours: float
    overdue: bool
    destination: str | None
    next_node: str | None
    bag_id: int | None
    dispatch_id: str | None

    @classmethod
    def of(cls, c: OnTheClock) -> OnTheClockOut:
        """An item on the clock as the API shows it."""
        i = c.item
        return cls(item_id=i.item_id, state=i.state, scanned_at=i.scanned_at,
                   deadline=c.deadline, left_hours=round(c.left_hours, 2), overdue=c.overdue,
                   destination=i.destination, next_node=i.next_node, bag_id=i.bag_id,
                   dispatch_id=i.dispatch_id)


class ServiceDeadlinesOut(BaseModel):
    """One outbound service's items on the clock (service none: items without a route)."""

    service_id: str | None
    overdue: int
    items: list[OnTheClockOut]

    @classmethod
    def of(cls, s: ServiceDeadlines) -> ServiceDeadlinesOut:
        """A service's board as the API shows it."""
        return cls(service_id=s.service_id, overdue=s.overdue,
                   items=[OnTheClockOut.of(c) for c in s.items])


class DeadlinesOut(BaseModel):
    """The deadline monitor of an office, and its same-day share over the last days."""

    office: str
    overdue: int
    on_the_clock: int
    same_day_share: float | None
    same_day_due: int
    services: list[ServiceDeadlinesOut]
