"""The corridor model and its TOML file format (documented in docs/network.md).

Nodes are warehouses, offices of exchange, exchange stations, border ports, rail terminals,
airports and partner post offices; services are scheduled trucks, trains and flights between
two nodes on a weekly timetable in the departure node's local time. Every problem in a file is
reported with the file, the entry and the field, all at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from silkpost.domain.locations import validate_locode
from silkpost.errors import InvalidRequest
from silkpost.network.nearest import nearest_codes

NODE_KINDS = ("warehouse", "exchange_office", "exchange_station", "border_port", "bonded_zone",
              "airport", "rail_terminal", "partner_post_office")
MODES = ("truck", "rail", "air")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Costs are added up leg by leg, so a network states them in one currency (ISO 4217).
DEFAULT_CURRENCY = "USD"


class NetworkFileError(InvalidRequest):
    """A network file with problems; ``problems`` lists every one."""

    code = "network.invalid_file"
    title = "Invalid network file"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:10]) + (" …" if len(problems) > 10 else ""),
                         field="file")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Node:
    """A place parcels are handled at."""

    code: str
    kind: str
    country: str
    locode: str
    lat: float
    lon: float
    tz: ZoneInfo
    names: Mapping[str, str]
    handling_hours: float = 2.0
    min_connection_hours: float = 1.0
    customs_hours: Mapping[str, float] = field(default_factory=dict)
    # Hours at this port for a parcel declared only when it arrives (None: the same as a
    # pre-declared one). The plans assume pre-declared parcels, as the seeds' 5 h does.
    port_declaration_hours: float | None = None
    capacity_per_day: int | None = None
    cutoff_minute: int | None = None  # local time of day after which work waits for tomorrow
    opens_minute: int = 0  # local time of day work starts

    def customs_for(self, regime: str | None) -> float:
        """Customs hours for a regime here (the node's 'default' when the regime is not listed)."""
        if regime is None:
            return 0.0
        return self.customs_hours.get(regime, self.customs_hours.get("default", 0.0))

    def clearance_hours(self, regime: str, *, predeclared: bool) -> float:
        """Mean customs hours here for a parcel of ``regime``: a parcel declared only on
        arrival takes the port's declaration hours, where the port has them."""
        if not predeclared and self.port_declaration_hours is not None:
            return self.port_declaration_hours
        return self.customs_for(regime)

    def ready_delay(self, regime: str | None) -> timedelta:
        """From the start of work to ready to leave: handling (at least the minimum
        connection) and the customs time of ``regime``."""
        return timedelta(hours=max(self.handling_hours, self.min_connection_hours)
                         + self.customs_for(regime))


@dataclass(frozen=True, slots=True)
class Departure:
    """A weekly departure: day of week (0 = Monday) and minutes after local midnight."""

    weekday: int
    minute: int


@dataclass(frozen=True, slots=True)
class Service:
    """A scheduled conveyance between two nodes."""

    id: str
    origin: str
    destination: str
    mode: str
    operator: str
    departures: tuple[Departure, ...]
    duration_hours: float
    cost_per_kg: float
    cost_per_shipment: float
    capacity_kg: float
    currency: str = DEFAULT_CURRENCY
    forbids: frozenset[str] = frozenset()
    border_dwell_hours: float = 0.0
    gauge_break_hours: float = 0.0
    crosses_border: bool = False

    @property
    def ride(self) -> timedelta:
        """From departure to arrival at the next node: the ride, border dwell and any gauge
        transshipment."""
        return timedelta(hours=self.duration_hours + self.border_dwell_hours
                         + self.gauge_break_hours)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Network:
    """Nodes by code and services, with the services leaving each node."""

    name: str
    nodes: Mapping[str, Node]
    services: tuple[Service, ...]
    outgoing: Mapping[str, tuple[Service, ...]]
    # Days door to door promised per lane "ORIGIN>DESTINATION" (J+n), "default" for the rest:
    # what on-time shares in analytics are measured against.
    promises_days: Mapping[str, float] = field(default_factory=dict)
    # The currency of every service's costs, and so of a plan's cost (ISO 4217).
    currency: str = DEFAULT_CURRENCY

    def node(self, code: str, *, field: str = "node") -> Node:
        """The node with this code, or an error naming ``field``, the code and the nodes
        nearest to it (by code or by name in any language): the one "unknown node" answer of
        every command and route."""
        try:
            return self.nodes[code]
        except KeyError:
            pass
        near = nearest_codes(code, {c: n.names.values() for c, n in self.nodes.items()})
        hint = ("; did you mean " + ", ".join(
            f"{c} ({self.nodes[c].names.get('en', c)})" for c in near) + "?") if near else ""
        raise UnknownNode(f"no node {code!r} in network {self.name}{hint} "
                          "(the list: silkpost network nodes, GET /api/v1/network)",
                          field=field, suggestions=near)

    @property
    def goods_flags(self) -> tuple[str, ...]:
        """The goods flags this network knows: those some service refuses to carry."""
        return tuple(sorted({flag for s in self.services for flag in s.forbids}))


class UnknownNode(InvalidRequest):
    """A node code the network does not have."""

    code = "network.unknown_node"
    title = "Unknown node"

    def __init__(self, detail: str, *, field: str | None = None,
                 suggestions: list[str] | None = None) -> None:
        super().__init__(detail, field=field)
        self.suggestions = suggestions or []


def default_network_path() -> Path:
    """The Xinjiang corridors shipped in the package, so an installed Silkpost has a network."""
    return Path(str(files("silkpost.network").joinpath("corridors", "xinjiang.toml")))


def load_network(path: Path) -> Network:
    """Read and check a network file; raise NetworkFileError listing every problem."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise NetworkFileError([f"{path.name}: {exc}"]) from None
    problems: list[str] = []
    nodes: dict[str, Node] = {}
    for i, raw in enumerate(doc.get("nodes", [])):
        node = _node(raw, f"{path.name}: nodes[{i}] ({raw.get('code', '?')})", problems)
        if node is not None:
            if node.code in nodes:
                problems.append(f"{path.name}: nodes[{i}]: field 'code': {node.code} twice")
            nodes[node.code] = node
    currency = doc.get("currency", DEFAULT_CURRENCY)
    if not _is_currency(currency):
        problems.append(f"{path.name}: currency: {currency!r} is not an ISO 4217 code like USD")
        currency = DEFAULT_CURRENCY
    services: list[Service] = []
    for i, raw in enumerate(doc.get("services", [])):
        where = (f"{path.name}: services[{i}] ({raw.get('from', '?')}→{raw.get('to', '?')})")
        service = _service(raw, where, nodes, currency, problems)
        if service is not None:
            services.append(service)
    if not nodes:
        problems.append(f"{path.name}: no [[nodes]]")
    promises = _promises(doc.get("promises_days", {}), path.name, nodes, problems)
    if problems:
        raise NetworkFileError(problems)
    outgoing: dict[str, list[Service]] = {c: [] for c in nodes}
    for s in services:
        outgoing[s.origin].append(s)
    return Network(name=str(doc.get("name", path.stem)), nodes=nodes, services=tuple(services),
                   outgoing={k: tuple(v) for k, v in outgoing.items()}, promises_days=promises,
                   currency=currency)


def _is_currency(value: Any) -> bool:
    """Whether ``value`` is shaped like an ISO 4217 code (three capital letters)."""
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper() \
        and value.isalpha()


def _promises(raw: Any, where: str, nodes: Mapping[str, Node], problems: list[str]
              ) -> dict[str, float]:
    """Lane promises: keys "ORIGIN>DESTINATION" of known nodes (or "default"), days > 0."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: promises_days: must be a table of lane = days")
        return {}
    out: dict[str, float] = {}
    for lane, days in raw.items():
        ends = lane.split(">")
        if lane != "default" and (len(ends) != 2 or any(e not in nodes for e in ends)):
            problems.append(f"{where}: promises_days: lane {lane!r}: not ORIGIN>DESTINATION "
                            "of two nodes of this network")
        elif isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
            problems.append(f"{where}: promises_days: lane {lane!r}: days must be a number > 0")
        else:
            out[lane] = float(days)
    return out


def _need(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str,
          problems: list[str]) -> Any:
    value = raw.get(key)
    if value is None:
        problems.append(f"{where}: field '{key}': required")
    elif not isinstance(value, kind) or isinstance(value, bool):
        problems.append(f"{where}: field '{key}': wrong type {type(value).__name__}")
    else:
        return value
    return None


def _node(raw: Mapping[str, Any], where: str, problems: list[str]) -> Node | None:
    before = len(problems)
    code = _need(raw, "code", str, where, problems)
    kind = _need(raw, "kind", str, where, problems)
    locode = _need(raw, "locode", str, where, problems)
    lat = _need(raw, "lat", (int, float), where, problems)
    lon = _need(raw, "lon", (int, float), where, problems)
    tzname = _need(raw, "tz", str, where, problems)
    names = _need(raw, "names", dict, where, problems)
    if kind is not None and kind not in NODE_KINDS:
        problems.append(f"{where}: field 'kind': {kind!r} is not one of {', '.join(NODE_KINDS)}")
    if locode is not None:
        try:
            validate_locode(locode)
        except ValueError as exc:
            problems.append(f"{where}: field 'locode': {exc}")
    if names is not None and not {"en", "zh", "ru"} <= set(names):
        problems.append(f"{where}: field 'names': needs en, zh and ru")
    tz = None
    if tzname is not None:
        try:
            tz = ZoneInfo(tzname)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{where}: field 'tz': unknown time zone {tzname!r}")
    for key in ("handling_hours", "min_connection_hours"):
        if key in raw and (not isinstance(raw[key], int | float) or raw[key] < 0):
            problems.append(f"{where}: field '{key}': must be a number ≥ 0")
    customs = raw.get("customs_hours", {})
    if not isinstance(customs, dict) or any(
            not isinstance(v, int | float) or v < 0 for v in customs.values()):
        problems.append(f"{where}: field 'customs_hours': a table of regime = hours ≥ 0")
        customs = {}
    declared_at_port = raw.get("port_declaration_hours")
    if declared_at_port is not None and (not isinstance(declared_at_port, int | float)
                                         or isinstance(declared_at_port, bool)
                                         or declared_at_port < 0):
        problems.append(f"{where}: field 'port_declaration_hours': must be a number ≥ 0")
    if len(problems) > before or tz is None:
        return None
    return Node(code=code, kind=kind, country=locode[:2], locode=locode, lat=float(lat),
                lon=float(lon), tz=tz, names=names,
                handling_hours=float(raw.get("handling_hours", 2.0)),
                min_connection_hours=float(raw.get("min_connection_hours", 1.0)),
                customs_hours={str(k): float(v) for k, v in customs.items()},
                port_declaration_hours=(None if declared_at_port is None
                                        else float(declared_at_port)),
                capacity_per_day=raw.get("capacity_per_day"),
                cutoff_minute=_clock_minute(raw.get("cutoff"), "cutoff", where, problems),
                opens_minute=_clock_minute(raw.get("opens"), "opens", where, problems) or 0)


def _clock_minute(value: Any, key: str, where: str, problems: list[str]) -> int | None:
    """'HH:MM' as minutes after midnight (None when absent)."""
    if value is None:
        return None
    try:
        hours, minutes = (int(x) for x in str(value).split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        problems.append(f"{where}: field '{key}': {value!r} is not a time 'HH:MM'")
        return None
    return hours * 60 + minutes


def _departures(values: Any, where: str, problems: list[str]) -> tuple[Departure, ...]:
    out = []
    if not isinstance(values, list) or not values:
        problems.append(f"{where}: field 'departures': a list like ['daily 18:00', 'mon 10:00']")
        return ()
    for text in values:
        try:
            day, hhmm = str(text).lower().split()
            hours, minutes = (int(x) for x in hhmm.split(":"))
            if not (0 <= hours < 24 and 0 <= minutes < 60):
                raise ValueError
            days = range(7) if day == "daily" else [DAYS.index(day)]
        except ValueError:
            problems.append(f"{where}: field 'departures': {text!r} is not 'daily HH:MM' or "
                            "'mon HH:MM'")
            continue
        out += [Departure(d, hours * 60 + minutes) for d in days]
    return tuple(sorted(set(out), key=lambda d: (d.weekday, d.minute)))


def _service(raw: Mapping[str, Any], where: str, nodes: Mapping[str, Node], currency: str,
             problems: list[str]) -> Service | None:
    before = len(problems)
    sid = _need(raw, "id", str, where, problems)
    origin = _need(raw, "from", str, where, problems)
    destination = _need(raw, "to", str, where, problems)
    mode = _need(raw, "mode", str, where, problems)
    duration = _need(raw, "duration_hours", (int, float), where, problems)
    for key, value in (("from", origin), ("to", destination)):
        if value is not None and value not in nodes:
            problems.append(f"{where}: field '{key}': no node {value!r}")
    if mode is not None and mode not in MODES:
        problems.append(f"{where}: field 'mode': {mode!r} is not one of {', '.join(MODES)}")
    if duration is not None and duration <= 0:
        problems.append(f"{where}: field 'duration_hours': must be positive")
    departures = _departures(raw.get("departures"), where, problems)
    numbers = {}
    for key, default in (("cost_per_kg", 0.0), ("cost_per_shipment", 0.0),
                         ("capacity_kg", 20_000.0), ("border_dwell_hours", 0.0),
                         ("gauge_break_hours", 0.0)):
        value = raw.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.append(f"{where}: field '{key}': must be a number ≥ 0")
        numbers[key] = float(value) if isinstance(value, int | float) else default
    if raw.get("currency", currency) != currency:
        problems.append(f"{where}: field 'currency': {raw['currency']!r} is not the network's "
                        f"currency {currency}; a plan adds costs leg by leg, so state them in "
                        "one currency")
    if len(problems) > before:
        return None
    return Service(id=sid, origin=origin, destination=destination, mode=mode,
                   operator=str(raw.get("operator", "")), departures=departures,
                   currency=currency,
                   duration_hours=float(duration), forbids=frozenset(raw.get("forbids", [])),
                   crosses_border=nodes[origin].country != nodes[destination].country,
                   **numbers)
