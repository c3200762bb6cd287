"""China customs' receipts (回执) on CEB messages, and what each says about the parcel.

Every CEB message a broker sends is answered by a receipt (the message's number plus one:
CEB622 answers the import inventory CEB621), whose ``returnStatus`` says how far customs got:
stored, declared, rejected (退单), held for inspection, released, returned; a negative status
is a processing error. The platform keeps that as a tracking event on the item, so that an
operator sees customs' answer in the parcel's timeline. The mapping from status to event code
is written here, once; the codes' texts are the event-code table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """What a receipt's status means for the parcel."""

    DECLARED = "declared"
    REJECTED = "rejected"
    HELD = "held"
    RELEASED = "released"
    RETURNED = "returned"
    ERROR = "error"


# Receipt message → (what it answers, import or export). The 2018 and 202205 versions agree.
RECEIPTS: dict[str, tuple[str, str]] = {
    "CEB304": ("order", "export"), "CEB506": ("waybill", "export"),
    "CEB604": ("inventory", "export"), "CEB702": ("summary", "export"),
    "CEB312": ("order", "import"), "CEB412": ("payment", "import"),
    "CEB512": ("waybill", "import"), "CEB622": ("inventory", "import"),
}

# returnStatus → outcome (REFERENCE.md; the XSDs' own documentation of returnStatus).
# 1 stored by the e-port, 2 declaring, 3 sent to customs, 120 entered customs, 300 manual
# review and 399 concluded are steps of a declaration on its way; 4 is a failed sending.
_OUTCOMES: dict[int, Outcome] = {
    1: Outcome.DECLARED, 2: Outcome.DECLARED, 3: Outcome.DECLARED, 120: Outcome.DECLARED,
    300: Outcome.DECLARED, 399: Outcome.DECLARED, 4: Outcome.ERROR, 100: Outcome.REJECTED,
    500: Outcome.HELD, 501: Outcome.HELD, 502: Outcome.HELD, 503: Outcome.HELD,
    599: Outcome.HELD, 700: Outcome.RETURNED, 800: Outcome.RELEASED, 899: Outcome.RELEASED,
}

# Outcome → event code, by direction: the UPU's customs codes where one fits (EXA/EXB/EXC
# export, EDB/EME/EDC import), the platform's own for what the UPU has no code for.
EVENT_CODES: dict[Outcome, dict[str, str]] = {
    Outcome.DECLARED: {"export": "EXA", "import": "EDB"},
    Outcome.HELD: {"export": "EXB", "import": "EME"},
    Outcome.RELEASED: {"export": "EXC", "import": "EDC"},
    Outcome.RETURNED: {"export": "SRT", "import": "SRT"},
    Outcome.REJECTED: {"export": "SZR", "import": "SZR"},
    Outcome.ERROR: {"export": "SZE", "import": "SZE"},
}


@dataclass(frozen=True, slots=True)
class Receipt:
    """One receipt entry (OrderReturn, InventoryReturn…) with the references it carries."""

    message: str  # CEB622…
    status: int
    time: datetime  # aware: China time (UTC+8), as customs writes it
    info: str
    order_no: str | None = None
    logistics_no: str | None = None
    invt_no: str | None = None
    cop_no: str | None = None
    pay_transaction_id: str | None = None

    @property
    def answers(self) -> str:
        """What the receipt answers: order, payment, waybill, inventory or summary."""
        return RECEIPTS[self.message][0]

    @property
    def direction(self) -> str:
        """import or export."""
        return RECEIPTS[self.message][1]


def outcome_of(status: int) -> Outcome | None:
    """What ``returnStatus`` means; None for a status the specification does not list."""
    if status < 0:
        return Outcome.ERROR
    return _OUTCOMES.get(status)


def event_code_of(receipt: Receipt) -> str | None:
    """The tracking event code a receipt becomes, or None when its status is unknown."""
    outcome = outcome_of(receipt.status)
    return None if outcome is None else EVENT_CODES[outcome][receipt.direction]
