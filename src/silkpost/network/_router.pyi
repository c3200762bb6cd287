"""Types of the C search (src/silkpost/network/_router.c)."""

from typing_extensions import Buffer

Legs = list[tuple[int, int]]

class Graph:
    def __init__(self, n_nodes: int, n_services: int, n_departures: int, n_windows: int,
                 out_start: Buffer, out_svc: Buffer, svc_from: Buffer, svc_to: Buffer,
                 svc_ride: Buffer, dep_start: Buffer, dep_times: Buffer, win_start: Buffer,
                 win_open: Buffer, win_close: Buffer, horizon_end: int, /) -> None: ...
    def earliest(self, origin: int, destination: int, ready: int, allowed: Buffer,
                 delay: Buffer, lm_from: Buffer, lm_to: Buffer, landmarks: int, /
                 ) -> tuple[int | None, int, Legs]: ...
    def pareto(self, origin: int, destination: int, ready: int, allowed: Buffer,
               delay: Buffer, lm_from: Buffer, lm_to: Buffer, landmarks: int,
               per_kg: Buffer, per_shipment: Buffer, weight_kg: float, latest: int,
               budget: float, /) -> tuple[int, list[tuple[int, float, Legs]]]: ...
    def landmarks(self, allowed: Buffer, count: int, /) -> tuple[bytes, bytes, int]: ...
