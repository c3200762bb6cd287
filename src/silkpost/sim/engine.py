"""The corridor twin: SimPy processes moving parcels over the network's timetables.

Parcels travel in batches (what arrived on one truck, what one office closed into one dispatch),
which is how they move in reality and what keeps 100,000 parcels a day cheap to simulate; each
parcel still gets its own scans. Every scan is an event record, as a partner's file holds them,
handed to ``sink`` — in the simulate use case that is the tracking hub's ingest, which validates
it as any partner's record — so simulated traffic takes the same path as real traffic.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import simpy

from silkpost.domain.acceptance import AcceptanceCheck, Outcome
from silkpost.domain.clearance import clearance_hours
from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent, to_epoch_us
from silkpost.domain.office import Conveyance, ConveyanceMode, HoldReason
from silkpost.network.corridor import Network, Node, Service
from silkpost.network.itinerary import NoRoute
from silkpost.network.service import next_departure, plan
from silkpost.network.workhours import work_starts
from silkpost.office import acceptance, outbound
from silkpost.office import service as office
from silkpost.office.ports import OfficeUnitOfWork
from silkpost.sim.consolidation import dispatch_office, pack
from silkpost.sim.declarations import Declarations, SimulatedCustoms
from silkpost.sim.demand import DemandProfile, ItemIds, Parcel, parcels_for_day
from silkpost.sim.offices import SimulatedLog, SimulatedOfficeWork
from silkpost.sim.scenario import Scenario
from silkpost.tracking.formats import Record

# A SimPy process body: yields events to wait on, returns what the caller needs.
Steps = Generator[simpy.Event, Any, Any]
SOURCE = "silkpost-sim"
# Scans are handed to the hub in batches: within a few simulated hours a parcel has several
# scans, and the read model is upserted once per parcel per batch; each commit also rewrites
# every page the batch touched (the log's hot tail, the whole read model), so larger batches
# store for less. Smaller ones let the writer process start sooner on what the simulation
# (offices included) made: on 5 December, 3 simulated days stored in 92 s at 500k, 103 s at
# 1M, 113 s at 2M, 100 s at 250k; the 7-day run took 256 s at 500k and 257 s at 2M. The
# buffer and its rows take ~250 MB at this size.
FLUSH_AT = 500_000
ITEM = ObjectKind.ITEM.value


@dataclass(slots=True)
class Journey:
    """What the report needs of one parcel."""

    parcel: Parcel
    express: bool
    delivered_h: float | None = None


@dataclass(slots=True)
class Stats:
    """Samples the report is built from."""

    journeys: dict[str, Journey] = field(default_factory=dict)
    dwell: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Per port and regime, each parcel's hours from presented to released (µs apart, as the
    # events say), the figure analytics reads from the log.
    clearance: dict[tuple[str, str], list[float]] = field(
        default_factory=lambda: defaultdict(list))
    delivered_per_day: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    events: int = 0
    declarations: Declarations = field(default_factory=Declarations)


def start_of(scenario: Scenario) -> datetime:
    """When a run starts: midnight, Beijing time, of the scenario's first day (in UTC)."""
    return datetime.combine(scenario.start, time(0), ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def run_hours(scenario: Scenario) -> float:
    """How long a run lasts: its demand and drain days, or up to the scenario's end."""
    if scenario.end is not None:
        return (scenario.end - start_of(scenario)) / timedelta(hours=1)
    return float((scenario.days + scenario.drain_days) * 24)


class CorridorSimulation:
    """One run of a scenario on a network."""

    def __init__(self, network: Network, scenario: Scenario, *,
                 sink: Callable[[list[Record]], None],
                 recorded: Callable[[list[TrackingEvent]], None],
                 office_records: OfficeUnitOfWork,
                 on_hour: Callable[[int], None] | None = None, first_id: int = 0,
                 first_dispatch: int = 0) -> None:
        self.network = network
        self.scenario = scenario
        self.sink = sink
        self.recorded = recorded
        self.office_log = SimulatedLog()
        self.offices = SimulatedOfficeWork(office_records, self.office_log)
        # The sort decision of each item at the office it is at: its next service, or None.
        self.decisions: dict[str, str | None] = {}
        self.first_dispatch = first_dispatch
        self.on_hour = on_hour
        self.env = simpy.Environment()
        self.rng = random.Random(scenario.seed)
        self.t0 = start_of(scenario)
        self.stats = Stats()
        self.buffer: list[Record] = []
        self.routes: dict[tuple[str, str, str, bool, bool, int], Service | None] = {}
        self.trip_load: dict[tuple[str, datetime], float] = {}
        self.busy_until: dict[str, float] = {}
        self.ids = ItemIds(start=first_id, seed=scenario.seed)
        self.customs = SimulatedCustoms(scenario.seed, self.stats.declarations)
        # Parcels not pre-declared: declared when first presented to export customs.
        self.undeclared: set[str] = set()
        # With the acceptance gate: the items whose controls are recorded, and the offices
        # that refuse to dispatch an item without them (every office the run works).
        self.checked: set[str] = set()
        self.gate_offices: frozenset[str] = frozenset(
            code for code, n in network.nodes.items() if runs_office(n)
        ) if scenario.acceptance_gate else frozenset()
        self.countries = {code: n.country for code, n in network.nodes.items()}
        for node in scenario.customs_hours:
            network.node(node)
        for closure in scenario.closures:
            network.node(closure.node)

    # -- time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulated wall clock."""
        return self.t0 + timedelta(hours=self.env.now)

    def hours_at(self, moment: datetime) -> float:
        return (moment - self.t0) / timedelta(hours=1)

    def hours(self) -> float:
        """How long the run lasts (see :func:`run_hours`)."""
        return run_hours(self.scenario)

    # -- events -----------------------------------------------------------------------------
    def scan(self, parcels: list[Parcel], code: str, node: Node, *,
             at: datetime | None = None, payload: Mapping[str, object] | None = None,
             kind: str = ITEM, ids: list[str] | None = None) -> None:
        """One record per parcel (or per id given), at ``node``'s place, in its local time."""
        moment = (at or self.now()).astimezone(node.tz)
        add, position = self.buffer.append, self.stats.events + len(self.buffer)
        locode, office = node.locode, node.code
        for object_id in ids if ids is not None else [p.item_id for p in parcels]:
            position += 1
            record = {"object_kind": kind, "object_id": object_id, "code": code,
                      "occurred_at": moment, "location": locode, "office": office}
            if payload is not None:
                record["payload"] = payload
            add((position, record))
        if len(self.buffer) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered scans to the sink, and the offices' events to theirs."""
        if self.buffer:
            self.stats.events += len(self.buffer)
            self.sink(self.buffer)
            self.buffer = []
        recorded = self.office_log.take()
        if recorded:
            self.stats.events += len(recorded)
            self.recorded(recorded)

    # -- run --------------------------------------------------------------------------------
    def run(self) -> Stats:
        """Simulate the demand days and let the network drain; return the samples."""
        profile = DemandProfile(
            parcels_per_day=self.scenario.parcels_per_day,
            origin_shares=self.scenario.origins,
            destination_shares=self.scenario.destinations,
            battery_share=self.scenario.battery_share,
            regime_shares=self.scenario.regimes,
            predeclared_share=self.scenario.predeclared_share,
        )
        for code in list(profile.origin_shares) + list(profile.destination_shares):
            self.network.node(code)
        self._number_dispatches_after(self.first_dispatch, profile.destination_shares)
        self.env.process(self._demand(profile))
        self.env.process(self._clock())
        self.env.run(until=self.hours())
        self.flush()
        return self.stats

    def _clock(self) -> Steps:
        hour = 0
        while True:
            if self.on_hour is not None:
                self.on_hour(hour)
            yield self.env.timeout(1)
            hour += 1

    def _demand(self, profile: DemandProfile) -> Steps:
        for day in range(self.scenario.days):
            day_start = self.t0 + timedelta(days=day)
            by_hour: dict[tuple[int, str], list[Parcel]] = defaultdict(list)
            for p in parcels_for_day(profile, day_start=day_start, rng=self.rng,
                                     ids=self.ids):
                by_hour[(int(self.hours_at(p.posted_at)) + 1, p.origin)].append(p)
            for (hour, origin), parcels in sorted(by_hour.items()):
                if hour > self.env.now:
                    yield self.env.timeout(hour - self.env.now)
                node = self.network.nodes[origin]
                self.customs.declare([p for p in parcels if p.predeclared], self.countries,
                                     at_port=False)
                self.undeclared.update(p.item_id for p in parcels if not p.predeclared)
                for p in parcels:
                    express = self.rng.random() < self.scenario.air_share and not p.battery
                    self.stats.journeys[p.item_id] = Journey(p, express)
                    self.scan([p], "EMA", node, at=p.posted_at, payload={
                        "destination": p.destination, "weight_kg": p.weight_kg,
                        "declared_value_usd": p.declared_value_usd, "regime": p.regime,
                        "battery": p.battery})
                    self.office_log.posted(p.item_id, p.destination, p.posted_at)
                self.env.process(self._at_node(parcels, node, arrived=False))

    # -- routing ----------------------------------------------------------------------------
    def next_service(self, node: Node, parcel: Parcel, express: bool) -> Service | None:
        """The first service of the earliest itinerary from here (cached per hour of week)."""
        if node.code == parcel.destination:
            return None
        key = (node.code, parcel.destination, parcel.regime, parcel.battery, express,
               int(self.env.now) % 168)
        if key not in self.routes:
            try:
                itinerary = plan(
                    self.network, node.code, parcel.destination, self.now(),
                    regime=parcel.regime, goods=("battery",) if parcel.battery else (),
                    exclude_modes=() if express else ("air",),
                )
                self.routes[key] = itinerary.legs[0].service if itinerary.legs else None
            except NoRoute:
                self.routes[key] = None
        return self.routes[key]

    # -- nodes ------------------------------------------------------------------------------
    def closed_until(self, node: str, hour: float) -> float:
        """The hour a node reopens if it is closed at ``hour``, else ``hour``."""
        for c in self.scenario.closures:
            if c.node == node and c.from_hour <= hour < c.from_hour + c.hours:
                return c.from_hour + c.hours
        return hour

    def customs_mean(self, node: Node, regime: str, *, predeclared: bool = True) -> float:
        """Mean customs hours at ``node``: the scenario's table for the node, if it has one,
        for pre-declared parcels; the network's otherwise (see Node.clearance_hours)."""
        table = self.scenario.customs_hours.get(node.code)
        if table is not None and (predeclared or node.port_declaration_hours is None):
            return table.get(regime, table.get("default", 0.0))
        return node.clearance_hours(regime, predeclared=predeclared)

    def _at_node(self, parcels: list[Parcel], node: Node, *, arrived: bool = True) -> Steps:
        env = self.env
        arrival_h = env.now
        at_office = arrived and runs_office(node)
        if arrived and not at_office:
            by_code: dict[str, list[Parcel]] = defaultdict(list)
            for p in parcels:
                by_code[_arrival_code(node, p)].append(p)
            for code, group in by_code.items():
                self.scan(group, code, node)
        reopen = max(self.closed_until(node.code, env.now),
                     self.hours_at(work_starts(node, self.now())))
        if reopen > env.now:
            yield env.timeout(reopen - env.now)
        # A fluid queue: the office works through batches at its daily capacity.
        rate = (node.capacity_per_day or 1_000_000) / 16.0
        start = max(env.now, self.busy_until.get(node.code, 0.0))
        finish = start + len(parcels) / rate
        self.busy_until[node.code] = finish
        if at_office:  # scanned in and sorted when the office gets to them
            if start > env.now:
                yield env.timeout(start - env.now)
            self._decide(office.scan_items(
                node.code, [office.ItemIn(p.item_id, handling=self._handling(p))
                            for p in parcels], **self._at(node)))
            if self.gate_offices:
                self._accept(parcels, node)
        yield env.timeout(finish - env.now + node.handling_hours)
        at_destination = [p for p in parcels if p.destination == node.code]
        onward = [p for p in parcels if p.destination != node.code]
        # Customs clears each regime's parcels on its own (its own times).
        for group in _by_regime(at_destination):
            env.process(self._deliver(group, node))
        for group in _by_regime(onward):
            # Transit through a partner's office travels under customs seal: no clearance there.
            transit = node.kind == "partner_post_office"
            first = group[0]
            mean = 0.0 if transit else self.customs_mean(node, first.regime,
                                                         predeclared=first.predeclared)
            if mean > 0:
                env.process(self._customs(group, node, mean, export=True))
            else:
                self._route_onward(group, node, arrival_h)

    def _customs(self, parcels: list[Parcel], node: Node, mean: float, *, export: bool) -> Steps:
        env = self.env
        at_office = runs_office(node)
        if export:
            self._declare_late(parcels)
        if at_office:
            office.present_items(node.code, [p.item_id for p in parcels], **self._at(node))
        else:
            self.scan(parcels, "EXA" if export else "EDB", node)
        start = env.now
        presented = self.now()
        hours = mean * self.rng.lognormvariate(-0.045, 0.3)
        yield env.timeout(hours)
        share = self.scenario.inspection_share
        flags = [self.rng.random() < share for _ in parcels]
        held = [p for p, f in zip(parcels, flags, strict=True) if f]
        cleared = [p for p, f in zip(parcels, flags, strict=True) if not f]
        if at_office:
            if held:
                office.hold_items(node.code, [p.item_id for p in held], HoldReason.CUSTOMS,
                                  note="selected for inspection", **self._at(node))
            self._release(cleared, node)
        else:
            self.scan(cleared, "EXC" if export else "EDC", node)
        self._cleared(cleared, node, presented)
        if export:
            self._route_onward(cleared, node, start)
        if held:
            env.process(self._inspection(held, node, export, presented))
        return cleared

    def _declare_late(self, parcels: list[Parcel]) -> None:
        """Declare the parcels not pre-declared, when first presented to export customs or,
        where the route meets none (a rail port), when handed over at the border."""
        if self.undeclared:
            late = [p for p in parcels if p.item_id in self.undeclared]
            if late:
                self.customs.declare(late, self.countries, at_port=True)
                self.undeclared.difference_update(p.item_id for p in late)

    def _cleared(self, parcels: list[Parcel], node: Node, presented: datetime) -> None:
        """Samples of the clearance time (:mod:`silkpost.domain.clearance`) of ``parcels``."""
        if parcels:
            hours = clearance_hours(to_epoch_us(presented), to_epoch_us(self.now()))
            self.stats.clearance[(node.code, parcels[0].regime)].extend(
                [hours] * len(parcels))

    def _inspection(self, parcels: list[Parcel], node: Node, export: bool,
                    presented: datetime) -> Steps:
        at_office = runs_office(node)
        if not at_office:
            self.scan(parcels, "EXB" if export else "EME", node)
        yield self.env.timeout(self.rng.uniform(12, 36))
        if at_office:
            self._release(parcels, node)
        else:
            self.scan(parcels, "EXC" if export else "EDC", node)
        self._cleared(parcels, node, presented)
        if export:
            self._route_onward(parcels, node, self.env.now)
        else:
            self.env.process(self._last_mile(parcels, node))

    def _route_onward(self, parcels: list[Parcel], node: Node, arrival_h: float) -> None:
        groups: dict[str, list[Parcel]] = defaultdict(list)
        journeys = self.stats.journeys
        at_office = runs_office(node)
        by_id = {s.id: s for s in self.network.outgoing[node.code]}
        for p in parcels:
            if at_office:  # the office's sort decision
                sid = self.decisions.pop(p.item_id, None)
                service = None if sid is None else by_id.get(sid)
            else:
                service = self.next_service(node, p, journeys[p.item_id].express)
            if service is not None and self._left_before(service.destination, p.item_id):
                # The office keeps one visit per item: no plan back into an office the parcel
                # has left (a flight back through Urumqi, after a long hold at a road port).
                service = self.next_service(node, p, express=False)
                if service is not None and self._left_before(service.destination, p.item_id):
                    service = None
            if service is None:
                self.scan([p], "EXD", node)
                continue
            groups[service.id].append(p)
        for sid, group in groups.items():
            self.env.process(self._ride(group, by_id[sid], node, arrival_h))

    # -- the offices of exchange Silkpost runs -------------------------------------------------
    def _left_before(self, code: str, item_id: str) -> bool:
        """Whether the parcel has been through the office ``code`` already."""
        if not runs_office(self.network.nodes[code]):
            return False
        with self.offices as uow:
            return uow.office.item(code, item_id) is not None

    def _at(self, node: Node, at: datetime | None = None) -> dict[str, Any]:
        """The arguments every office action of the run takes."""
        return {"at": (at or self.now()).astimezone(node.tz), "source": SOURCE,
                "network": self.network, "uow": self.offices, "clock": self}

    def _accept(self, parcels: list[Parcel], node: Node) -> None:
        """Acceptance security's controls of the items not checked yet, one batch through
        the office's own function (all clear: the run has no suspect parcels)."""
        new = [p.item_id for p in parcels if p.item_id not in self.checked]
        if new:
            acceptance.record_checks(
                node.code, [AcceptanceCheck(i, content=Outcome.CLEAR, xray=Outcome.CLEAR)
                            for i in new], operator=SOURCE, **self._at(node))
            self.checked.update(new)

    def _handling(self, parcel: Parcel) -> office.Handling:
        express = self.stats.journeys[parcel.item_id].express
        return office.Handling(regime=parcel.regime,
                               goods=("battery",) if parcel.battery else (),
                               exclude_modes=() if express else ("air",))

    def _decide(self, answers: list[office.ItemScan]) -> None:
        for answer in answers:
            item = answer.item
            self.decisions[item.item_id] = item.service_id if item.state == "sorted" else None

    def _release(self, parcels: list[Parcel], node: Node) -> None:
        if parcels:
            self._decide(office.release_items(
                node.code, [office.ItemIn(p.item_id, handling=self._handling(p))
                            for p in parcels], **self._at(node)))

    def _number_dispatches_after(self, serial: int, destinations: Mapping[str, float]) -> None:
        """Start the offices' dispatch numbering past ``serial`` (see sim.service)."""
        if serial == 0:
            return
        years = {self.t0.year, (self.t0 + timedelta(hours=self.hours())).year}
        with self.offices as uow:
            for node in self.network.nodes.values():
                if not makes_dispatches(node):
                    continue
                for dest in {dispatch_office(d, self.network) for d in destinations}:
                    for year in years:
                        uow.office.set_counter(node.code, dest, "C", year, serial % 9000)
            uow.commit()

    def _dispatch(self, parcels: list[Parcel], service: Service, node: Node,
                  departs: datetime) -> None:
        """At departure: the items bagged per destination office, the bags closed into a
        dispatch each, the dispatches closed and handed to the conveyance."""
        at = self._at(node, departs)
        reference = f"{service.id} {departs:%Y%m%d%H%M}"[-32:].strip(" ./-")
        conveyance = Conveyance(ConveyanceMode(service.mode), reference, service.id)
        by_office: dict[str, list[Parcel]] = defaultdict(list)
        for p in parcels:
            by_office[dispatch_office(p.destination, self.network)].append(p)
        for destination, group in by_office.items():
            bags = pack([(p.item_id, p.weight_kg) for p in group])
            dispatches: list[str] = []
            for n, bag in enumerate(bags, start=1):
                opened = outbound.start_bag(node.code, destination, at=at["at"],
                                            network=self.network, uow=self.offices, clock=self)
                outbound.put_items_in_bag(node.code, opened.bag_id, [i for i, _ in bag], **at)
                closed = outbound.close_bag(
                    node.code, opened.bag_id,
                    weight_kg=min(round(sum(w for _, w in bag) + 0.4, 1), 999.9),
                    last=n == len(bags), gate_offices=self.gate_offices, **at)
                if closed.dispatch.dispatch_id not in dispatches:
                    dispatches.append(closed.dispatch.dispatch_id)
            for dispatch in dispatches:
                outbound.close_dispatch(node.code, dispatch, gate_offices=self.gate_offices,
                                        **at)
                outbound.hand_over(node.code, dispatch, conveyance, **at)

    def _ride(self, parcels: list[Parcel], service: Service, node: Node, arrival_h: float) -> Steps:
        env = self.env
        waiting = sorted(parcels, key=lambda p: p.posted_at)
        ready = self.now()
        while waiting:
            departs = next_departure(self.network, service, ready)
            if departs is None:
                self.scan(waiting, "EXD", node)
                return
            reopen = self.closed_until(node.code, self.hours_at(departs))
            reopen = self.closed_until(service.destination, reopen)
            if reopen > self.hours_at(departs):
                ready = self.t0 + timedelta(hours=reopen)
                continue
            key = (service.id, departs)
            room = service.capacity_kg - self.trip_load.get(key, 0.0)
            loaded: list[Parcel] = []
            while waiting and waiting[0].weight_kg <= room:
                p = waiting.pop(0)
                room -= p.weight_kg
                loaded.append(p)
            self.trip_load[key] = service.capacity_kg - room
            if loaded:
                env.process(self._travel(loaded, service, node, departs, arrival_h))
            ready = departs + timedelta(minutes=1)
        yield env.timeout(0)

    def _travel(self, parcels: list[Parcel], service: Service, node: Node, departs: datetime,
                arrival_h: float) -> Steps:
        env = self.env
        wait = self.hours_at(departs) - env.now
        if wait > 0:
            yield env.timeout(wait)
        dwell = self.stats.dwell[node.code]
        if len(dwell) < 200_000:
            dwell.extend([env.now - arrival_h] * len(parcels))
        dest = self.network.nodes[service.destination]
        conveyance = {"conveyance_id": f"{service.id}-{departs:%Y%m%d%H%M}", "mode": service.mode}
        if service.crosses_border and node.country == "CN":
            self._declare_late(parcels)  # a rail port clears what it hands over
            self.scan(parcels, "SHO", node, payload={"operator": service.operator})
        if makes_dispatches(node):
            self._dispatch(parcels, service, node, departs)
        else:
            self.scan(parcels, "EMC" if runs_office(node) else "SDP", node,
                      payload=conveyance)
        ride = service.duration_hours
        if self.rng.random() < self.scenario.breakdown_share:
            ride += self.rng.uniform(6, 24)
            self.scan([], "SXD", node, kind=ObjectKind.CONVEYANCE.value,
                      ids=[conveyance["conveyance_id"]], payload={"reason": "vehicle breakdown"})
        yield env.timeout(ride + service.border_dwell_hours)
        if service.crosses_border:
            self.scan(parcels, "SBX", dest)
        if service.gauge_break_hours:
            yield env.timeout(service.gauge_break_hours)
            self.scan(parcels, "SGT", dest)
        env.process(self._at_node(parcels, dest))

    def _deliver(self, parcels: list[Parcel], node: Node) -> Steps:
        mean = self.customs_mean(node, parcels[0].regime)  # import: no port declaration
        if mean > 0:
            cleared = yield from self._customs(parcels, node, mean, export=False)
        else:
            cleared = parcels
        yield from self._last_mile(cleared, node)

    def _last_mile(self, parcels: list[Parcel], node: Node) -> Steps:
        env = self.env
        self.scan(parcels, "EMF", node)
        yield env.timeout(self.rng.uniform(3, 10))
        self.scan(parcels, "EMG", node)
        local = self.now().astimezone(node.tz)
        morning = datetime.combine(local.date() + timedelta(days=1), time(9), node.tz)
        yield env.timeout(max(0.0, self.hours_at(morning) - env.now))
        self.scan(parcels, "EDG", node)
        yield env.timeout(self.rng.uniform(1, 8))
        share = self.scenario.failed_delivery_share
        flags = [self.rng.random() < share for _ in parcels]
        failed = [p for p, f in zip(parcels, flags, strict=True) if f]
        done = [p for p, f in zip(parcels, flags, strict=True) if not f]
        self._delivered(done, node)
        if failed:
            self.scan(failed, "EMH", node)
            yield env.timeout(24)
            self.scan(failed, "EDG", node)
            yield env.timeout(self.rng.uniform(1, 8))
            self._delivered(failed, node)

    def _delivered(self, parcels: list[Parcel], node: Node) -> None:
        self.scan(parcels, "EMI", node)
        day = int(self.env.now // 24)
        self.stats.delivered_per_day[day] += len(parcels)
        journeys = self.stats.journeys
        for p in parcels:
            journeys[p.item_id].delivered_h = self.env.now


def runs_office(node: Node) -> bool:
    """Whether the simulated parcels pass ``node`` through Silkpost's office functions (taken
    in and sorted, presented to customs, held, released): the Chinese offices and stations of
    exchange (the partners' offices are the partners' systems, whose scans the simulator
    sends as theirs)."""
    return node.kind in ("exchange_office", "exchange_station") and node.country == "CN"


def makes_dispatches(node: Node) -> bool:
    """Whether ``node`` closes its parcels into dispatches of its own as they leave: an
    office of exchange, whose code is an IMPC code an S8 dispatch id can carry (the exchange
    station forwards the dispatches it received)."""
    return node.kind == "exchange_office" and node.country == "CN"


def _by_regime(parcels: list[Parcel]) -> list[list[Parcel]]:
    """Customs works each regime's parcels on its own, the pre-declared apart."""
    groups: dict[tuple[str, bool], list[Parcel]] = defaultdict(list)
    for p in parcels:
        groups[(p.regime, p.predeclared)].append(p)
    return list(groups.values())


def _arrival_code(node: Node, parcel: Parcel) -> str:
    if node.code == parcel.destination:
        return "EMD"
    if node.kind == "exchange_office" and node.country == "CN":
        return "EMB"
    if node.kind == "partner_post_office":
        return "EMJ"
    return "SAR"
