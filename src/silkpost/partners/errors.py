"""What the partner services refuse, and why."""

from __future__ import annotations

from silkpost.errors import InvalidRequest, NotFound, SilkpostError


class InvalidPartner(InvalidRequest):
    """A partner or key request that cannot be carried out as given."""

    code = "partners.invalid"
    title = "Invalid partner or key"


class PartnerNotFound(NotFound):
    """No partner with this code."""

    code = "partners.not_found"
    title = "Partner not found"


class KeyNotFound(NotFound):
    """No key with this id."""

    code = "keys.not_found"
    title = "Key not found"


class PartnerConflict(SilkpostError):
    """The partner code is taken."""

    code = "partners.conflict"
    kind = "conflict"
    title = "Partner exists"


class NotAuthenticated(SilkpostError):
    """A key that is missing, malformed, unknown, expired or revoked.

    The detail says which, for the caller's own key; it never says whether a different key
    would have worked.
    """

    code = "auth.unauthenticated"
    kind = "unauthenticated"
    title = "Not authenticated"
