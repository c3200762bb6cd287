"""The errors of the office capability, declared once: each names the field at fault."""

from __future__ import annotations

from silkpost.errors import InvalidRequest, NotFound, SilkpostError


class InvalidOfficeWork(InvalidRequest):
    """An office action whose fields break a rule (ids, weights, reasons)."""

    code = "office.invalid"
    title = "Invalid office action"


class UnknownOffice(NotFound):
    """The office code is not an office of exchange of the platform's network."""

    code = "office.unknown_office"
    title = "No such office"


class DispatchNotFound(NotFound):
    """No pre-advice names this dispatch."""

    code = "office.dispatch_not_found"
    title = "No such dispatch"


class ReceptacleNotReceived(NotFound):
    """The receptacle has not been received at this office."""

    code = "office.receptacle_not_received"
    title = "Receptacle not received here"


class OfficeConflict(SilkpostError):
    """The office's records forbid the action (a pre-advice changed after its bags arrived,
    an item released that is not held)."""

    code = "office.conflict"
    kind = "conflict"
    title = "Office action conflicts with what is recorded"
