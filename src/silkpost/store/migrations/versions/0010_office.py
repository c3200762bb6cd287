"""The offices of exchange: pre-advices, receipts, items' work, findings, bags, dispatches
and their serial counters.

Revision ID: 0010o
Revises: 0009m
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010o"
down_revision = "0009m"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "office_pre_advices",
        sa.Column("dispatch_id", sa.String(20), primary_key=True),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("advised_us", sa.BigInteger, nullable=False),
        sa.Column("receptacles", sa.Text, nullable=False),
    )
    op.create_table(
        "office_advised_receptacles",
        sa.Column("receptacle_key", sa.String(23), primary_key=True),
        sa.Column("dispatch_id", sa.String(20), nullable=False),
        sa.Column("label", sa.String(29), nullable=False),
        sa.Column("weight_kg", sa.Float, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
    )
    op.create_index("ix_office_advised_receptacles_dispatch", "office_advised_receptacles",
                    ["dispatch_id"])
    op.create_table(
        "office_receipts",
        sa.Column("receptacle_key", sa.String(23), primary_key=True),
        sa.Column("dispatch_id", sa.String(20), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("label", sa.String(29), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("received_us", sa.BigInteger, nullable=False),
        sa.Column("declared_kg", sa.Float, nullable=False),
        sa.Column("weighed_kg", sa.Float),
        sa.Column("seal", sa.String(32)),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("opened_us", sa.BigInteger),
        sa.Column("verified_us", sa.BigInteger),
    )
    op.create_index("ix_office_receipts_dispatch", "office_receipts", ["dispatch_id"])
    op.create_table(
        "office_items",
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("scanned_us", sa.BigInteger, nullable=False),
        sa.Column("updated_us", sa.BigInteger, nullable=False),
        sa.Column("receptacle_id", sa.String(29)),
        sa.Column("destination", sa.String(32)),
        sa.Column("service_id", sa.String(64)),
        sa.Column("next_node", sa.String(32)),
        sa.Column("hold_reason", sa.String(16)),
        sa.Column("held_us", sa.BigInteger),
        sa.Column("note", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("office", "item_id"),
    )
    op.create_index("ix_office_items_scanned", "office_items", ["office", "scanned_us"])
    op.create_index("ix_office_items_state", "office_items", ["office", "state", "held_us"])
    op.create_index("ix_office_items_receptacle", "office_items", ["office", "receptacle_id"])
    op.create_table(
        "office_findings",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("dispatch_id", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("found_us", sa.BigInteger, nullable=False),
        sa.Column("receptacle_id", sa.String(29), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ux_office_findings", "office_findings",
                    ["dispatch_id", "kind", "receptacle_id", "item_id"], unique=True)
    op.create_table(
        "office_bags",
        sa.Column("bag_id", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("destination", sa.String(6), nullable=False),
        sa.Column("category", sa.String(1), nullable=False),
        sa.Column("subclass", sa.String(2), nullable=False),
        sa.Column("opened_us", sa.BigInteger, nullable=False),
        sa.Column("closed_us", sa.BigInteger),
        sa.Column("receptacle_id", sa.String(29)),
        sa.Column("dispatch_id", sa.String(20)),
        sa.Column("weight_kg", sa.Float),
        sa.Column("seal", sa.String(32)),
    )
    op.create_index("ix_office_bags_dispatch", "office_bags", ["dispatch_id"])
    op.create_table(
        "office_bag_items",
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("bag_id", sa.Integer, nullable=False),
        sa.Column("added_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("office", "item_id"),
    )
    op.create_index("ix_office_bag_items_bag", "office_bag_items", ["bag_id"])
    op.create_table(
        "office_dispatches",
        sa.Column("dispatch_id", sa.String(20), primary_key=True),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("destination", sa.String(6), nullable=False),
        sa.Column("category", sa.String(1), nullable=False),
        sa.Column("subclass", sa.String(2), nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("opened_us", sa.BigInteger, nullable=False),
        sa.Column("receptacles", sa.Integer, nullable=False),
        sa.Column("closed_us", sa.BigInteger),
        sa.Column("handed_over_us", sa.BigInteger),
        sa.Column("conveyance_mode", sa.String(8)),
        sa.Column("conveyance", sa.String(32)),
        sa.Column("service_id", sa.String(64)),
    )
    op.create_index("ix_office_dispatches_open", "office_dispatches",
                    ["office", "destination", "category", "subclass", "year", "closed_us"])
    op.create_table(
        "office_dispatch_counters",
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("destination", sa.String(6), nullable=False),
        sa.Column("category", sa.String(1), nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("last_serial", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("office", "destination", "category", "year"),
    )


def downgrade() -> None:
    op.drop_table("office_dispatch_counters")
    op.drop_table("office_dispatches")
    op.drop_table("office_bag_items")
    op.drop_table("office_bags")
    op.drop_table("office_findings")
    op.drop_table("office_items")
    op.drop_table("office_receipts")
    op.drop_table("office_advised_receptacles")
    op.drop_table("office_pre_advices")
