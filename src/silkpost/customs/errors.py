"""The errors of the customs services (declarations, the shipper blacklist), declared once:
each names the field at fault."""

from __future__ import annotations

from silkpost.errors import InvalidRequest, NotFound, SilkpostError


class NotABroker(InvalidRequest):
    """Declarations are stored for a registered customs broker only."""

    code = "customs.not_a_broker"
    title = "Not a customs broker"


class DeclarationNotFound(NotFound):
    """No declaration has this reference (or none the caller may see)."""

    code = "customs.declaration_not_found"
    title = "No such declaration"


class AmbiguousReference(SilkpostError):
    """Several brokers used the reference: the broker must be named."""

    code = "customs.ambiguous_reference"
    kind = "conflict"
    title = "Reference used by several brokers"


class TooManyDeclarations(InvalidRequest):
    """More declarations in one request than one transaction takes."""

    code = "customs.too_many"
    title = "Too many declarations"


class DeclarationsUnavailable(SilkpostError):
    """The platform was built without a declaration store (a hand-built one in a test)."""

    code = "customs.unavailable"
    kind = "unavailable"
    title = "Declarations unavailable"


class BlacklistConflict(SilkpostError):
    """The shipper is on the blacklist already (an entry in force says since when)."""

    code = "customs.blacklist_conflict"
    kind = "conflict"
    title = "Shipper already on the blacklist"


class NotOnBlacklist(NotFound):
    """No entry in force bars this shipper."""

    code = "customs.not_on_blacklist"
    title = "Shipper not on the blacklist"
