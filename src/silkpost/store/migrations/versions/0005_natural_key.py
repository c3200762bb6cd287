"""Events are stored once per natural key; the log remembers which objects have retractions.

The idempotency key was (source, event id) when an event id was given, so the same scan resent
under a new event id was stored twice. It is now always the natural key (object kind, code,
time, location, office; see ``silkpost.domain.events.idempotency_key``). Existing rows are
re-keyed; re-keying reveals duplicates, of which the earliest stored (lowest ``seq``) is kept
and the others are deleted, and the read model of the objects that lost events is rebuilt from
the log. The unique index is dropped while keys change (a key may briefly equal another row's)
and built again at the end. Keys are computed here with the formula of this revision, written
out, so that a later change of the key makes a new migration instead of changing this one.

``retracted_objects`` is new and empty: no retraction code existed before this revision.

Downgrade drops ``retracted_objects`` only: the deleted duplicates cannot come back, and the
natural keys stay (an older Silkpost would key new events with event ids the old way).

Revision ID: 0005n
Revises: 0004c
Create Date: 2026-12-04
"""

from __future__ import annotations

from hashlib import blake2b

import sqlalchemy as sa
from alembic import op

revision = "0005n"
down_revision = "0004c"
branch_labels = None
depends_on = None

PAGE = 50_000  # rows re-keyed per read


def _key(kind: str, code: str, occurred_us: int, location: str | None,
         office: str | None) -> bytes:
    raw = f"n\x1f{kind}\x1f{code}\x1f{occurred_us}\x1f{location or ''}\x1f{office or ''}"
    return blake2b(raw.encode(), digest_size=16).digest()


def upgrade() -> None:
    op.create_table(
        "retracted_objects",
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("object_kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("object_id", "object_kind"),
    )
    conn = op.get_bind()
    op.drop_index("ux_events_object_key", table_name="events")
    last = 0
    update = sa.text("UPDATE events SET idem_key = :k WHERE seq = :s")
    while True:
        rows = conn.execute(sa.text(
            "SELECT seq, object_kind, code, occurred_us, location, office, idem_key FROM events "
            "WHERE seq > :last ORDER BY seq LIMIT :page"), {"last": last, "page": PAGE}).all()
        if not rows:
            break
        last = rows[-1][0]
        changed = [{"k": key, "s": seq} for seq, kind, code, us, location, office, old in rows
                   if (key := _key(kind, code, us, location, office)) != bytes(old)]
        if changed:
            conn.execute(update, changed)
    duplicates = (
        "SELECT seq FROM (SELECT seq, row_number() OVER "
        "(PARTITION BY object_id, idem_key ORDER BY seq) AS n FROM events) ranked WHERE n > 1")
    touched = conn.execute(sa.text(
        f"SELECT DISTINCT object_kind, object_id FROM events WHERE seq IN ({duplicates})")).all()
    if touched:
        conn.execute(sa.text(f"DELETE FROM events WHERE seq IN ({duplicates})"))
    op.create_index("ux_events_object_key", "events", ["object_id", "idem_key"], unique=True)
    if touched:
        from silkpost.store.events import refold

        refold(conn, [(kind, object_id) for kind, object_id in touched])


def downgrade() -> None:
    op.drop_table("retracted_objects")
