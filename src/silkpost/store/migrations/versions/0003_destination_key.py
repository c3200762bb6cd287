"""The read model remembers which event its destination came from.

The destination of an object is that of its earliest event naming one (see
``silkpost.domain.status``); the upsert needs that event's order key to keep the rule whatever
order events arrive in. Existing rows get destination and key recomputed from the log.

Revision ID: 0003d
Revises: 0002n
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from silkpost.domain.status import order_key

revision = "0003d"
down_revision = "0002n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("object_status", sa.Column("destination_key", sa.BigInteger))
    conn = op.get_bind()
    best: dict[tuple[str, str], tuple[int, str]] = {}
    rows = conn.execute(sa.text(
        "SELECT object_kind, object_id, code, occurred_us, payload FROM events "
        "WHERE payload LIKE '%destination%'"))
    for kind, object_id, code, occurred_us, payload in rows:
        named = json.loads(payload).get("destination")
        if not named:
            continue
        candidate = (order_key(occurred_us, code), str(named))
        known = best.get((kind, object_id))
        if known is None or candidate < known:
            best[(kind, object_id)] = candidate
    if best:
        conn.execute(
            sa.text("UPDATE object_status SET destination = :d, destination_key = :k "
                    "WHERE object_kind = :kind AND object_id = :id"),
            [{"d": d, "k": k, "kind": kind, "id": object_id}
             for (kind, object_id), (k, d) in best.items()])


def downgrade() -> None:
    op.drop_column("object_status", "destination_key")
