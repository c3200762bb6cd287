"""The network file: the default corridors load; every problem names file, entry and field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from silkpost.network.corridor import NetworkFileError, default_network_path, load_network
from silkpost.network.itinerary import NoRoute
from silkpost.network.service import plan

BEIJING = ZoneInfo("Asia/Shanghai")


def test_default_network_has_the_seed_places() -> None:
    """Origins, Urumqi's four facilities, the ports and the destinations are all there."""
    network = load_network(default_network_path())
    for code in ("CNDGGA", "CNYIWA", "CNURCA", "CNURM-BZ", "CNURC-AIR", "CNURC-RAIL",
                 "CNKHGA", "CNHRS-XS", "CNAKL-RAIL", "CNBKT", "CNJEM", "CNTRT", "KZALAA",
                 "KZASTA", "UZTASA", "KGFRUA", "TJDYUA", "RUMOWA", "PLMAA-RAIL"):
        assert code in network.nodes


def test_seed_times_hold_on_the_default_network() -> None:
    """Truck line Dongguan → Almaty office within 6 days (last mile comes on top: 6–8 in all);
    the Urumqi → Almaty freighter flies 2 h; the Alashankou crossing dwells 7 h + 1 h gauge."""
    network = load_network(default_network_path())
    ready = datetime(2026, 11, 2, 15, 0, tzinfo=BEIJING)
    truck = plan(network, "CNDGGA", "KZALAA", ready, exclude_modes=("air",))
    assert 4.5 <= (truck.arrives - ready).total_seconds() / 86400 <= 6.0
    assert {leg.service.mode for leg in truck.legs} == {"truck"}
    flight = next(s for s in network.services if s.id == "A-URC-ALA")
    assert flight.duration_hours == 2 and flight.capacity_kg == 13_000
    crossing = next(s for s in network.services if s.id == "R-AKL-DOS")
    assert 6 <= crossing.border_dwell_hours <= 8 and crossing.gauge_break_hours == 1


def test_batteries_do_not_fly() -> None:
    """With lithium batteries, the earliest itinerary avoids the freighter."""
    network = load_network(default_network_path())
    ready = datetime(2026, 11, 2, 20, 0, tzinfo=BEIJING)  # Monday night: Tuesday's flight
    plain = plan(network, "CNURCA", "KZALAA", ready)
    battery = plan(network, "CNURCA", "KZALAA", ready, goods=("battery",))
    assert "air" in {leg.service.mode for leg in plain.legs}
    assert "air" not in {leg.service.mode for leg in battery.legs}
    with pytest.raises(NoRoute):
        plan(network, "CNURCA", "KZALAA", ready, latest=ready)


def test_file_errors_name_file_entry_and_field(tmp_path: Path) -> None:
    """All problems are reported at once, each with where it is."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[nodes]]\ncode = "A"\nkind = "castle"\nlocode = "XXABC"\nlat = 1\nlon = 2\n'
        'tz = "Mars/Base"\nnames = { en = "A" }\nport_declaration_hours = "long"\n'
        '[[services]]\nid = "S"\nfrom = "A"\nto = "B"\nmode = "boat"\nduration_hours = -1\n'
        'departures = ["someday 25:00"]\n'
    )
    with pytest.raises(NetworkFileError) as info:
        load_network(bad)
    text = "\n".join(info.value.problems)
    for expected in ("nodes[0] (A): field 'kind'", "field 'locode'", "field 'tz'",
                     "field 'names'", "field 'port_declaration_hours'",
                     "services[0] (A→B): field 'to'", "field 'mode'",
                     "field 'duration_hours'", "field 'departures'"):
        assert expected in text
    assert all(p.startswith("bad.toml: ") for p in info.value.problems)
