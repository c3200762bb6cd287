"""The DuckDB side of analytics: the copy of the event log and the tables derived from it.

Kept apart from the KPI queries (``store/analytics.py``) so that what a row of ``items``,
``visits`` or ``legs`` means can be read in one place.
"""

from __future__ import annotations

from silkpost.domain.codes import Mark, ObjectKind, codes_marked
from silkpost.domain.status import code_facts


def _codes(mark: Mark) -> str:
    """The codes carrying ``mark`` (from the code table) as an SQL list."""
    return ", ".join(f"'{c}'" for c in codes_marked(mark))


def _order_bits() -> str:
    """The tie-break bits of the domain's order key per code, as an SQL CASE."""
    cases = " ".join(f"WHEN '{code}' THEN {bits}" for code, (bits, _, _) in code_facts().items())
    return f"CASE code {cases} END"


# Bumped when the copy's tables change: a DuckDB file of another version is copied afresh.
SCHEMA_VERSION = 5

_KINDS = list(ObjectKind)
# The store's object kind as a small number (read cheaply), and back to its name in DuckDB.
KIND_NUMBER = ("CASE object_kind " + " ".join(f"WHEN '{k.value}' THEN {n}"
                                              for n, k in enumerate(_KINDS)) + " END")
_KIND_NAME = ("CASE b.object_kind " + " ".join(f"WHEN {n} THEN '{k.value}'"
                                               for n, k in enumerate(_KINDS)) + " END")


SCHEMA = """
CREATE TABLE IF NOT EXISTS ev (
    seq BIGINT, kind VARCHAR, object_id VARCHAR, code VARCHAR, occurred_us BIGINT,
    offset_min INTEGER, local_day DATE, office VARCHAR, destination VARCHAR,
    destination_key BIGINT, weight_kg DOUBLE, mode VARCHAR, generation BIGINT,
    excluded BOOLEAN, regime VARCHAR);
CREATE TABLE IF NOT EXISTS sync_state (watermark BIGINT, generation BIGINT, derived BIGINT);
CREATE TABLE IF NOT EXISTS copy_version (version INTEGER);
"""

# ``excluded`` marks what no KPI counts: retractions, and the events they retract (set by
# ``AnalyticsCopy`` from the domain's rule, silkpost.domain.retractions).
# ``generation`` numbers the refreshes: the events a refresh copied carry its number, so the
# next derive knows which objects changed (on PostgreSQL, late-visible events can have old
# sequence numbers, so the sequence alone would not tell).
INSERT = f"""
INSERT INTO ev
SELECT b.seq, {_KIND_NAME}, b.object_id, b.code, b.occurred_us, b.utc_offset_min,
       CAST(make_timestamp(b.occurred_us + b.utc_offset_min::BIGINT * 60000000) AS DATE),
       b.office, b.destination,
       CASE WHEN b.destination IS NOT NULL THEN b.occurred_us * 1024 + {_order_bits()} END,
       TRY_CAST(json_extract_string(b.payload, '$.weight_kg') AS DOUBLE),
       json_extract_string(b.payload, '$.mode'),
       $generation,
       b.code IN ({_codes(Mark.RETRACTION)}),
       nullif(json_extract_string(b.payload, '$.regime'), '')
FROM (SELECT seq, object_kind, object_id, code, occurred_us, utc_offset_min,
             nullif(office, '') AS office, nullif(payload, '') AS payload,
             nullif(json_extract_string(nullif(payload, ''), '$.destination'), '')
                 AS destination
      FROM batch) b
WHERE {{where}}
"""
# Events past the watermark are new; those at or below it (PostgreSQL's re-read window) only
# when the copy lacks them. Kept apart, so that new events are not checked against the copy.
NEW = "b.seq > $mark"
MISSED = ("b.seq <= $mark AND b.seq NOT IN "
          "(SELECT seq FROM ev WHERE seq >= $low AND seq <= $mark)")

# The derived tables, one row per item / per item and place / per hop. ``{scope}`` limits them
# to the objects a refresh touched (a delete and re-insert of those), or is empty for a full
# rebuild: both give the same rows, since every row depends on its own object's events only.
# The destination is the domain's (silkpost.domain.status): that of the earliest event naming
# one by order key, ties to the smallest code.
ITEMS = f"""
SELECT object_id,
       min(occurred_us) FILTER (code IN ({_codes(Mark.POSTED)})) AS posted_us,
       min(local_day) FILTER (code IN ({_codes(Mark.POSTED)})) AS posted_day,
       arg_min(office, occurred_us) FILTER (code IN ({_codes(Mark.POSTED)})) AS origin,
       (min(struct_pack(k := destination_key, d := destination))
           FILTER (destination IS NOT NULL)).d AS destination,
       max(weight_kg) FILTER (code IN ({_codes(Mark.POSTED)})) AS weight_kg,
       arg_min(regime, occurred_us) FILTER (regime IS NOT NULL) AS regime,
       min(occurred_us) FILTER (code IN ({_codes(Mark.DELIVERED)})) AS delivered_us,
       min(local_day) FILTER (code IN ({_codes(Mark.DELIVERED)})) AS delivered_day,
       arg_max(office, occurred_us) AS last_office
FROM ev WHERE kind = 'item' AND NOT excluded {{scope}} GROUP BY object_id
"""
VISITS = f"""
SELECT object_id, office,
       min(occurred_us) AS arrived_us,
       min(local_day) AS arrived_day,
       max(occurred_us) FILTER (code IN ({_codes(Mark.LEAVING)})) AS left_us,
       max(local_day) FILTER (code IN ({_codes(Mark.LEAVING)})) AS left_day,
       arg_max(mode, occurred_us) FILTER (mode IS NOT NULL) AS mode,
       min(occurred_us) FILTER (code IN ({_codes(Mark.PRESENTED)})) AS presented_us,
       min(local_day) FILTER (code IN ({_codes(Mark.PRESENTED)})) AS presented_day,
       max(occurred_us) FILTER (code IN ({_codes(Mark.RELEASED)})) AS released_us,
       bool_or(code IN ({_codes(Mark.INSPECTED)})) AS inspected
FROM ev WHERE kind = 'item' AND NOT excluded AND office IS NOT NULL {{scope}}
GROUP BY object_id, office
"""
LEGS = """
SELECT * FROM (
    SELECT v.object_id, v.office AS origin,
           lead(v.office) OVER (PARTITION BY v.object_id ORDER BY v.arrived_us) AS destination,
           v.mode, v.left_day, i.weight_kg
    FROM visits v LEFT JOIN items i USING (object_id) WHERE true {scope}
) WHERE destination IS NOT NULL
"""
DERIVED = (("items", ITEMS, "object_id"), ("visits", VISITS, "object_id"),
            ("legs", LEGS, "v.object_id"))
