"""Brokers' customs declarations: one row per broker and reference, the declaration as its
JSON record, its status and times, and the customs numbers receipts find it by.

Revision ID: 0012d
Revises: 0011s
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012d"
down_revision = "0011s"
branch_labels = None
depends_on = None

_TABLE = "customs_declarations"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("partner", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("item_id", sa.String(32)),
        sa.Column("order_no", sa.String(64)),
        sa.Column("waybill_no", sa.String(64)),
        sa.Column("inventory_no", sa.String(64)),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_us", sa.BigInteger, nullable=False),
        sa.Column("updated_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("partner", "reference"),
    )
    op.create_index("ix_customs_declarations_received", _TABLE,
                    ["received_us", "partner", "reference"])
    op.create_index("ix_customs_declarations_partner", _TABLE,
                    ["partner", "received_us", "reference"])
    op.create_index("ix_customs_declarations_reference", _TABLE, ["reference"])
    op.create_index("ix_customs_declarations_item", _TABLE, ["item_id"])
    # Customs' receipts name a declaration by these numbers, not by the broker's reference.
    for name, column in (("order", "order_no"), ("waybill", "waybill_no"),
                         ("inventory", "inventory_no")):
        op.create_index(f"ix_customs_declarations_{name}", _TABLE, [column])


def downgrade() -> None:
    op.drop_table(_TABLE)
