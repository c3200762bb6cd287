"""Table definitions: the append-only event log, the per-object read model, the notices.

The migrations in ``migrations/versions`` create exactly these tables; a test compares them.
Times are epoch microseconds (UTC) in BIGINT columns, with the scanner's UTC offset kept
beside them: integer comparisons are what the hot paths need, on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite makes an INTEGER PRIMARY KEY the rowid (no extra index); PostgreSQL needs 64 bits.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("idem_key", LargeBinary(16), nullable=False),
    Column("object_kind", String(16), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("code", String(8), nullable=False),
    Column("occurred_us", BigInteger, nullable=False),
    Column("utc_offset_min", SmallInteger, nullable=False),
    Column("received_us", BigInteger, nullable=False),
    Column("location", String(8)),
    Column("office", String(32)),
    Column("source", String(64), nullable=False),
    Column("event_id", String(128)),
    Column("payload", Text),
    # One index serves both the timeline lookup (by object) and idempotency (key per object:
    # the natural key, see silkpost.domain.events.idempotency_key): a second index would cost
    # a third of the append throughput.
    Index("ux_events_object_key", "object_id", "idem_key", unique=True),
)

# One row per tracked object: the maxima that define its status (see silkpost.domain.status),
# kept by an idempotent upsert in the same transaction as the events.
object_status = Table(
    "object_status",
    metadata,
    Column("object_kind", String(16), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("latest_key", BigInteger, nullable=False),
    Column("latest_code", String(8), nullable=False),
    Column("latest_status", String(32), nullable=False),
    Column("latest_us", BigInteger, nullable=False),
    Column("latest_offset_min", SmallInteger, nullable=False),
    Column("latest_location", String(8)),
    Column("latest_office", String(32)),
    Column("terminal_key", BigInteger),
    Column("terminal_status", String(32)),
    Column("first_us", BigInteger, nullable=False),
    Column("destination", String(32)),
    # The order key of the event the destination came from (the earliest naming one).
    Column("destination_key", BigInteger),
    Column("updated_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("object_kind", "object_id"),
    Index("ix_object_status_status", "status", "latest_us"),
    Index("ix_object_status_location", "latest_location", "latest_us"),
    Index("ix_object_status_latest", "latest_us"),
    # Covers count_by_status (the dashboard's status and stuck counts): an index-only scan.
    Index("ix_object_status_counts", "object_kind", "status", "latest_office", "latest_us"),
)

# The objects that have a retraction in the log (silkpost.domain.retractions): few, so a batch
# checks its objects against this small table rather than reading their events, and refolds
# those found (a retraction may come before or after the event it names).
retracted_objects = Table(
    "retracted_objects",
    metadata,
    Column("object_id", String(64), nullable=False),
    Column("object_kind", String(16), nullable=False),
    PrimaryKeyConstraint("object_id", "object_kind"),
)

# Operators' notices (silkpost.domain.notices). Texts are JSON objects by language, codes JSON
# arrays: notices are few, read whole, and filtered by node with a LIKE on the array's text.
notices = Table(
    "notices",
    metadata,
    Column("notice_id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("nodes", Text, nullable=False),
    Column("services", Text, nullable=False),
    Column("valid_from_us", BigInteger, nullable=False),
    Column("valid_until_us", BigInteger),
    Column("created_us", BigInteger, nullable=False),
    Column("published_us", BigInteger),
    Column("withdrawn_us", BigInteger),
    Index("ix_notices_created", "created_us"),
)

# Brokers' customs declarations (silkpost.domain.declarations): one row per broker and
# reference; the declaration itself is its JSON record, the columns beside it what lists
# filter and page on (newest first: received time, then broker and reference) and the
# customs numbers receipts find a declaration by (order, waybill, inventory, item).
customs_declarations = Table(
    "customs_declarations",
    metadata,
    Column("partner", String(32), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("regime", String(8), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("item_id", String(32)),
    Column("order_no", String(64)),
    Column("waybill_no", String(64)),
    Column("inventory_no", String(64)),
    Column("record", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_us", BigInteger, nullable=False),
    Column("updated_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("partner", "reference"),
    Index("ix_customs_declarations_received", "received_us", "partner", "reference"),
    Index("ix_customs_declarations_partner", "partner", "received_us", "reference"),
    Index("ix_customs_declarations_reference", "reference"),
    Index("ix_customs_declarations_item", "item_id"),
    Index("ix_customs_declarations_order", "order_no"),
    Index("ix_customs_declarations_waybill", "waybill_no"),
    Index("ix_customs_declarations_inventory", "inventory_no"),
)

# Partners of the exchange (silkpost.domain.partners): a handful of rows, read whole; their
# nodes and services are JSON arrays, as the notices' are.
partners = Table(
    "partners",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("nodes", Text, nullable=False),
    Column("services", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("profile", Text),  # the partner's inbound profile, TOML as given (domain/profiles)
)

# API keys: the id names a key in logs and lists; the key itself is never stored, only its
# SHA-256 digest (see silkpost.domain.partners).
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("partner", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("digest", LargeBinary(32), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger),
    Column("revoked_us", BigInteger),
    Index("ix_api_keys_partner", "partner", "created_us"),
)

# Webhook subscriptions (silkpost.domain.webhooks). The secret is kept as given: signing
# needs it, so unlike an API key it cannot be stored as a digest.
webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("subscription_id", String(40), primary_key=True),
    Column("partner", String(32), nullable=False),
    Column("url", Text, nullable=False),
    Column("types", Text, nullable=False),
    Column("lanes", Text, nullable=False),
    Column("nodes", Text, nullable=False),
    Column("object_ids", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("disabled_us", BigInteger),
    Column("disabled_reason", Text, nullable=False),
    Index("ix_webhook_subscriptions_partner", "partner"),
)

# The outbox: one row per message and subscription, written in the transaction of what caused
# it; the dispatcher takes the due ones (state pending, next_us past) in order.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("msg_id", String(40), nullable=False),
    Column("subscription_id", String(40), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("next_us", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("last_status", Integer),
    Column("last_error", Text, nullable=False),
    Column("done_us", BigInteger),
    Index("ux_webhook_deliveries_message", "subscription_id", "msg_id", unique=True),
    Index("ix_webhook_deliveries_due", "state", "next_us"),
)

# Messages of ingest's item changes, kept in the transaction that appended their events until
# the dispatcher fans each out to the subscriptions that want it (then removed).
webhook_messages = Table(
    "webhook_messages",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("msg_id", String(40), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("object_id", String(40)),
    Column("lane", String(32)),
    Column("nodes", Text, nullable=False),
)

# How far the dispatcher has looked for something that happens by time passing (items that
# became stuck): one row per kind of look, the time it looked up to.
webhook_scans = Table(
    "webhook_scans",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("at_us", BigInteger, nullable=False),
)

# The audit log (silkpost.domain.audit): appended, never changed — triggers made by the
# migration refuse UPDATE and DELETE on both databases.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("at_us", BigInteger, nullable=False),
    Column("action", String(200), nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("partner", String(32)),
    Column("key_id", String(16)),
    Column("client", String(64)),
    Column("request_id", String(64)),
    Column("objects", Text, nullable=False),
    Column("counts", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_audit_log_partner", "partner", "at_us"),
    Index("ix_audit_log_at", "at_us"),
)

# The offices of exchange (silkpost.office). Pre-advices of dispatches, kept whole as JSON
# (rebuilt exactly when asked for) and by receptacle, for the receiving scan's lookup.
office_pre_advices = Table(
    "office_pre_advices",
    metadata,
    Column("dispatch_id", String(20), primary_key=True),
    Column("year", SmallInteger, nullable=False),
    Column("sender", String(64), nullable=False),
    Column("advised_us", BigInteger, nullable=False),
    Column("receptacles", Text, nullable=False),
)

office_advised_receptacles = Table(
    "office_advised_receptacles",
    metadata,
    Column("receptacle_key", String(23), primary_key=True),
    Column("dispatch_id", String(20), nullable=False),
    Column("label", String(29), nullable=False),
    Column("weight_kg", Float, nullable=False),
    Column("items", Text, nullable=False),
    Index("ix_office_advised_receptacles_dispatch", "dispatch_id"),
)

# A receptacle received at an office: one row per bag (its first 23 characters).
office_receipts = Table(
    "office_receipts",
    metadata,
    Column("receptacle_key", String(23), primary_key=True),
    Column("dispatch_id", String(20), nullable=False),
    Column("office", String(32), nullable=False),
    Column("label", String(29), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("received_us", BigInteger, nullable=False),
    Column("declared_kg", Float, nullable=False),
    Column("weighed_kg", Float),
    Column("seal", String(32)),
    Column("operator", String(64), nullable=False),
    Column("opened_us", BigInteger),
    Column("verified_us", BigInteger),
    Index("ix_office_receipts_dispatch", "dispatch_id"),
)

# An item's work at an office: its sort decision, its hold.
office_items = Table(
    "office_items",
    metadata,
    Column("office", String(32), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("scanned_us", BigInteger, nullable=False),
    Column("updated_us", BigInteger, nullable=False),
    Column("receptacle_id", String(29)),
    Column("destination", String(32)),
    Column("service_id", String(64)),
    Column("next_node", String(32)),
    Column("hold_reason", String(16)),
    Column("held_us", BigInteger),
    Column("note", Text, nullable=False),
    PrimaryKeyConstraint("office", "item_id"),
    Index("ix_office_items_state", "office", "state", "held_us"),
    Index("ix_office_items_receptacle", "office", "receptacle_id"),
    Index("ix_office_items_scanned", "office", "scanned_us"),
)

# Irregularities for the verification notes; absent receptacle or item stored as '' so that
# the unique index keeps each finding once (NULLs would all differ).
office_findings = Table(
    "office_findings",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("dispatch_id", String(20), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("found_us", BigInteger, nullable=False),
    Column("receptacle_id", String(29), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Index("ux_office_findings", "dispatch_id", "kind", "receptacle_id", "item_id", unique=True),
)

# Outbound: bags being filled or closed, the items in them (an item in one bag per office:
# the key), the dispatches made, and the serial counters per office pair, category and year.
office_bags = Table(
    "office_bags",
    metadata,
    Column("bag_id", _SEQ, primary_key=True, autoincrement=True),
    Column("office", String(32), nullable=False),
    Column("destination", String(6), nullable=False),
    Column("category", String(1), nullable=False),
    Column("subclass", String(2), nullable=False),
    Column("opened_us", BigInteger, nullable=False),
    Column("closed_us", BigInteger),
    Column("receptacle_id", String(29)),
    Column("dispatch_id", String(20)),
    Column("weight_kg", Float),
    Column("seal", String(32)),
    Index("ix_office_bags_dispatch", "dispatch_id"),
)

office_bag_items = Table(
    "office_bag_items",
    metadata,
    Column("office", String(32), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("bag_id", Integer, nullable=False),
    Column("added_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("office", "item_id"),
    Index("ix_office_bag_items_bag", "bag_id"),
)

office_dispatches = Table(
    "office_dispatches",
    metadata,
    Column("dispatch_id", String(20), primary_key=True),
    Column("office", String(32), nullable=False),
    Column("destination", String(6), nullable=False),
    Column("category", String(1), nullable=False),
    Column("subclass", String(2), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("serial", Integer, nullable=False),
    Column("opened_us", BigInteger, nullable=False),
    Column("receptacles", Integer, nullable=False),
    Column("closed_us", BigInteger),
    Column("handed_over_us", BigInteger),
    Column("conveyance_mode", String(8)),
    Column("conveyance", String(32)),
    Column("service_id", String(64)),
    Index("ix_office_dispatches_open", "office", "destination", "category", "subclass",
          "year", "closed_us"),
)

office_dispatch_counters = Table(
    "office_dispatch_counters",
    metadata,
    Column("office", String(32), nullable=False),
    Column("destination", String(6), nullable=False),
    Column("category", String(1), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("last_serial", Integer, nullable=False),
    PrimaryKeyConstraint("office", "destination", "category", "year"),
)

# Acceptance security (silkpost.domain.blacklist, silkpost.office.acceptance). The shipper
# blacklist: entries are never deleted; a removal fills the removed_* columns.
customs_blacklist = Table(
    "customs_blacklist",
    metadata,
    Column("entry_id", _SEQ, primary_key=True, autoincrement=True),
    Column("who_kind", String(16), nullable=False),
    Column("who_number", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("added_by", String(250), nullable=False),
    Column("added_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger),
    Column("removed_us", BigInteger),
    Column("removed_by", String(250)),
    Column("removal_reason", Text),
    Index("ix_customs_blacklist_who", "who_kind", "who_number"),
)

# What each item's acceptance checks found (a read model of its SK events, written with
# them): the export dispatch gate asks it for thousands of items at once.
acceptance_checks = Table(
    "acceptance_checks",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("office", String(32), nullable=False),
    Column("sender", String(64)),
    Column("content_us", BigInteger),
    Column("content_operator", String(64)),
    Column("content_outcome", String(16)),
    Column("xray_us", BigInteger),
    Column("xray_operator", String(64)),
    Column("xray_outcome", String(16)),
)
