"""Messages of ingest's item changes, kept until the dispatcher fans them out, and how far
the dispatcher has looked for items that became stuck.

Revision ID: 0009m
Revises: 0008a
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009m"
down_revision = "0008a"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_messages",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("msg_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("object_id", sa.String(40)),
        sa.Column("lane", sa.String(32)),
        sa.Column("nodes", sa.Text, nullable=False),
    )
    op.create_table(
        "webhook_scans",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at_us", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("webhook_scans")
    op.drop_table("webhook_messages")
