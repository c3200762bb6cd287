"""Partners of the exchange and the API keys they call it with.

A partner is a post, a carrier, a platform, a customs broker or an exchange office; it
operates network nodes (offices, stations) and services (a truck line, a train). What a caller
may do follows from its key's role and its partner's nodes, so both live here, in the core,
where every adapter reads the same answer.

A key is shown once, when it is made, and never stored: the store keeps its id (the part that
names it in logs and lists) and a SHA-256 digest of the whole key. A key is 32 random bytes,
so a fast digest is enough: a slow password hash protects guessable secrets, and nobody
guesses 256 random bits; a fast one keeps each request's check to a microsecond.

>>> key = ApiKeyText.parse("sp_k3f9a1c2d4e6b_" + "A" * 43)
>>> key.key_id
'k3f9a1c2d4e6b'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from silkpost.domain.errors import InvalidFormat, InvalidValue
from silkpost.domain.text import check_printable
from silkpost.domain.times import check_time

_PARTNER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
_KEY_ID = re.compile(r"^k[0-9a-f]{12}$")
_KEY = re.compile(r"^sp_(k[0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
KEY_PREFIX = "sp_"
_KEY_SHAPE = "an API key looks like sp_k<12 hex digits>_<43 characters of base64url>"
MAX_NAME = 200


class PartnerKind(StrEnum):
    """What a partner is in the corridor's work."""

    POST = "post"
    CARRIER = "carrier"
    PLATFORM = "platform"
    CUSTOMS_BROKER = "customs_broker"
    EXCHANGE_OFFICE = "exchange_office"


class Role(StrEnum):
    """What a key may do.

    ``admin`` runs the platform; ``operator`` is staff of the partner's offices; ``partner`` is
    a post or carrier writing at its own nodes and reading its own items; ``viewer`` reads the
    dashboards and nothing else.
    """

    ADMIN = "admin"
    OPERATOR = "operator"
    PARTNER = "partner"
    VIEWER = "viewer"


def check_partner_code(value: str) -> str:
    """A partner code, upper-cased: 2 to 32 letters, digits, ``_`` or ``-`` (``KAZPOST``)."""
    code = value.strip().upper()
    if not _PARTNER_CODE.fullmatch(code):
        raise InvalidFormat(
            f"partner code {value!r} is not 2 to 32 letters, digits, '_' or '-' "
            "starting with a letter or digit", field="partner")
    return code


@dataclass(frozen=True, slots=True)
class Partner:
    """A member of the exchange and what it operates (checked on construction)."""

    code: str
    name: str
    kind: PartnerKind
    nodes: tuple[str, ...]
    services: tuple[str, ...]
    created_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", check_partner_code(self.code))
        name = check_printable(self.name.strip(), field="name")
        if not name or len(name) > MAX_NAME:
            raise InvalidValue(f"a partner's name is 1 to {MAX_NAME} characters", field="name")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", PartnerKind(self.kind))
        object.__setattr__(self, "nodes", tuple(dict.fromkeys(self.nodes)))
        object.__setattr__(self, "services", tuple(dict.fromkeys(self.services)))
        check_time(self.created_at, field="created_at")

    @property
    def scope(self) -> Scope:
        """What this partner sees (see :class:`Scope`)."""
        return Scope(self.code, frozenset(self.nodes), frozenset(self.services))

    def operates(self, node: str | None) -> bool:
        """Whether ``node`` is one of this partner's nodes."""
        return node is not None and node in self.nodes

    def outside(self, nodes: Iterable[str], services: Iterable[str]) -> list[str]:
        """What of ``nodes`` and ``services`` this partner does not operate: the codes it may
        not speak for (a notice about them). Naming nothing means the whole network, which
        is no single partner's."""
        nodes, services = list(nodes), list(services)
        if not nodes and not services:
            return ["(the whole network)"]
        return ([n for n in nodes if n not in self.nodes]
                + [s for s in services if s not in self.services])


@dataclass(frozen=True, slots=True)
class Scope:
    """What of the corridor one partner sees: the one rule of isolation.

    A partner sees an item when it sent one of its events (its code, or its code and a label:
    ``KAZPOST/almaty-scanners``), when one of its events was scanned at a node the partner
    operates, or when the item's route ahead passes one of its nodes or services. Anything
    else is, to that partner, as if it did not exist. The SQL listing of items applies the
    first two parts as a query (``store/events.py``); a contract test holds the two to the
    same answers.
    """

    partner: str
    nodes: frozenset[str]
    services: frozenset[str]

    def sent(self, source: str) -> bool:
        """Whether ``source`` is this partner (or a label under it)."""
        return source == self.partner or source.startswith(f"{self.partner}/")

    def sees_event(self, source: str, office: str | None) -> bool:
        """Whether an event sent by ``source`` at ``office`` makes its item visible."""
        return self.sent(source) or (office is not None and office in self.nodes)

    def writes_at(self, office: str | None, location: str | None,
                  locodes: frozenset[str]) -> bool:
        """Whether this partner may record an event at ``office`` (one of its nodes) or, with
        no office, at ``location`` (the UN/LOCODE of one of its nodes, ``locodes``)."""
        if office is not None:
            return office in self.nodes
        return location is not None and location in locodes

    def sees(self, events: Iterable[tuple[str, str | None]], *,
             ahead_nodes: Iterable[str] = (), ahead_services: Iterable[str] = ()) -> bool:
        """Whether an item with these events (source, office) and this route ahead is seen."""
        return (any(self.sees_event(source, office) for source, office in events)
                or not self.nodes.isdisjoint(ahead_nodes)
                or not self.services.isdisjoint(ahead_services))


def unknown_codes(wanted: Iterable[str], known: set[str]) -> list[str]:
    """The codes of ``wanted`` not in ``known``, in their order."""
    return [c for c in wanted if c not in known]


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as stored: who it belongs to, its role, its digest and its life."""

    key_id: str
    partner: str
    role: Role
    digest: bytes
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not _KEY_ID.fullmatch(self.key_id):
            raise InvalidFormat(f"key id {self.key_id!r} is not 'k' and 12 hex digits",
                                field="key_id")
        object.__setattr__(self, "role", Role(self.role))
        if len(self.digest) != hashlib.sha256().digest_size:
            raise InvalidValue("a key digest is 32 bytes (SHA-256)", field="digest")
        check_time(self.created_at, field="created_at")
        if self.expires_at is not None:
            check_time(self.expires_at, field="expires_at")
        if self.revoked_at is not None:
            check_time(self.revoked_at, field="revoked_at")

    @property
    def prefix(self) -> str:
        """The key's printable start (``sp_k3f9a1c2d4e6b_``): enough to find it in a log."""
        return f"{KEY_PREFIX}{self.key_id}_"

    def state_at(self, moment: datetime) -> str:
        """``active``, ``expired`` or ``revoked`` at ``moment``."""
        if self.revoked_at is not None and self.revoked_at <= moment:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= moment:
            return "expired"
        return "active"

    def matches(self, text: ApiKeyText) -> bool:
        """Whether ``text`` is this key (in constant time: no timing hints to a guesser)."""
        return text.key_id == self.key_id and hmac.compare_digest(self.digest, text.digest)

    def revoked(self, at: datetime) -> ApiKey:
        """This key revoked at ``at`` (a key revoked earlier keeps its first time)."""
        return self if self.revoked_at is not None else replace(self, revoked_at=at)

    def expiring(self, at: datetime) -> ApiKey:
        """This key ending at ``at`` unless it already ends earlier (rotation's overlap)."""
        if self.expires_at is not None and self.expires_at <= at:
            return self
        return replace(self, expires_at=at)


@dataclass(frozen=True, slots=True)
class ApiKeyText:
    """A key as a caller presents it: ``sp_<key id>_<43 characters of base64url>``."""

    key_id: str
    secret: str

    def __post_init__(self) -> None:
        if _KEY.fullmatch(self.text) is None:
            raise InvalidFormat(_KEY_SHAPE, field="authorization")

    @classmethod
    def parse(cls, text: str) -> ApiKeyText:
        """The key in ``text``; the error says what shape a key has, never which part is off."""
        found = _KEY.fullmatch(text.strip())
        if found is None:
            raise InvalidFormat(_KEY_SHAPE, field="authorization")
        return cls(found.group(1), found.group(2))

    @property
    def text(self) -> str:
        """The whole key, as shown to its owner once."""
        return f"{KEY_PREFIX}{self.key_id}_{self.secret}"

    @property
    def digest(self) -> bytes:
        """What the store keeps of the key."""
        return hashlib.sha256(self.text.encode("ascii")).digest()
