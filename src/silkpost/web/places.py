"""Places and times as the pages show them: names in the page's language, local times, and
notices in the time zone of the place they concern, saying which zone that is.

A reader in Almaty told "closed until 18:00" must know whose 18:00: a notice's times are given
in the zone of the network node it names ("Almaty time, UTC+05:00"); a notice about places in
several zones, or about none (the whole network), is given in UTC, and says so. Timeline events
keep the offset they were scanned with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from silkpost.bootstrap import Platform
from silkpost.domain.notices import Notice, text_in
from silkpost.network.corridor import Network, Node
from silkpost.web.i18n import text


def node_name(node: Node, lang: str) -> str:
    """A node's name in ``lang`` (Kazakh falls back to Russian, the rest to English)."""
    names = node.names
    return names.get(lang) or names.get("ru" if lang == "kk" else "en") or node.code


def place_name(platform: Platform, office: str | None, locode: str | None, lang: str) -> str:
    """A place's name in ``lang`` from the network, else its codes."""
    network = platform.network
    node = network.nodes.get(office or "")
    if node is None and locode:
        node = next((n for n in network.nodes.values() if n.locode == locode), None)
    if node is not None:
        return node_name(node, lang)
    return " ".join(p for p in (locode, office) if p) or "—"


def utc_offset(moment: datetime) -> str:
    """``UTC+05:00``: the offset of an aware time, as every page writes it."""
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def local_time(moment: datetime) -> str:
    """A time as scanned, with its UTC offset."""
    return f"{moment:%Y-%m-%d %H:%M} ({utc_offset(moment)})"


def notice_zone(nodes: Sequence[str], network: Network) -> tuple[tzinfo, Node | None]:
    """The zone a notice's times are shown in, and the node that names it: the zone of the
    nodes it concerns when they share one, else UTC (several zones, unknown nodes, none)."""
    known = [network.nodes.get(code) for code in nodes]
    if not known or any(n is None for n in known):
        return UTC, None
    zones = {n.tz.key for n in known if n is not None}
    first = known[0]
    if len(zones) != 1 or first is None:
        return UTC, None
    return first.tz, first


def zone_label(node: Node | None, moment: datetime, lang: str) -> str:
    """What a page says about a zone: ``Almaty time, UTC+05:00``, or UTC."""
    if node is None:
        return text("zone_utc", lang)
    return text("zone_place", lang).format(place=node_name(node, lang),
                                           offset=utc_offset(moment.astimezone(node.tz)))


def notice_lines(notices: list[Notice], lang: str, network: Network) -> list[dict[str, Any]]:
    """Notices as the pages show them: title and body in ``lang``, the validity window in the
    zone of the place they concern (``zone`` says which)."""
    lines = []
    for n in notices:
        zone, node = notice_zone(n.nodes, network)
        start = n.valid_from.astimezone(zone)
        window = f"{start:%Y-%m-%d %H:%M}"
        if n.valid_until is not None:
            window += f" – {n.valid_until.astimezone(zone):%Y-%m-%d %H:%M}"
        label = zone_label(node, start, lang)
        lines.append({"id": n.notice_id, "severity": n.severity.value,
                      "title": text_in(n.title, lang), "body": text_in(n.body, lang),
                      "window": f"{window} ({label})", "zone": label,
                      "nodes": n.nodes, "services": n.services})
    return lines
