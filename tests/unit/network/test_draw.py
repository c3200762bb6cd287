"""The network picture: flows put on the right services, far places pinned to the edges."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from silkpost.network.corridor import Network, default_network_path, load_network
from silkpost.network.draw import flows_by_service, network_svg


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(default_network_path())


def test_flows_land_on_the_services_joining_the_places_by_that_mode(network: Network) -> None:
    """A flow goes to the services between its two places of its mode, shared equally; a
    flow no service carries is left out."""
    flows = flows_by_service(network, [
        ("CNURCA", "CNHRS-XS", "truck", 90), ("CNDGGA", "CNURCA", "truck", 10),
        ("CNURCA", "KZALAA", None, 7), ("KZALAA", "CNDGGA", "truck", 5)])
    joining = [s.id for s in network.outgoing["CNURCA"]
               if s.destination == "CNHRS-XS" and s.mode == "truck"]
    assert joining and all(flows[i] == pytest.approx(90 / len(joining)) for i in joining)
    assert flows["T-DGG-URC"] == 10
    assert sum(flows.values()) == pytest.approx(100)  # the last two join no service


def test_picture_is_svg_with_far_places_pinned(network: Network) -> None:
    """Valid SVG; Moscow is pinned west (◀) and Dongguan east (▶) inside the frame; the line
    carrying most parcels is the thickest."""
    svg = network_svg(network, flows={"T-DGG-URC": 100.0, "T-HRS-ALA": 10.0})
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "◀ RUMOWA" in svg and "▶ CNDGGA" in svg
    widths = {service: float(w) for w, service in re.findall(
        r'stroke-width="([0-9.]+)"[^>]*data-service="([^"]+)"', svg)}
    assert max(widths, key=lambda k: widths[k]) == "T-DGG-URC"
    xs = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', svg)]
    assert min(xs) >= 0 and max(xs) <= 960
