"""Notices in the zone of their place, said in the page's language; ids pasted and paged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from silkpost.domain.steps import Progress, Step, StepState
from silkpost.network.corridor import Network, default_network_path, load_network
from silkpost.web.cards import step_bar
from silkpost.web.pages import page_number, pasted_ids
from silkpost.web.places import notice_zone, zone_label

NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(default_network_path())


@pytest.mark.parametrize(("nodes", "zone"), [
    (["KZALAA"], "Asia/Almaty"),
    (["CNURCA", "CNHRS-XS"], "Asia/Shanghai"),  # two places, one zone
    (["CNURCA", "KZALAA"], None),  # two zones: UTC
    ([], None),  # the whole network: UTC
    (["KZALAA", "XXNOPE"], None),  # a node the network does not know: UTC
])
def test_a_notice_is_shown_in_the_zone_its_places_share(
        network: Network, nodes: list[str], zone: str | None) -> None:
    """One zone for all the notice's places is theirs; anything else is UTC, named by no node."""
    tz, node = notice_zone(nodes, network)
    if zone is None:
        assert tz is UTC and node is None
    else:
        assert getattr(tz, "key", None) == zone and node is not None and node.code == nodes[0]


@pytest.mark.parametrize(("lang", "label"), [
    ("en", "Urumqi international mail exchange office time, UTC+08:00"),
    ("zh", "乌鲁木齐国际邮件互换局时间，UTC+08:00"),
    ("ru", "Урумчи, место международного почтового обмена, местное время, UTC+08:00"),
    ("kk", "Үрімжі, халықаралық пошта алмасу орны уақыты, UTC+08:00")])
def test_the_zone_is_named_in_the_page_language(network: Network, lang: str,
                                                label: str) -> None:
    """The label names the place and the offset at that moment; UTC says it is UTC."""
    assert zone_label(network.nodes["CNURCA"], NOON, lang) == label
    assert zone_label(None, NOON, lang).startswith(("UTC", "协调世界时 UTC"))


def test_pasted_ids_are_split_and_kept_once_in_order() -> None:
    """Spaces, commas, semicolons and new lines separate ids; a repeated id is shown once."""
    assert pasted_ids(["A1, B2;C3\nA1", " D4  B2 "]) == ["A1", "B2", "C3", "D4"]


@pytest.mark.parametrize(("raw", "pages", "page"), [
    (None, 1, 1), ("", 3, 1), ("2", 3, 2), ("3", 3, 3), ("4", 3, None), ("0", 3, None),
    ("-1", 3, None), ("x", 3, None), ("²", 3, None), ("1" * 400, 3, None)])
def test_a_page_number_is_one_of_the_pages_or_none(raw: str | None, pages: int,
                                                    page: int | None) -> None:
    """Only a plain number of an existing page counts (no superscripts, no huge numbers)."""
    assert page_number(raw, pages) == page


def test_the_bar_marks_the_step_reached_and_its_state() -> None:
    """Steps before are done, the reached one carries the state, the rest are ahead."""
    returned = Progress(step=Step.BORDER, state=StepState.RETURNED, attempted=None,
                        posted_at=None, ended_at=None)
    assert [s["state"] for s in step_bar(returned, "en")] == [
        "done", "done", "returned", "ahead", "ahead", "ahead"]
    moving = Progress(step=None, state=StepState.MOVING, attempted=None, posted_at=None,
                      ended_at=None)
    assert {s["state"] for s in step_bar(moving, "zh")} == {"ahead"}
    assert [s["label"] for s in step_bar(moving, "ru")][2] == "Граница"
