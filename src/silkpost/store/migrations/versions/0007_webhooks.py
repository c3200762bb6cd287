"""Webhook subscriptions and the outbox of deliveries.

Revision ID: 0007w
Revises: 0006p
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007w"
down_revision = "0006p"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("subscription_id", sa.String(40), primary_key=True),
        sa.Column("partner", sa.String(32), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("lanes", sa.Text, nullable=False),
        sa.Column("nodes", sa.Text, nullable=False),
        sa.Column("object_ids", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("disabled_us", sa.BigInteger),
        sa.Column("disabled_reason", sa.Text, nullable=False),
    )
    op.create_index("ix_webhook_subscriptions_partner", "webhook_subscriptions", ["partner"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("msg_id", sa.String(40), nullable=False),
        sa.Column("subscription_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("next_us", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("done_us", sa.BigInteger),
    )
    op.create_index("ux_webhook_deliveries_message", "webhook_deliveries",
                    ["subscription_id", "msg_id"], unique=True)
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["state", "next_us"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
