"""Acceptance security: the shipper blacklist (entries kept with their removals) and each
item's acceptance checks (content check, X-ray) for the export dispatch gate.

Revision ID: 0011s
Revises: 0010o
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011s"
down_revision = "0010o"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "customs_blacklist",
        sa.Column("entry_id", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("who_kind", sa.String(16), nullable=False),
        sa.Column("who_number", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(250), nullable=False),
        sa.Column("added_us", sa.BigInteger, nullable=False),
        sa.Column("expires_us", sa.BigInteger),
        sa.Column("removed_us", sa.BigInteger),
        sa.Column("removed_by", sa.String(250)),
        sa.Column("removal_reason", sa.Text),
    )
    op.create_index("ix_customs_blacklist_who", "customs_blacklist", ["who_kind", "who_number"])
    op.create_table(
        "acceptance_checks",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("sender", sa.String(64)),
        sa.Column("content_us", sa.BigInteger),
        sa.Column("content_operator", sa.String(64)),
        sa.Column("content_outcome", sa.String(16)),
        sa.Column("xray_us", sa.BigInteger),
        sa.Column("xray_operator", sa.String(64)),
        sa.Column("xray_outcome", sa.String(16)),
    )


def downgrade() -> None:
    op.drop_table("acceptance_checks")
    op.drop_index("ix_customs_blacklist_who", table_name="customs_blacklist")
    op.drop_table("customs_blacklist")
