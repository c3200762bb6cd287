"""A picture of the network as SVG: nodes at their coordinates, services as lines by mode.

Plain string building (an equirectangular projection of the corridor's bounding box), so the
CLI and the dashboard can draw it without a plotting library or a map server.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from silkpost.network.corridor import Network

MODE_COLOURS = {"truck": "#d97706", "rail": "#2563eb", "air": "#16a34a"}


def network_svg(network: Network, *, width: int = 960, height: int = 560,
                flows: dict[str, float] | None = None,
                lon_window: tuple[float, float] | None = (66.0, 92.0)) -> str:
    """The SVG document; ``flows`` (service id → parcels) thickens the lines.

    Nodes outside ``lon_window`` (Moscow and the Polish border far west, the consolidation
    warehouses in Guangdong and Zhejiang far east) are pinned to the edge and marked ◀ / ▶,
    so the Xinjiang hub, its ports and Central Asia keep the room.
    """
    west, east = lon_window or (-180.0, 180.0)
    far = {c: ("◀ " if n.lon < west else "▶ ") for c, n in network.nodes.items()
           if not west <= n.lon <= east}
    lats = [n.lat for n in network.nodes.values()]
    near = [n.lon for c, n in network.nodes.items() if c not in far]
    lons = near + [west if mark == "◀ " else east for mark in far.values()]
    pad = 40
    span_lon = max(lons) - min(lons) or 1.0
    span_lat = max(lats) - min(lats) or 1.0

    def xy(lat: float, lon: float) -> tuple[float, float]:
        lon = min(max(lon, min(lons)), max(lons))
        x = pad + (lon - min(lons)) / span_lon * (width - 2 * pad)
        y = pad + (max(lats) - lat) / span_lat * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    top = max((flows or {}).values(), default=0.0) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(network.name)} network">',
             '<rect width="100%" height="100%" fill="#f8fafc"/>']
    for s in network.services:
        a, b = network.nodes[s.origin], network.nodes[s.destination]
        (x1, y1), (x2, y2) = xy(a.lat, a.lon), xy(b.lat, b.lon)
        parcels = (flows or {}).get(s.id, 0.0)
        w = 1.5 + 6 * parcels / top
        dash = ' stroke-dasharray="6 4"' if s.mode == "air" else ""
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
                     f'stroke="{MODE_COLOURS[s.mode]}" stroke-width="{w:.1f}"{dash} '
                     f'opacity="0.8" data-service="{escape(s.id)}" data-parcels="{parcels:g}">'
                     f'<title>{escape(s.id)} {s.mode} {s.duration_hours:g} h'
                     f'{f" · {parcels:,.0f} parcels" if flows else ""}</title></line>')
    placed: list[tuple[float, float]] = []
    for code, n in network.nodes.items():
        x, y = xy(n.lat, n.lon)
        label = far.get(code, "") + code
        ly = y - 6
        while any(abs(px - x) < 60 and abs(py - ly) < 11 for px, py in placed):
            ly += 12  # nodes of one city (Urumqi's office, airport, rail yard) stack their names
        placed.append((x, ly))
        anchor = ' text-anchor="end"' if x > width - 120 else ""
        lx = x - 7 if anchor else x + 7
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="#0f172a"><title>'
                     f'{escape(n.names.get("en", code))}</title></circle>')
        parts.append(f'<text x="{lx}" y="{ly}" font-size="11"{anchor} '
                     f'font-family="sans-serif" fill="#0f172a">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def flows_by_service(network: Network,
                     flows: Iterable[tuple[str, str, str | None, int]]) -> dict[str, float]:
    """Parcels per service id from (origin, destination, mode, parcels) between places.

    Scans say where a parcel was, not which timetable carried it: a flow is put on the
    services joining the two places by that mode (any mode when unknown), shared equally
    when several do. Flows between places no service joins are left out of the picture.
    """
    out: dict[str, float] = {}
    for origin, destination, mode, parcels in flows:
        joining = [s for s in network.outgoing.get(origin, ())
                   if s.destination == destination and (mode is None or s.mode == mode)]
        for s in joining:
            out[s.id] = out.get(s.id, 0.0) + parcels / len(joining)
    return out
