"""Operators' notices: texts by language, the nodes and services concerned, four times.

Revision ID: 0002n
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002n"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("notice_id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("nodes", sa.Text, nullable=False),
        sa.Column("services", sa.Text, nullable=False),
        sa.Column("valid_from_us", sa.BigInteger, nullable=False),
        sa.Column("valid_until_us", sa.BigInteger),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("published_us", sa.BigInteger),
        sa.Column("withdrawn_us", sa.BigInteger),
    )
    op.create_index("ix_notices_created", "notices", ["created_us"])


def downgrade() -> None:
    op.drop_table("notices")
