"""Acceptance screening: the prohibited and restricted goods rules, from their table."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.customs.service import check
from silkpost.domain.codes import table_rows
from silkpost.domain.customs import read_declaration
from silkpost.domain.screening import (
    Action,
    Rule,
    Rules,
    default_rules,
    goods_flags,
    refusals,
    rule_of,
    screen,
)
from silkpost.network.corridor import default_network_path, load_network
from tests.unit.customs.test_declarations import b2c


def line(description: str, hs_code: str = "392690") -> dict[str, Any]:
    return {"description": description, "hs_code": hs_code, "quantity": 1, "unit": "PCE",
            "unit_price": "5", "total_price": "5", "net_weight_kg": "0.2",
            "origin_country": "CN"}


def hits_of(*lines: dict[str, Any], **changes: Any) -> dict[tuple[str, str], str]:
    declaration = read_declaration(b2c(lines=list(lines), **changes))
    return {(h.rule, h.field): h.reason for h in screen(declaration)}


# -- hostile: a rules table that is wrong is refused when it is read, naming the rule -------

@pytest.mark.parametrize(("row", "said"), [
    ({"action": "forbid"}, "action 'forbid'"),
    ({"id": "p1"}, "rule id 'p1'"),
    ({"hs": "9"}, "HS '9'"),
    ({"hs": "93A1"}, "HS '93A1'"),
    ({"destinations": "kz"}, "destination 'kz'"),
    ({"keywords": "gu*n"}, "keyword 'gu*n'"),
    ({"keywords": "", "hs": ""}, "needs keywords or HS codes"),
    ({"goods": "battery"}, "only it, names the goods flag"),
    ({"action": "exclude_mode"}, "only it, names the goods flag"),
    ({"en": ""}, "reason in English"),
])
def test_a_wrong_rule_row_is_refused_naming_what(row: dict[str, str], said: str) -> None:
    good = {"id": "P99", "action": "prohibit", "keywords": "gun", "hs": "93",
            "destinations": "", "goods": "", "en": "no arms", "zh": "", "ru": ""}
    with pytest.raises(ValueError, match=r"P99|p1") as caught:
        rule_of({**good, **row})
    assert said in str(caught.value)


def test_rule_ids_may_not_repeat() -> None:
    rule = Rule("P1", Action.PROHIBIT, keywords=("gun",), reasons={"en": "no"})
    with pytest.raises(ValueError, match="repeat"):
        Rules([rule, rule])


# -- the shipped table ---------------------------------------------------------------------

def test_the_shipped_table_reads_and_its_notes_are_not_rows() -> None:
    rows = table_rows("screening_rules.csv")
    assert rows and all(not r["id"].startswith("#") for r in rows)
    rules = default_rules().rules
    assert len(rules) == len(rows)
    assert {r.action for r in rules} == set(Action)
    assert all(set(r.reasons) == {"en", "zh", "ru", "kk"} for r in rules)


def test_its_goods_flags_are_the_networks_own() -> None:
    """The battery rule gives the flag the network's air services refuse: one notion of it."""
    flags = {r.goods for r in default_rules().rules if r.goods}
    assert flags == {"battery"}
    assert flags <= set(load_network(default_network_path()).goods_flags)


# -- matching --------------------------------------------------------------------------------

def test_a_clean_parcel_has_no_hit() -> None:
    assert hits_of(line("phone case"), line("T-shirt", "610910")) == {}


@pytest.mark.parametrize("words", ["Power bank 10000mAh", "锂电池 18650",
                                   "Аккумулятор для телефона", "spare LITHIUM cells"])
def test_batteries_in_any_language_are_flagged_off_flights(words: str) -> None:
    declaration = read_declaration(b2c(lines=[line(words)]))
    found = screen(declaration)
    assert [(h.rule, h.action, h.field) for h in found] == [
        ("B01", Action.EXCLUDE_MODE, "lines[0].description")]
    assert goods_flags(found) == {"battery"} and refusals(found) == []


def test_an_hs_heading_hits_without_a_keyword() -> None:
    found = hits_of(line("spare part", "850760"))
    assert list(found) == [("B01", "lines[0].hs_code")]
    assert "HS 850760 is in 8507" in found[("B01", "lines[0].hs_code")]


def test_a_keyword_and_an_hs_code_of_one_rule_on_one_line_hit_once() -> None:
    assert list(hits_of(line("battery", "850760"))) == [("B01", "lines[0].description")]


def test_each_line_is_named() -> None:
    found = hits_of(line("phone case"), line("hunting rifle", "930320"),
                    line("fireworks", "360410"))
    assert set(found) == {("P01", "lines[1].description"), ("P02", "lines[2].description")}
    assert "arms and ammunition" in found[("P01", "lines[1].description")]


@pytest.mark.parametrize("words", ["begun", "riflescope cover", "gunny sack", "combat boots",
                                   "lithiums"])
def test_latin_keywords_are_words_not_parts_of_words(words: str) -> None:
    assert hits_of(line(words)) == {}


def test_a_stem_takes_its_endings() -> None:
    assert ("P02", "lines[0].description") in hits_of(line("Explosives kit"))
    assert ("R02", "lines[0].description") in hits_of(line("лекарства от кашля"))


def test_a_shorter_keyword_stands_when_the_longer_runs_into_the_next_word() -> None:
    """In 'gold bar sets' the trie matches 'gold bar set' first, which runs into 'sets';
    'gold bar' still stands. In 'gold barstools' neither does."""
    rules = Rules([Rule("R9", Action.RESTRICT, keywords=("gold bar", "gold bar set"),
                        reasons={"en": "gold"})])
    found = rules.screen(read_declaration(b2c(lines=[line("gold bar sets"),
                                                     line("gold barstools")])))
    assert [(h.field, h.reason.split(": ")[-1]) for h in found] == [
        ("lines[0].description", "description has 'gold bar')")]


def test_a_destination_rule_hits_only_there() -> None:
    vape = line("e-cigarette pods")
    to_kz = {"name": "A", "country": "KZ"}
    to_de = {"name": "A", "country": "DE"}
    assert ("R05", "lines[0].description") in hits_of(vape, consignee=to_kz)
    assert hits_of(vape, consignee=to_de) == {}
    # No country said: screened against every rule.
    assert ("R05", "lines[0].description") in hits_of(vape, consignee={"name": "A"})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["battery", "firearm", "毒品", "антиквариат"]))
def test_a_keyword_is_found_wherever_it_stands_between_spaces(noise: str, word: str) -> None:
    """Whatever surrounds it, a keyword set off by spaces hits its rule, and screening never
    raises on any text."""
    text = f"{noise} {word} {noise}".strip()[:250] or word
    rules = {"battery": "B01", "firearm": "P01", "毒品": "P03", "антиквариат": "R03"}
    declaration = read_declaration(b2c(lines=[line(text if word in text else word)]))
    assert rules[word] in {h.rule for h in screen(declaration)}


# -- in the check --------------------------------------------------------------------------

def test_check_refuses_a_prohibited_line_and_flags_a_restricted_one() -> None:
    items = [(1, b2c(reference="D-OK")),
             (2, b2c(reference="D-GUN", lines=[line("Shotgun shells", "930630")])),
             (3, b2c(reference="D-BAT", lines=[line("power bank")]))]
    report = check(items)
    assert (report.checked, report.valid, report.refused_count, report.flagged_count) == (
        3, 2, 1, 1)
    [refused] = report.refused
    assert refused.reference == "D-GUN"
    assert {p.field for p in refused.problems} == {"lines[0].description"}
    [flagged] = report.flagged
    assert (flagged.reference, [h.rule for h in flagged.hits]) == ("D-BAT", ["B01"])
    assert report.by_rule == {"P01": 1, "B01": 1}
