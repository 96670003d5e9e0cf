"""SVG plots of the scenario work, written directly (pure, no plotting library).

The plots are simple (scatter plots with labels, quadrant lines and a table of shaded cells),
so a few lines of SVG are enough; they are deterministic (same input, same bytes), scale to
any width, carry a ``<title>`` and ``<desc>`` for screen readers and use colours that stay
distinguishable for the common colour-vision deficiencies (Okabe–Ito palette).

* ``system_grid``: influence analysis, active sum (x) against passive sum (y), split at the
  thresholds into active / critical / reactive / inert.
* ``scenario_map``: the bundles of a run on the MDS map, coloured by raw scenario, each raw
  scenario's medoid a large point with its number; the axes in plain words.
* ``projection_profile``: one row per key factor, one cell per projection, shaded by its share
  in the raw scenario; the scenario's characteristic projections are framed.
* ``portfolio_map``: published scenarios by mean likelihood (x) and impact (y), desirability
  as colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
ROLE_COLOURS = {
    "active": "#D55E00",
    "critical": "#CC79A7",
    "reactive": "#0072B2",
    "inert": "#7f7f7f",
}
# The roles' German names, as the grid's corners label them (a screen reader reads the desc).
ROLE_NAMES = {"active": "aktiv", "critical": "kritisch", "reactive": "reaktiv", "inert": "träge"}
FONT = "font-family='sans-serif'"
W, H = 640, 480
# What the scenario map's axes mean for a reader (no "MDS" and no axis numbers).
# The two axes carry no meaning of their own, so neither claims one: the one below says how to
# read distances, the one at the side that the directions mean nothing.
MAP_X = "Nah beieinander: ähnliche Zukünfte · weit auseinander: sehr verschiedene"
MAP_Y = "Oben, unten, links, rechts: ohne Bedeutung"
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 40, 56


def _percent(share: float) -> str:
    """German percent: 63 %, with a (narrow) space as in German typesetting."""
    return f"{share * 100:.0f}\u202f%"


def _german(x: float) -> str:
    """A number as a German reader writes it: 1,92 (``_fmt`` writes SVG coordinates)."""
    return _fmt(x).replace(".", ",")


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", **attrs) -> str:
    extra = "".join(f" {k.replace('_', '-')}='{v}'" for k, v in attrs.items())
    return (
        f"<text x='{_fmt(x)}' y='{_fmt(y)}' font-size='{size}' text-anchor='{anchor}' {FONT}"
        f"{extra}>{escape(text)}</text>"
    )


def _document(title: str, desc: str, body: list[str], width: int = W, height: int = H) -> str:
    return "".join(
        [
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
            f"width='{width}' height='{height}' role='img' aria-labelledby='t d'>",
            f"<title id='t'>{escape(title)}</title><desc id='d'>{escape(desc)}</desc>",
            f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
            *body,
            "</svg>",
        ]
    )


def nice_ticks(lo: float, hi: float, about: int = 5) -> list[float]:
    """Tick values between ``lo`` and ``hi`` at a round step (1, 2, 2.5 or 5 times a power of
    ten): the step whose number of ticks comes closest to ``about``, as a reader would mark an
    axis by hand."""
    if hi - lo <= 0:
        return [lo]

    def at(step: float) -> list[float]:
        first = math.ceil(lo / step - 1e-9) * step
        count = int(math.floor((hi - first) / step + 1e-9)) + 1
        return [round(first + k * step, 10) + 0.0 for k in range(count)]  # + 0.0: no "−0"

    e = math.floor(math.log10((hi - lo) / about))
    steps = [m * 10.0**p for p in (e - 1, e, e + 1) for m in (1, 2, 2.5, 5)]
    return at(min(steps, key=lambda step: (abs(len(at(step)) - about), -step)))


class _Axes:
    """Linear mapping of data coordinates into the plot area, with a little margin."""

    def __init__(
        self, xs: Sequence[float], ys: Sequence[float], pad: float = 0.08, floor: bool = False
    ) -> None:
        """``floor``: the values cannot be negative (sums), so the margin stops at 0."""

        def bounds(values: Sequence[float]) -> tuple[float, float]:
            lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
            if hi - lo < 1e-12:
                lo, hi = lo - 1.0, hi + 1.0
            span = hi - lo
            low = lo - pad * span
            return (max(low, 0.0) if floor and lo >= 0 else low), hi + pad * span

        self.x0, self.x1 = bounds(xs)
        self.y0, self.y1 = bounds(ys)

    def px(self, x: float) -> float:
        return LEFT + (x - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT)

    def py(self, y: float) -> float:
        return H - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM)

    def frame(
        self, x_label: str, y_label: str, ticks: bool = True, at: Sequence[float] = ()
    ) -> list[str]:
        """The plot's box, its axis labels and five ticks per axis (or ticks ``at`` these
        values on both axes), numbered the German way (1,5)."""
        out = [
            f"<rect x='{LEFT}' y='{TOP}' width='{W - LEFT - RIGHT}' height='{H - TOP - BOTTOM}' "
            "fill='none' stroke='#444444'/>",
            _text((LEFT + W - RIGHT) / 2, H - 12, x_label, 13, "middle"),
            _text(
                16,
                (TOP + H - BOTTOM) / 2,
                y_label,
                13,
                "middle",
                transform=f"rotate(-90 16 {_fmt((TOP + H - BOTTOM) / 2)})",
            ),
        ]
        if ticks:
            # round steps inside the box (0, 5, 10 …), not its edges: the edges' values
            # (11,14 or −1,58 for a sum that cannot be negative) read as data
            for xv in at or nice_ticks(self.x0, self.x1):
                out.append(_text(self.px(xv), H - BOTTOM + 16, _german(xv), 10, "middle"))
            for yv in at or nice_ticks(self.y0, self.y1):
                out.append(_text(LEFT - 6, self.py(yv) + 4, _german(yv), 10, "end"))
        return out

    def vline(self, x: float) -> str:
        return (
            f"<line x1='{_fmt(self.px(x))}' y1='{TOP}' x2='{_fmt(self.px(x))}' y2='{H - BOTTOM}' "
            "stroke='#999999' stroke-dasharray='4 3'/>"
        )

    def hline(self, y: float) -> str:
        return (
            f"<line x1='{LEFT}' y1='{_fmt(self.py(y))}' x2='{W - RIGHT}' y2='{_fmt(self.py(y))}' "
            "stroke='#999999' stroke-dasharray='4 3'/>"
        )


def _ink(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (#rrggbb), for a number drawn
    on a point (WCAG relative luminance)."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[k : k + 2], 16)) for k in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _near_groups(points: Sequence[tuple[float, float]], distance: float) -> list[list[int]]:
    """Indices of points grouped where they (nearly) coincide on the plot, so one label names
    them all instead of labels drawn over each other (greedy, in input order)."""
    groups: list[list[int]] = []
    for i, (x, y) in enumerate(points):
        for group in groups:
            gx, gy = points[group[0]]
            if (gx - x) ** 2 + (gy - y) ** 2 < distance**2:
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def system_grid(
    factors: Sequence[Mapping[str, Any]], active_threshold: float, passive_threshold: float
) -> str:
    """``factors``: ``{"title", "active_sum", "passive_sum", "role"}`` each, in the order of
    the matrix: each point carries its factor's number there (the page lists the names), and
    points on (nearly) the same spot share one label ("3, 7") instead of overlapping."""
    xs = [float(f["active_sum"]) for f in factors] + [active_threshold]
    ys = [float(f["passive_sum"]) for f in factors] + [passive_threshold]
    ax = _Axes(xs, ys, floor=True)  # sums of ratings 0–3: never below 0
    body = ax.frame(
        "Wie stark der Faktor andere beeinflusst (Aktivsumme)",
        "Wie stark er von anderen beeinflusst wird (Passivsumme)",
    )
    body += [ax.vline(active_threshold), ax.hline(passive_threshold)]
    corners = (
        (ax.x1, ax.y1, "kritisch", "end"),
        (ax.x1, ax.y0, "aktiv", "end"),
        (ax.x0, ax.y1, "reaktiv", "start"),
        (ax.x0, ax.y0, "träge", "start"),
    )
    for x, y, label, anchor in corners:
        dx = -6 if anchor == "end" else 6
        dy = 14 if y == ax.y1 else -6
        body.append(_text(ax.px(x) + dx, ax.py(y) + dy, label, 11, anchor, fill="#666666"))
    points = [(ax.px(float(f["active_sum"])), ax.py(float(f["passive_sum"]))) for f in factors]
    for group in _near_groups(points, 16):
        cx, cy = points[group[0]]
        colour = ROLE_COLOURS.get(factors[group[0]].get("role", ""), "#000000")
        names = "; ".join(f"{k + 1}. {factors[k]['title']}" for k in group)
        body.append(
            f"<circle cx='{_fmt(cx)}' cy='{_fmt(cy)}' r='9' fill='{colour}' stroke='#222222' "
            f"stroke-width='0.5'><title>{escape(names)}</title></circle>"
        )
        if len(group) == 1:
            body.append(_text(cx, cy + 4, str(group[0] + 1), 10, "middle", fill=_ink(colour)))
        else:  # the numbers beside the point, on the side with room
            label = ", ".join(str(k + 1) for k in group)
            right = cx < (LEFT + W - RIGHT) / 2
            body.append(_text(cx, cy + 4, "+", 12, "middle", fill=_ink(colour), font_weight="bold"))
            body.append(
                _text(cx + (12 if right else -12), cy + 4, label, 11, "start" if right else "end")
            )
    desc = "; ".join(
        f"{k + 1}. {f['title']}: aktiv {_german(float(f['active_sum']))}, "
        f"passiv {_german(float(f['passive_sum']))}, {ROLE_NAMES.get(f.get('role', ''), '')}"
        for k, f in enumerate(factors)
    )
    body.insert(0, _text(LEFT, 24, "Systemgrid der Einflussfaktoren", 15, font_weight="bold"))
    return _document("Systemgrid der Einflussfaktoren", desc, body)


def scenario_map(
    bundles: Sequence[Mapping[str, Any]],
    raw: Sequence[Mapping[str, Any]],
    explained: float,
) -> str:
    """``bundles``: ``{"rank", "x", "y", "cluster"}``; ``raw``: ``{"cluster", "medoid"}``.

    Each raw scenario's medoid is a large point carrying its number (the page's legend names
    it); the other bundles are small points in its colour."""
    ax = _Axes([float(b["x"]) for b in bundles], [float(b["y"]) for b in bundles])
    # The axes of a classical MDS have no unit of their own: only distances mean something,
    # so the labels say how to read the map rather than naming the method.
    body = ax.frame(MAP_X, MAP_Y, ticks=False)
    medoids = {int(r["medoid"]): int(r["cluster"]) for r in raw}
    # small points first, the numbered medoids on top of them
    for b in sorted(bundles, key=lambda b: int(b["rank"]) in medoids):
        colour = PALETTE[(int(b["cluster"]) - 1) % len(PALETTE)]
        cx, cy = ax.px(float(b["x"])), ax.py(float(b["y"]))
        medoid = int(b["rank"]) in medoids
        body.append(
            f"<circle cx='{_fmt(cx)}' cy='{_fmt(cy)}' r='{14 if medoid else 5}' fill='{colour}' "
            f"fill-opacity='{1 if medoid else 0.6}' stroke='#222222' "
            f"stroke-width='{1 if medoid else 0.5}'>"
            f"<title>Bündel {b['rank']}, Rohszenario {b['cluster']}</title></circle>"
        )
        if medoid:
            ink = _ink(colour)
            body.append(
                _text(
                    cx,
                    cy + 5.5,
                    str(medoids[int(b["rank"])]),
                    16,
                    "middle",
                    fill=ink,
                    font_weight="bold",
                )
            )
    body.insert(0, _text(LEFT, 24, "Szenariokarte", 15, font_weight="bold"))
    shown = f"zeigt {_percent(explained)} der Unterschiede"
    body.append(_text(W - RIGHT, 24, shown, 11, "end", fill="#666666"))
    desc = (
        f"{len(bundles)} Projektionsbündel in {len(raw)} Rohszenarien; "
        f"die Karte zeigt {_percent(explained)} der Unterschiede. Nah beieinander liegende "
        "Bündel beschreiben ähnliche Zukünfte; die großen nummerierten Punkte markieren das "
        "typische Bündel jedes Rohszenarios."
    )
    return _document("Szenariokarte", desc, body)


def projection_profile(
    title: str,
    key_factors: Sequence[Mapping[str, Any]],
    shares: Sequence[Mapping[str, float]],
    chosen: Sequence[str],
) -> str:
    """``key_factors``: ``{"title", "projections": [{"id", "title"}]}`` in run order;
    ``shares``: per key factor, projection id → share among the raw scenario's bundles."""
    row_h, label_w, cell_w = 28, 220, 150
    columns = max((len(kf["projections"]) for kf in key_factors), default=1)
    width = label_w + columns * cell_w + 20
    height = 60 + row_h * len(key_factors) + 20
    body = [_text(12, 26, _short(f"Projektionsprofil: {title}", 80), 15, font_weight="bold")]
    picked = set(chosen)
    lines = []
    for r, (kf, share) in enumerate(zip(key_factors, shares, strict=True)):
        y = 48 + r * row_h
        body.append(_text(12, y + 18, _short(str(kf["title"]), 34), 11))
        for c, p in enumerate(kf["projections"]):
            x = label_w + c * cell_w
            s = float(share.get(p["id"], 0.0))
            stroke = (
                "stroke='#000000' stroke-width='2.5'" if p["id"] in picked else "stroke='#bbbbbb'"
            )
            body.append(
                f"<rect x='{x}' y='{y}' width='{cell_w - 4}' height='{row_h - 4}' "
                f"fill='#0072B2' fill-opacity='{_fmt(0.08 + 0.8 * s)}' {stroke}>"
                f"<title>{escape(str(p['title']))}: {_percent(s)}</title></rect>"
            )
            fill = "#ffffff" if s > 0.55 else "#000000"
            # German percent ("67 %", as on the run page and in the tables), not "67%"
            body.append(
                _text(x + 6, y + 17, _short(f"{_percent(s)} {p['title']}", 22), 10, fill=fill)
            )
            if p["id"] in picked:
                lines.append(f"{kf['title']}: {p['title']}")
    desc = "Kennzeichnende Projektionen: " + "; ".join(lines) if lines else title
    return _document(f"Projektionsprofil: {title}", desc, body, width, height)


def portfolio_map(items: Sequence[Mapping[str, Any]]) -> str:
    """``items``: ``{"title", "likelihood", "impact", "desirability"}`` (means, 1–5)."""
    ax = _Axes([1.0, 5.0], [1.0, 5.0], pad=0.04)
    body = ax.frame(
        "Wie wahrscheinlich (Mittel der Bewertungen, 1 bis 5)",
        "Wie stark es die Stadt verändert (1 bis 5)",
        at=(1, 2, 3, 4, 5),
    )
    body += [ax.vline(3.0), ax.hline(3.0)]
    labels = (
        (5.0, 5.0, "vorbereiten", "end"),
        (1.0, 5.0, "beobachten", "start"),
        (5.0, 1.0, "im Blick behalten", "end"),
        (1.0, 1.0, "zur Kenntnis", "start"),
    )
    for x, y, label, anchor in labels:
        dx = -6 if anchor == "end" else 6
        dy = 14 if y == 5.0 else -6
        body.append(_text(ax.px(x) + dx, ax.py(y) + dy, label, 11, anchor, fill="#666666"))
    described = []
    placed: list[tuple[float, float]] = []
    for item in items:
        if item.get("likelihood") is None or item.get("impact") is None:
            continue
        d = item.get("desirability")
        # desirability 1 (red-orange) .. 5 (bluish green)
        if d is None:
            colour = "#999999"
        else:
            colour = PALETTE[5] if d < 2.5 else PALETTE[1] if d < 3.5 else PALETTE[2]
        cx, cy = ax.px(float(item["likelihood"])), ax.py(float(item["impact"]))
        body.append(
            f"<circle cx='{_fmt(cx)}' cy='{_fmt(cy)}' r='9' fill='{colour}' stroke='#222222'>"
            f"<title>{escape(str(item['title']))}</title></circle>"
        )
        # Scenarios rated alike sit on one spot: their labels go one under the other.
        label_y = cy + 4
        while any(abs(label_y - y) < 13 and abs(cx - x) < 160 for x, y in placed):
            label_y += 14
        placed.append((cx, label_y))
        body.append(_text(cx + 12, label_y, _short(str(item["title"])), 11))
        described.append(
            f"{item['title']}: Wahrscheinlichkeit {_fmt(float(item['likelihood']))}, "
            f"Auswirkung {_fmt(float(item['impact']))}"
            + (f", Wünschbarkeit {_fmt(float(d))}" if d is not None else "")
        )
    body.insert(0, _text(LEFT, 24, "Szenario-Portfolio", 15, font_weight="bold"))
    described_all = "; ".join(described) or "Noch keine Bewertungen."
    return _document("Szenario-Portfolio", described_all, body)
