"""A picture of the network as SVG: nodes at their coordinates, services as lines by mode.

Plain string building (an equirectangular projection of the corridor's bounding box), so the
CLI and the dashboard can draw it without a plotting library or a map server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape

from silkpost.network.corridor import Network, Service
from silkpost.textfit import fit, text_width

MODE_COLOURS = {"truck": "#d97706", "rail": "#2563eb", "air": "#16a34a"}


Box = tuple[float, float, float, float]  # x0, y0, x1, y1
FONT_PX = 11
def _meets(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(x: float, y: float, w: float, taken: list[Box], width: int, height: int
           ) -> tuple[float, float, str] | None:
    """Where a label of width ``w`` goes by its node at (x, y): the first of the positions
    around it (right, left, above, below, then further out) that meets no label or node
    already placed and stays inside the picture; None when none does."""
    h = FONT_PX + 3
    for reach in (0, 14, 28, 42, 56):
        for dx, dy, anchor in ((8, 4, "start"), (-8, 4, "end"), (0, -9 - reach, "middle"),
                               (0, 16 + reach, "middle"), (8, -8 - reach, "start"),
                               (8, 16 + reach, "start"), (-8, -8 - reach, "end"),
                               (-8, 16 + reach, "end")):
            if reach and anchor != "middle" and dx in (8, -8) and dy == 4:
                continue
            x0 = {"start": x + dx, "end": x + dx - w, "middle": x - w / 2}[anchor]
            box = (x0, y + dy - FONT_PX, x0 + w, y + dy - FONT_PX + h)
            inside = box[0] >= 2 and box[1] >= 2 and box[2] <= width - 2 and box[3] <= height - 2
            if inside and not any(_meets(box, t) for t in taken):
                taken.append(box)
                return {"start": x + dx, "end": x + dx, "middle": x}[anchor], y + dy, anchor
    return None


def network_svg(network: Network, *, width: int = 960, height: int = 560,
                flows: dict[str, float] | None = None,
                lon_window: tuple[float, float] | None = (66.0, 92.0),
                names: Mapping[str, str] | None = None,
                legend: Mapping[str, str] | None = None,
                titles: Mapping[str, str] | None = None,
                describe: Callable[[Service, float | None], str] | None = None) -> str:
    """The SVG document; ``flows`` (service id → parcels) thickens the lines.

    Nodes outside ``lon_window`` (Moscow and the Polish border far west, the consolidation
    warehouses in Guangdong and Zhejiang far east) are pinned to the edge and marked ◀ / ▶,
    so the Xinjiang hub, its ports and Central Asia keep the room. ``names`` gives each node's
    label (its code otherwise); labels are placed so that no two meet, each by its node. A
    ``legend`` (the words for truck, rail, air, "line width: parcels") adds a key below.
    ``titles`` (node → whole name) and ``describe(service, parcels)`` write the hover texts in
    the reader's language and number format (the dashboard's); without them, English.
    """
    west, east = lon_window or (-180.0, 180.0)
    far = {c: ("◀ " if n.lon < west else "▶ ") for c, n in network.nodes.items()
           if not west <= n.lon <= east}
    lats = [n.lat for n in network.nodes.values()]
    near = [n.lon for c, n in network.nodes.items() if c not in far]
    lons = near + [west if mark == "◀ " else east for mark in far.values()]
    pad = 48
    key_h = 30 if legend else 0
    span_lon = max(lons) - min(lons) or 1.0
    span_lat = max(lats) - min(lats) or 1.0

    def xy(lat: float, lon: float) -> tuple[float, float]:
        lon = min(max(lon, min(lons)), max(lons))
        x = pad + (lon - min(lons)) / span_lon * (width - 2 * pad)
        y = pad + (max(lats) - lat) / span_lat * (height - key_h - 2 * pad)
        return round(x, 1), round(y, 1)

    top = max((flows or {}).values(), default=0.0) or 1.0
    tell = describe or _describe
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(network.name)} network" class="network">',
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
                     f'<title>{escape(tell(s, parcels if flows else None))}</title></line>')
    points = {code: xy(n.lat, n.lon) for code, n in network.nodes.items()}
    taken: list[Box] = [(x - 5, y - 5, x + 5, y + 5) for x, y in points.values()]
    for code, (x, y) in points.items():
        whole = (titles or {}).get(code) or network.nodes[code].names.get("en", code)
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="#0f172a"><title>'
                     f'{escape(whole)} ({escape(code)})</title></circle>')
    # The busiest part of the map first, so its labels get the nearest places.
    for code in sorted(points, key=lambda c: (points[c][0], points[c][1])):
        x, y = points[code]
        whole = (titles or {}).get(code) or network.nodes[code].names.get("en", code)
        label = far.get(code, "") + ((names or {}).get(code) or code)
        label = fit(label, 170, FONT_PX)
        spot = _place(x, y, text_width(label, FONT_PX), taken, width, height - key_h)
        if spot is None:
            continue  # no free place: the name stays in the node's hover title
        lx, ly, anchor = spot
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{FONT_PX}" '
                     f'text-anchor="{anchor}" font-family="system-ui, sans-serif" '
                     f'fill="#0f172a" class="place" data-node="{escape(code)}">'
                     f'{escape(label)}<title>{escape(whole)} ({escape(code)})</title></text>')
    if legend:
        parts += _key(legend, 12, height - 12)
    parts.append("</svg>")
    return "\n".join(parts)


def _describe(service: Service, parcels: float | None) -> str:
    """A line's hover text when no reader's language is given (the CLI's file, the API)."""
    moved = f" · {parcels:,.0f} parcels" if parcels is not None else ""
    return f"{service.id} {service.mode} {service.duration_hours:g} h{moved}"


def _key(words: Mapping[str, str], x: float, y: float) -> list[str]:
    """The legend: a line per mode in its colour (air dashed), and what width says."""
    parts = []
    for mode, colour in MODE_COLOURS.items():
        dash = ' stroke-dasharray="6 4"' if mode == "air" else ""
        parts.append(f'<line x1="{x}" x2="{x + 28}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
                     f'stroke-width="3"{dash}/>')
        text = words.get(mode, mode)
        parts.append(f'<text x="{x + 34}" y="{y}" font-size="{FONT_PX}" class="legend" '
                     f'font-family="system-ui, sans-serif" fill="#0f172a">{escape(text)}</text>')
        x += 34 + text_width(text, FONT_PX) + 18
    parts.append(f'<line x1="{x}" x2="{x + 28}" y1="{y - 4}" y2="{y - 4}" stroke="#64748b" '
                 'stroke-width="1.5"/>')
    parts.append(f'<line x1="{x + 34}" x2="{x + 62}" y1="{y - 4}" y2="{y - 4}" '
                 'stroke="#64748b" stroke-width="7.5"/>')
    width_words = words.get("width", "line width: parcels")
    parts.append(f'<text x="{x + 68}" y="{y}" font-size="{FONT_PX}" class="legend" '
                 f'font-family="system-ui, sans-serif" fill="#0f172a">{escape(width_words)}'
                 '</text>')
    return parts


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
