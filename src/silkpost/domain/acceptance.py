"""Acceptance security at the counter (seed 004's three controls): 实名收寄, the sender's
identity recorded and checked; 收寄验视, the content looked at; 过机安检, the X-ray.

Each control is a tracking event with its operator and outcome (SKI, SKC, SKX); a suspect
outcome or a blacklisted sender holds the item (SKH, into the office's hold area for
security), and the decision that follows releases it (SKR) or returns it to its sender (SKT).
An item goes into an export dispatch only when both its content check and its X-ray are
recorded (the gate, :func:`silkpost.office.outbound.close_dispatch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from silkpost.domain.blacklist import Shipper
from silkpost.domain.errors import InvalidValue

IDENTITY_CHECKED = "SKI"
CONTENT_CHECKED = "SKC"
XRAYED = "SKX"
HELD = "SKH"
RELEASED = "SKR"
RETURNED = "SKT"
OPERATOR_MAX = 64


class Outcome(StrEnum):
    """What a content check or an X-ray found."""

    CLEAR = "clear"
    SUSPECT = "suspect"  # something to look at closer: the item is held


class Decision(StrEnum):
    """What acceptance security decided about a held item."""

    RELEASED = "released"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class AcceptanceCheck:
    """The controls done on one item at one moment (a control not done is None: the X-ray
    may come later, at the hub)."""

    item_id: str
    sender: Shipper | None = None
    content: Outcome | None = None
    xray: Outcome | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.sender is None and self.content is None and self.xray is None:
            raise InvalidValue(f"item {self.item_id}: no control to record (sender, content "
                               "or xray)", field="checks")


def check_operator(value: str) -> str:
    """Who did the controls (an operator's name or badge), trimmed, or the error."""
    operator = value.strip()
    if not operator:
        raise InvalidValue("is required: who did the controls", field="operator")
    if len(operator) > OPERATOR_MAX:
        raise InvalidValue(f"{len(operator)} characters, at most {OPERATOR_MAX}",
                           field="operator")
    return operator
