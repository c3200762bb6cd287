"""Use cases of the partner registry: register partners, issue, rotate and revoke keys, and
tell who is calling.

Every function takes its unit of work and clock, so the CLI, the HTTP API and the tests run
the same code on SQLite, PostgreSQL or the in-memory fake.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from silkpost.domain.errors import InvalidValue
from silkpost.domain.partners import (
    ApiKey,
    ApiKeyText,
    Partner,
    PartnerKind,
    Role,
    check_partner_code,
    unknown_codes,
)
from silkpost.domain.profiles import InboundProfile, parse_profile
from silkpost.errors import invalid_request
from silkpost.partners.errors import (
    InvalidPartner,
    KeyNotFound,
    NotAuthenticated,
    PartnerConflict,
    PartnerNotFound,
)
from silkpost.partners.ports import Clock, PartnerUnitOfWork

MAX_OVERLAP = timedelta(days=90)  # how long a rotated key may go on working beside its heir


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: what is stored, and the text shown once to its owner."""

    key: ApiKey
    text: str


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the partner, the key's role and id (for logs and the audit)."""

    partner: Partner
    role: Role
    key_id: str


def register_partner(
    code: str, name: str, kind: PartnerKind | str, *, nodes: Iterable[str] = (),
    services: Iterable[str] = (), uow: PartnerUnitOfWork, clock: Clock,
    known_nodes: set[str], known_services: set[str],
) -> Partner:
    """Add a partner operating ``nodes`` and ``services`` of the network."""
    nodes, services = tuple(n.strip().upper() for n in nodes), tuple(s.strip() for s in services)
    for field, wanted, known in (("node", nodes, known_nodes),
                                 ("service", services, known_services)):
        missing = unknown_codes(wanted, known)
        if missing:
            raise InvalidPartner(f"not in the network: {', '.join(missing)} (see `silkpost "
                                 "network nodes`)", field=field)
    try:
        kind = PartnerKind(kind)
    except ValueError:
        raise InvalidPartner(f"unknown kind {kind!r}; one of "
                             f"{', '.join(k.value for k in PartnerKind)}", field="kind") from None
    with invalid_request():
        partner = Partner(code=code, name=name, kind=kind, nodes=nodes, services=services,
                          created_at=clock.now())
    with uow:
        if uow.partners.get(partner.code) is not None:
            raise PartnerConflict(f"partner {partner.code} exists", field="partner")
        uow.partners.add(partner)
        uow.commit()
    return partner


OPERATOR = "OPERATOR"  # the platform operator's own entry, holder of its admin keys


def operator_key(*, uow: Callable[[], PartnerUnitOfWork], clock: Clock, label: str = "",
                 expires_at: datetime | None = None) -> IssuedKey:
    """An admin key of the platform's operator (registered on first use): what ``silkpost
    demo`` signs in with, and the first key of a new installation."""
    with uow() as first:
        known = first.partners.get(OPERATOR) is not None
    if not known:
        with contextlib.suppress(PartnerConflict):  # another process registered it first
            register_partner(OPERATOR, "Platform operator", PartnerKind.POST, uow=uow(),
                             clock=clock, known_nodes=set(), known_services=set())
    return issue_key(OPERATOR, Role.ADMIN, uow=uow(), clock=clock, label=label,
                     expires_at=expires_at)


def list_partners(*, uow: PartnerUnitOfWork) -> list[Partner]:
    """Every partner, by code."""
    with uow:
        return uow.partners.list()


def issue_key(
    partner: str, role: Role | str, *, uow: PartnerUnitOfWork, clock: Clock,
    expires_at: datetime | None = None, label: str = "",
    token: Callable[[int], str] = secrets.token_urlsafe,
) -> IssuedKey:
    """A new key for ``partner`` with ``role``; its text exists only in the answer."""
    role = _role(role)
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidPartner(f"expiry {expires_at.isoformat()} is not in the future",
                             field="expires")
    with uow:
        owner = _partner(uow, partner)
        with invalid_request():
            text = ApiKeyText(key_id="k" + secrets.token_hex(6), secret=token(32))
            key = ApiKey(key_id=text.key_id, partner=owner.code, role=role, digest=text.digest,
                         created_at=now, expires_at=expires_at, label=label.strip())
        uow.keys.add(key)
        uow.commit()
    return IssuedKey(key, text.text)


def list_keys(*, uow: PartnerUnitOfWork, partner: str | None = None) -> list[ApiKey]:
    """Keys, of one partner or all, oldest first."""
    with uow:
        if partner is not None:
            _partner(uow, partner)
        return uow.keys.list(None if partner is None else check_partner_code(partner))


def revoke_key(key_id: str, *, uow: PartnerUnitOfWork, clock: Clock) -> ApiKey:
    """Stop a key now (revoking twice keeps the first time)."""
    with uow:
        key = _key(uow, key_id).revoked(clock.now())
        uow.keys.update(key)
        uow.commit()
    return key


def rotate_key(key_id: str, *, uow: PartnerUnitOfWork, clock: Clock, overlap: timedelta,
               token: Callable[[int], str] = secrets.token_urlsafe) -> IssuedKey:
    """A new key with the same partner, role and label; the old one works ``overlap`` longer,
    so the partner can switch its systems over without a minute of refused calls."""
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise InvalidPartner(f"overlap must be between 0 and {MAX_OVERLAP.days} days",
                             field="overlap")
    now = clock.now()
    with uow:
        old = _key(uow, key_id)
        if old.state_at(now) != "active":
            raise InvalidPartner(f"key {key_id} is {old.state_at(now)}: issue a new one",
                                 field="key_id")
        text = ApiKeyText(key_id="k" + secrets.token_hex(6), secret=token(32))
        heir = ApiKey(key_id=text.key_id, partner=old.partner, role=old.role,
                      digest=text.digest, created_at=now, expires_at=old.expires_at,
                      label=old.label)
        uow.keys.update(old.expiring(now + overlap))
        uow.keys.add(heir)
        uow.commit()
    return IssuedKey(heir, text.text)


def authenticate(presented: str | None, *, uow: PartnerUnitOfWork, clock: Clock) -> Caller:
    """The caller a presented key stands for, or :class:`NotAuthenticated` saying why."""
    if not presented:
        raise NotAuthenticated("an API key is needed: send 'Authorization: Bearer <key>'",
                               field="authorization")
    try:
        text = ApiKeyText.parse(presented)
    except InvalidValue as exc:
        raise NotAuthenticated(str(exc), field="authorization") from None
    with uow:
        key = uow.keys.get(text.key_id)
        if key is None or not key.matches(text):
            raise NotAuthenticated("this API key is not known", field="authorization")
        state = key.state_at(clock.now())
        if state != "active":
            raise NotAuthenticated(f"this API key is {state}", field="authorization")
        partner = uow.partners.get(key.partner)
    if partner is None:  # keys are only issued to stored partners, which are never deleted
        raise NotAuthenticated("this API key's partner is not known", field="authorization")
    return Caller(partner=partner, role=key.role, key_id=key.key_id)


def set_profile(partner: str, text: str | None, *, uow: PartnerUnitOfWork
                ) -> InboundProfile | None:
    """Give a partner its inbound profile (checked first), or take it away with None."""
    profile = None
    if text is not None:
        with invalid_request():
            profile = parse_profile(text)
    with uow:
        code = _partner(uow, partner).code
        uow.partners.set_profile(code, text)
        uow.commit()
    return profile


def profile_text(partner: str, *, uow: PartnerUnitOfWork) -> str | None:
    """A partner's inbound profile as it was given (TOML), if it has one."""
    with uow:
        return uow.partners.profile(_partner(uow, partner).code)


def profile_of(partner: str, *, uow: PartnerUnitOfWork) -> InboundProfile | None:
    """A partner's inbound profile, if it has one."""
    text = profile_text(partner, uow=uow)
    return None if text is None else parse_profile(text)


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidPartner(f"unknown role {role!r}; one of "
                             f"{', '.join(r.value for r in Role)}", field="role") from None


def _partner(uow: PartnerUnitOfWork, code: str) -> Partner:
    with invalid_request():
        code = check_partner_code(code)
    found = uow.partners.get(code)
    if found is None:
        raise PartnerNotFound(f"no partner {code} (see `silkpost partner list`)",
                              field="partner")
    return found


def _key(uow: PartnerUnitOfWork, key_id: str) -> ApiKey:
    found = uow.keys.get(key_id.strip())
    if found is None:
        raise KeyNotFound(f"no key {key_id} (see `silkpost key list`)", field="key_id")
    return found
