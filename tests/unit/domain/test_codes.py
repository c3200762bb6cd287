"""The code tables are the one place that classifies codes, statuses, regimes and languages."""

from __future__ import annotations

import re
from pathlib import Path

from silkpost.domain.codes import (
    LANGUAGES,
    Mark,
    Status,
    codes_marked,
    customs_regimes,
    default_regime,
    event_codes,
    table_rows,
    terminal_statuses,
)
from silkpost.store.analytics_sql import ITEMS, VISITS

TABLES = Path(__file__).parents[3] / "src" / "silkpost" / "domain" / "tables"
SOURCE = Path(__file__).parents[3] / "src" / "silkpost"


def test_every_table_carries_a_text_per_language() -> None:
    """Each table has exactly the languages' columns, and no text is empty."""
    for table in TABLES.glob("*.csv"):
        rows = table_rows(table.name)
        header = set(rows[0])
        assert set(LANGUAGES) <= header, table.name
        assert all(row[lang].strip() for row in rows for lang in LANGUAGES), table.name


def test_marks_terminals_and_regimes_come_from_the_tables() -> None:
    """Posting and delivery are one code each; delivered and returned end a life; one
    default regime, 9610 direct mail."""
    assert codes_marked(Mark.POSTED) == ("EMA",) and codes_marked(Mark.DELIVERED) == ("EMI",)
    assert all(codes_marked(mark) for mark in Mark)
    assert terminal_statuses() == {Status.DELIVERED, Status.RETURNED}
    assert default_regime() == "9610" and set(customs_regimes()) == {"9610", "9710", "9810",
                                                                     "1210"}


def test_the_analytics_sql_lists_the_marked_codes() -> None:
    """The copy's derived tables filter on the table's codes, generated, not typed."""
    for mark in (Mark.LEAVING, Mark.PRESENTED, Mark.RELEASED, Mark.INSPECTED):
        listed = ", ".join(f"'{c}'" for c in codes_marked(mark))
        assert f"code IN ({listed})" in VISITS, mark
    assert f"code IN ('{codes_marked(Mark.POSTED)[0]}')" in ITEMS


def test_no_module_repeats_a_list_the_tables_hold() -> None:
    """No source file spells out the languages, the terminal statuses, a code class or a
    customs regime code (the default regime included)."""
    languages = re.compile(r"""\(\s*["'](zh|en|ru|kk)["'](\s*,\s*["'](zh|en|ru|kk)["']){3}""")
    terminal = re.compile(r"Status\.DELIVERED,\s*Status\.RETURNED|'delivered',\s*'returned'")
    classes = [re.compile(", ".join(f"[\"']{c}[\"']" for c in codes_marked(mark)[:2]))
               for mark in Mark if len(codes_marked(mark)) > 1]
    regimes = re.compile("|".join(rf"[\"']{r}[\"']" for r in customs_regimes()))
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SOURCE))
        if name == "domain/notices.py":  # its fallback orders name languages on purpose
            text = text.split("_FALLBACK", 1)[0]
        assert not languages.search(text), name
        assert not terminal.search(text), name
        assert not any(c.search(text) for c in classes), name
        assert not regimes.search(text), name
    assert len(event_codes()) == len({c.code for c in event_codes().values()})
