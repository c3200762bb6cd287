"""The SQL partner and key repositories: a handful of rows each, on the unit of work's
connection; they never commit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.domain.partners import ApiKey, Partner, PartnerKind, Role
from silkpost.partners.errors import PartnerConflict
from silkpost.store.columns import optional_time, optional_us
from silkpost.store.schema import api_keys as k
from silkpost.store.schema import partners as p


def partner_row(partner: Partner) -> dict[str, Any]:
    """The table row of a partner."""
    return {"code": partner.code, "name": partner.name, "kind": partner.kind.value,
            "nodes": json.dumps(list(partner.nodes)),
            "services": json.dumps(list(partner.services), ensure_ascii=False),
            "created_us": to_epoch_us(partner.created_at)}


def partner_of(row: Mapping[Any, Any]) -> Partner:
    """The partner of a table row."""
    return Partner(code=row["code"], name=row["name"], kind=PartnerKind(row["kind"]),
                   nodes=tuple(json.loads(row["nodes"])),
                   services=tuple(json.loads(row["services"])),
                   created_at=from_epoch_us(row["created_us"]))


def key_row(key: ApiKey) -> dict[str, Any]:
    """The table row of a key."""
    return {"key_id": key.key_id, "partner": key.partner, "role": key.role.value,
            "digest": key.digest, "label": key.label, "created_us": to_epoch_us(key.created_at),
            "expires_us": optional_us(key.expires_at), "revoked_us": optional_us(key.revoked_at)}


def key_of(row: Mapping[Any, Any]) -> ApiKey:
    """The key of a table row."""
    return ApiKey(key_id=row["key_id"], partner=row["partner"], role=Role(row["role"]),
                  digest=bytes(row["digest"]), label=row["label"],
                  created_at=from_epoch_us(row["created_us"]),
                  expires_at=optional_time(row["expires_us"]),
                  revoked_at=optional_time(row["revoked_us"]))


class SqlPartnerRepository:
    """Partners by code."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, partner: Partner) -> None:
        """Insert a new partner; a taken code is a conflict."""
        try:
            self._conn.execute(insert(p).values(partner_row(partner)))
        except IntegrityError:
            raise PartnerConflict(f"partner {partner.code} exists", field="partner") from None

    def get(self, code: str) -> Partner | None:
        """The partner with this code."""
        row = self._conn.execute(select(p).where(p.c.code == code)).mappings().first()
        return None if row is None else partner_of(row)

    def list(self) -> list[Partner]:
        """Every partner, by code."""
        return [partner_of(r) for r in self._conn.execute(select(p).order_by(p.c.code))
                .mappings()]

    def set_profile(self, code: str, profile: str | None) -> None:
        """Store (or, with None, remove) a partner's inbound profile text."""
        self._conn.execute(update(p).where(p.c.code == code).values(profile=profile))

    def profile(self, code: str) -> str | None:
        """A partner's inbound profile text, if it has one."""
        return self._conn.execute(select(p.c.profile).where(p.c.code == code)).scalar()


class SqlKeyRepository:
    """API keys by id."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, key: ApiKey) -> None:
        """Insert a new key."""
        self._conn.execute(insert(k).values(key_row(key)))

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id."""
        row = self._conn.execute(select(k).where(k.c.key_id == key_id)).mappings().first()
        return None if row is None else key_of(row)

    def update(self, key: ApiKey) -> None:
        """Store a key's end: its expiry and revocation (nothing else of a key changes)."""
        self._conn.execute(update(k).where(k.c.key_id == key.key_id).values(
            expires_us=optional_us(key.expires_at), revoked_us=optional_us(key.revoked_at)))

    def list(self, partner: str | None = None) -> list[ApiKey]:
        """Keys, of one partner or all, oldest first."""
        stmt = select(k).order_by(k.c.created_us, k.c.key_id)
        if partner is not None:
            stmt = stmt.where(k.c.partner == partner)
        return [key_of(r) for r in self._conn.execute(stmt).mappings()]
