"""The tie-break bits of order_key never move: stores keep order_key in their read model."""

from __future__ import annotations

from silkpost.domain.codes import event_codes
from silkpost.domain.status import order_key

# The bits of every code as first stored (5 December 2026). A code added to the table must
# leave these as they are (it sorts after the others, see status._code_ranks), or ship with
# a migration that recomputes the stored order keys.
STORED_BITS = {
    "EDA": 768, "EDB": 257, "EDC": 322, "EDD": 515, "EDE": 516, "EDF": 517, "EDG": 582,
    "EDH": 583, "EDX": 776, "EMA": 73, "EMB": 202, "EMC": 395, "EMD": 524, "EME": 269,
    "EMF": 526, "EMG": 527, "EMH": 784, "EMI": 657, "EMJ": 210, "EMK": 403, "EXA": 276,
    "EXB": 277, "EXC": 342, "EXD": 791, "EXX": 792, "SAR": 153, "SBO": 218, "SBX": 411,
    "SCI": 284, "SCR": 349, "SDC": 222, "SDP": 159, "SGT": 416, "SHO": 481, "SIB": 226,
    "SIS": 227, "SLD": 420, "SRC": 229, "SRD": 742, "SRT": 743, "SWD": 168, "SWR": 169,
    "SXD": 810, "SXR": 43,
}


def test_the_codes_stored_keep_their_tie_break_bits() -> None:
    """Each code stored before keeps its bits, so stored order keys stay right."""
    assert {code: order_key(0, code) for code in STORED_BITS} == STORED_BITS


def test_every_code_has_its_own_bits() -> None:
    """No two codes share bits: events at one microsecond order one way only."""
    bits = [order_key(0, code) for code in event_codes()]
    assert len(set(bits)) == len(bits)
