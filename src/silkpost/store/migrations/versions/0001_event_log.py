"""The event log and the per-object read model.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("idem_key", sa.LargeBinary(16), nullable=False),
        sa.Column("object_kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("occurred_us", sa.BigInteger, nullable=False),
        sa.Column("utc_offset_min", sa.SmallInteger, nullable=False),
        sa.Column("received_us", sa.BigInteger, nullable=False),
        sa.Column("location", sa.String(8)),
        sa.Column("office", sa.String(32)),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(128)),
        sa.Column("payload", sa.Text),
    )
    op.create_index("ux_events_object_key", "events", ["object_id", "idem_key"], unique=True)
    op.create_table(
        "object_status",
        sa.Column("object_kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("latest_key", sa.BigInteger, nullable=False),
        sa.Column("latest_code", sa.String(8), nullable=False),
        sa.Column("latest_status", sa.String(32), nullable=False),
        sa.Column("latest_us", sa.BigInteger, nullable=False),
        sa.Column("latest_offset_min", sa.SmallInteger, nullable=False),
        sa.Column("latest_location", sa.String(8)),
        sa.Column("latest_office", sa.String(32)),
        sa.Column("terminal_key", sa.BigInteger),
        sa.Column("terminal_status", sa.String(32)),
        sa.Column("first_us", sa.BigInteger, nullable=False),
        sa.Column("destination", sa.String(32)),
        sa.Column("updated_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("object_kind", "object_id"),
    )
    op.create_index("ix_object_status_status", "object_status", ["status", "latest_us"])
    op.create_index("ix_object_status_location", "object_status", ["latest_location", "latest_us"])
    op.create_index("ix_object_status_latest", "object_status", ["latest_us"])


def downgrade() -> None:
    op.drop_table("object_status")
    op.drop_table("events")
