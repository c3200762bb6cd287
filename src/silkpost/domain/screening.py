"""Acceptance screening: which of a declaration's lines the prohibited and restricted goods
rules hit (收寄验视 looks for them in the parcel; this looks for them in what was declared).

The rules are data (``tables/screening_rules.csv``, its notes say where the entries come from).
A rule hits a line by a keyword of its description (zh, en or ru) or by the line's HS chapter,
heading or subheading, for the destinations it names (all when it names none). It says what
follows: ``prohibit`` (refused at acceptance), ``restrict`` (an inspection or a licence first)
or ``exclude_mode`` (accepted, with a goods flag, e.g. ``battery``, that keeps the item off the
modes whose services refuse that flag: the network's rule, not a second copy of it).

Screening runs on every declaration of a file, so the rules are compiled once: all keywords
into one regular expression shaped as a trie (one pass over a description, whatever the number
of rules), HS prefixes into a dict (three lookups a line). No rule is looped over per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from silkpost.domain.codes import LANGUAGES, table_rows
from silkpost.domain.customs import Declaration

_RULE_ID = re.compile(r"[A-Z][A-Z0-9]{1,15}")
_HS_PREFIX = re.compile(r"\d{2}(?:\d{2}){0,2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
# Letters that continue a Latin or Cyrillic word: a keyword must not start or end inside one.
_WORD = re.compile(r"[a-z\u00c0-\u024f\u0400-\u04ff]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


class Action(StrEnum):
    """What a rule's hit means for the item."""

    PROHIBIT = "prohibit"  # refused at acceptance
    RESTRICT = "restrict"  # accepted after an inspection or with a licence
    EXCLUDE_MODE = "exclude_mode"  # accepted; its goods flag keeps it off some modes


@dataclass(frozen=True, slots=True)
class Rule:
    """One prohibited or restricted kind of goods (a row of the rules table)."""

    id: str
    action: Action
    keywords: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    destinations: frozenset[str] = frozenset()
    goods: str | None = None
    reasons: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not _RULE_ID.fullmatch(self.id):
            raise ValueError(f"rule id {self.id!r}: 2-16 capital letters and digits")
        if not self.keywords and not self.hs:
            raise ValueError(f"rule {self.id}: needs keywords or HS codes to match")
        for code in self.hs:
            if not _HS_PREFIX.fullmatch(code):
                raise ValueError(f"rule {self.id}: HS {code!r} is not 2, 4 or 6 digits")
        for country in self.destinations:
            if not _COUNTRY.fullmatch(country):
                raise ValueError(f"rule {self.id}: destination {country!r} is not ISO 3166")
        for word in self.keywords:
            if not word.strip("* ") or word != word.strip() or "*" in word[:-1]:
                raise ValueError(f"rule {self.id}: keyword {word!r} (a * only at its end)")
        if (self.action is Action.EXCLUDE_MODE) != (self.goods is not None):
            raise ValueError(f"rule {self.id}: an exclude_mode rule, and only it, names the "
                             "goods flag it gives")
        if "en" not in self.reasons:
            raise ValueError(f"rule {self.id}: needs its reason in English")
        object.__setattr__(self, "reasons", MappingProxyType(dict(self.reasons)))


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that hit a declaration: which, on what field, and why."""

    rule: str
    action: Action
    field: str  # lines[0].description or lines[0].hs_code
    reason: str
    goods: str | None = None


class Rules:
    """A set of rules compiled for screening (see the module's docstring)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rule ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        self.rules = tuple(rules)
        self._by_keyword: dict[str, list[Rule]] = {}
        self._whole: set[str] = set()  # keywords that must end at a word's end
        self._by_hs: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for word in rule.keywords:
                stem = word.rstrip("*").lower()
                if not word.endswith("*") and not _CJK.search(stem):
                    self._whole.add(stem)
                self._by_keyword.setdefault(stem, []).append(rule)
            for code in rule.hs:
                self._by_hs.setdefault(code, []).append(rule)
        self._pattern = re.compile(_trie_pattern(self._by_keyword)) if self._by_keyword \
            else None
        self._chapters = frozenset(code[:2] for code in self._by_hs)

    def screen(self, declaration: Declaration) -> list[Hit]:
        """The hits of every line of ``declaration``, at most one per rule and line."""
        consignee = declaration.consignee
        destination = consignee.country if consignee is not None else None
        hits: list[Hit] = []
        by_hs, chapters, pattern = self._by_hs, self._chapters, self._pattern
        for n, line in enumerate(declaration.lines):
            seen: set[str] | None = None
            text = line.description.lower()
            first = None if pattern is None else pattern.search(text)
            if first is not None:  # most lines have no keyword: one search says so
                assert pattern is not None
                for m in pattern.finditer(text, first.start()):
                    word = self._standing(text, m.start(), m.group())
                    if word is None:
                        continue
                    for rule in self._by_keyword[word]:
                        if seen is None:
                            seen = set()
                        if rule.id in seen or not _for(rule, destination):
                            continue
                        seen.add(rule.id)
                        hits.append(_hit(rule, f"lines[{n}].description",
                                         f"description has {word!r}"))
            hs = line.hs_code
            if hs[:2] not in chapters:
                continue
            for prefix in (hs[:2], hs[:4], hs[:6]):
                found = by_hs.get(prefix)
                if found is None:
                    continue
                for rule in found:
                    if seen is None:
                        seen = set()
                    if rule.id in seen or not _for(rule, destination):
                        continue
                    seen.add(rule.id)
                    hits.append(_hit(rule, f"lines[{n}].hs_code", f"HS {hs} is in {prefix}"))
        return hits

    def _standing(self, text: str, start: int, longest: str) -> str | None:
        """The longest keyword matched at ``start`` that stands as a word there: the trie
        takes the longest, and when it runs into the next word a shorter one may not."""
        for size in range(len(longest), 0, -1):
            word = longest[:size]
            if word in self._by_keyword and self._bounded(text, start, start + size, word):
                return word
        return None

    def _bounded(self, text: str, start: int, end: int, word: str) -> bool:
        """Whether a Latin or Cyrillic keyword stands at a word's start (and end, unless it
        is a stem): 'gun' is not in 'begun'. Chinese has no spaces: a keyword is anywhere."""
        if _CJK.match(word):
            return True
        if start > 0 and _WORD.match(text, start - 1):
            return False
        return word not in self._whole or end == len(text) or not _WORD.match(text, end)


def _for(rule: Rule, destination: str | None) -> bool:
    """Whether ``rule`` applies to a parcel bound for ``destination`` (an unknown destination
    is screened against every rule: a gap in the data must not let goods through)."""
    return not rule.destinations or destination is None or destination in rule.destinations


def _hit(rule: Rule, where: str, why: str) -> Hit:
    return Hit(rule.id, rule.action, where, f"{rule.reasons['en']} (rule {rule.id}: {why})",
               rule.goods)


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for all ``words``, their common prefixes shared, so that a
    search tries one branch per character instead of every word."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Longest first: "battery" must not stop at "bat" when both are words.
        return f"(?:{body})?" if ends else body

    return render(trie)


def rule_of(row: Mapping[str, str]) -> Rule:
    """The rule of one row of the rules table (ValueError naming the rule and the column)."""
    try:
        action = Action(row["action"].strip())
    except ValueError:
        raise ValueError(f"rule {row.get('id')!r}: action {row.get('action')!r}, one of "
                         f"{', '.join(a.value for a in Action)}") from None
    return Rule(
        id=row["id"].strip(), action=action,
        keywords=tuple(w.strip() for w in row["keywords"].split("|") if w.strip()),
        hs=tuple(row["hs"].split()), destinations=frozenset(row["destinations"].split()),
        goods=row["goods"].strip() or None,
        reasons={lang: row[lang].strip() for lang in LANGUAGES if row.get(lang)})


@cache
def default_rules() -> Rules:
    """The rules of the shipped table, compiled once."""
    return Rules([rule_of(row) for row in table_rows("screening_rules.csv")])


def screen(declaration: Declaration, rules: Rules | None = None) -> list[Hit]:
    """What the prohibited and restricted goods rules (the shipped table unless given) hit in
    ``declaration``'s lines."""
    return (rules or default_rules()).screen(declaration)


def goods_flags(hits: Iterable[Hit]) -> frozenset[str]:
    """The goods flags hits give the item: what the office's sort is told it carries."""
    return frozenset(h.goods for h in hits if h.goods is not None)


def refusals(hits: Iterable[Hit]) -> list[Hit]:
    """The hits that refuse the item at acceptance."""
    return [h for h in hits if h.action is Action.PROHIBIT]
