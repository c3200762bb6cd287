"""The one rule for short place labels: a city where it names one node, the whole name where a
city has several, the words a node does not share with its kind; never two nodes alike."""

from __future__ import annotations

import pytest

from silkpost.network.corridor import default_network_path, load_network
from silkpost.web.dashboard import short_names
from silkpost.web.places import node_name

NETWORK = load_network(default_network_path())
KINDS = {code: node.kind for code, node in NETWORK.nodes.items()}


def labels(lang: str) -> dict[str, str]:
    return short_names({code: node_name(node, lang) for code, node in NETWORK.nodes.items()},
                       KINDS)


@pytest.mark.parametrize(("lang", "dongguan", "yiwu", "almaty"), [
    ("en", "Dongguan", "Yiwu", "Almaty PCI-5"), ("zh", "东莞", "义乌", None),
    ("ru", "Дунгуань", "Иу", "Алматы"), ("kk", "Дунгуань", "Иу", "Алматы")])
def test_warehouses_of_one_kind_are_told_apart_by_their_city(
    lang: str, dongguan: str, yiwu: str, almaty: str | None
) -> None:
    shown = labels(lang)
    assert (shown["CNDGGA"], shown["CNYIWA"]) == (dongguan, yiwu)
    assert almaty is None or shown["KZALAA"] == almaty


@pytest.mark.parametrize("lang", ["en", "zh", "ru", "kk"])
def test_no_two_nodes_share_a_label(lang: str) -> None:
    shown = labels(lang)
    assert len(set(shown.values())) == len(shown)
    assert all(shown.values())


def test_a_city_of_several_nodes_keeps_their_whole_names() -> None:
    shown = labels("ru")
    assert shown["CNURC-AIR"] == "Урумчи, грузовой терминал аэропорта"


def test_one_shared_chinese_character_is_not_a_kind_word() -> None:
    assert short_names({"A": "阿拉木图国际邮件处理中心", "B": "阿斯塔纳互换局"},
                       {"A": "post", "B": "post"}) == {"A": "阿拉木图国际邮件处理中心",
                                                      "B": "阿斯塔纳互换局"}

