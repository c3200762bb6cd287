"""The audit log, append-only: triggers refuse UPDATE and DELETE.

Revision ID: 0008a
Revises: 0007w
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008a"
down_revision = "0007w"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_REFUSAL = "audit_log is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("partner", sa.String(32)),
        sa.Column("key_id", sa.String(16)),
        sa.Column("client", sa.String(64)),
        sa.Column("request_id", sa.String(64)),
        sa.Column("objects", sa.Text, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_partner", "audit_log", ["partner", "at_us"])
    op.create_index("ix_audit_log_at", "audit_log", ["at_us"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION audit_log_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END""")


def downgrade() -> None:
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse()")
