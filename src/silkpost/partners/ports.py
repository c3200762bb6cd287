"""The ports the partner services need: the partner and key repositories and their unit of work.

The SQL store and the in-memory fake both satisfy them by shape; the contract tests in
``tests/integration/test_partner_store.py`` run on each.
"""

from __future__ import annotations

from typing import Protocol

from silkpost.domain.partners import ApiKey, Partner
from silkpost.tracking.ports import Clock
from silkpost.transaction import Transaction

__all__ = ["Clock", "KeyRepository", "PartnerRepository", "PartnerUnitOfWork"]


class PartnerRepository(Protocol):
    """Partners by code; a partner is never deleted (its events keep naming it)."""

    def add(self, partner: Partner) -> None:
        """Store a new partner (its code must be new)."""
        ...

    def get(self, code: str) -> Partner | None:
        """The partner with this code."""
        ...

    def list(self) -> list[Partner]:
        """Every partner, by code."""
        ...

    def set_profile(self, code: str, profile: str | None) -> None:
        """Store (or, with None, remove) a partner's inbound profile text."""
        ...

    def profile(self, code: str) -> str | None:
        """A partner's inbound profile text, if it has one."""
        ...


class KeyRepository(Protocol):
    """API keys by id; a key is never deleted, only revoked or left to expire."""

    def add(self, key: ApiKey) -> None:
        """Store a new key."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id."""
        ...

    def update(self, key: ApiKey) -> None:
        """Store a key's new end (expiry or revocation)."""
        ...

    def list(self, partner: str | None = None) -> list[ApiKey]:
        """Keys, of one partner or all, oldest first."""
        ...


class PartnerUnitOfWork(Transaction, Protocol):
    """One transaction over partners and keys: rolled back on leaving unless committed."""

    @property
    def partners(self) -> PartnerRepository:
        """The partners inside this transaction."""
        ...

    @property
    def keys(self) -> KeyRepository:
        """The keys inside this transaction."""
        ...
