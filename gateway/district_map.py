"""The district map's geometry, pure (no Flask, no I/O): lon/lat → SVG box, simplified paths,
a fill step per district by its count, and the legend.

Projection: equirectangular with the longitudes scaled by cos(mid latitude). Over a city
(≤ 50 km) this is what a web map shows to within a fraction of a pixel at 600 px wide
(the scale error across 0.5° of latitude is below 1 %), so pyproj and its PROJ data would add
a large dependency for nothing visible. North is up; the box keeps the city's proportions.

Paths are simplified with Douglas–Peucker in screen units (half a pixel of the 600-unit box),
which keeps the page small however detailed the uploaded borders are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

WIDTH = 600.0
PADDING = 8.0
MIN_HEIGHT, MAX_HEIGHT = 240.0, 900.0
TOLERANCE = 0.5  # screen units: less than half a pixel is never seen
CLASSES = 4  # fill steps above zero
# Light to dark blue (KERN's blue family); the label text colour per step keeps ≥ 4.5:1.
FILLS = ("#f2f4f7", "#d4e4f4", "#9cc3e8", "#4d8dcb", "#1f5591")
LABEL_COLOURS = ("#1b1b1b", "#1b1b1b", "#1b1b1b", "#ffffff", "#ffffff")


@dataclass(frozen=True)
class Shape:
    name: str
    path: str  # SVG path data, every ring closed (fill-rule evenodd keeps holes open)
    count: int
    step: int  # index into FILLS / LABEL_COLOURS
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Step:
    low: int
    high: int
    fill: str


@dataclass(frozen=True)
class DistrictMap:
    width: float
    height: float
    shapes: list[Shape]
    legend: list[Step]


def steps(highest: int, classes: int = CLASSES) -> list[tuple[int, int]]:
    """Count ranges of the fill steps: 0 alone, then up to ``classes`` equal ranges up to
    ``highest`` (never an empty one: 1–2 talks make two steps, not four)."""
    ranges = [(0, 0)]
    if highest <= 0:
        return ranges
    size = max(1, math.ceil(highest / classes))
    low = 1
    while low <= highest:
        high = min(highest, low + size - 1)
        ranges.append((low, high))
        low = high + 1
    return ranges


def step_of(count: int, ranges: Sequence[tuple[int, int]]) -> int:
    for index, (low, high) in enumerate(ranges):
        if low <= count <= high:
            return index
    return len(ranges) - 1


class Projection:
    """lon/lat (degrees) → SVG units in a box ``WIDTH`` wide, north up."""

    def __init__(self, points: Sequence[Point], width: float = WIDTH) -> None:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        self.west, self.east = min(lons), max(lons)
        self.south, self.north = min(lats), max(lats)
        self.kx = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.kx, 1e-9)
        span_y = max(self.north - self.south, 1e-9)
        inner = width - 2 * PADDING
        self.scale = inner / span_x
        height = span_y * self.scale + 2 * PADDING
        if height > MAX_HEIGHT:  # a tall city: fit the height, centre horizontally
            self.scale = (MAX_HEIGHT - 2 * PADDING) / span_y
            height = MAX_HEIGHT
        self.height = max(height, MIN_HEIGHT)
        self.width = width
        self.dx = (width - span_x * self.scale) / 2
        self.dy = (self.height - span_y * self.scale) / 2

    def __call__(self, lon: float, lat: float) -> Point:
        x = self.dx + (lon - self.west) * self.kx * self.scale
        y = self.dy + (self.north - lat) * self.scale
        return (x, y)


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance of ``p`` from the segment a–b."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points: Sequence[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas–Peucker (iterative: a ring of 50,000 points must not hit the recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _thin(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Drop points closer than ``tolerance`` to the last kept one: one linear pass that
    shrinks a dense border before Douglas–Peucker (quadratic at worst) sees it."""
    kept = points[:1]
    for point in points[1:]:
        if math.dist(point, kept[-1]) >= tolerance:
            kept.append(point)
    return kept


def _ring_path(ring: Sequence[Point]) -> str:
    # A closed ring simplified from its first point to the point farthest from it and back,
    # so that Douglas–Peucker does not collapse it (first = last would be one point).
    body = list(ring[:-1]) if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    body = _thin(body)
    if len(body) < 3:
        return ""
    far = max(range(len(body)), key=lambda i: math.dist(body[0], body[i]))
    half = simplify(body[: far + 1]) + simplify(body[far:] + [body[0]])[1:-1]
    if len(half) < 3:
        half = body
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in half) + "Z"


def _area_centre(ring: Sequence[Point]) -> tuple[float, Point]:
    """Area and centroid of a ring (shoelace); a degenerate ring gives its mean point."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, list(ring[1:]) + [ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        n = len(ring)
        return 0.0, (sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n)
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def build_map(districts: Sequence[dict], counts: dict[str, int]) -> DistrictMap:
    """``districts``: ``[{"name", "polygons": [[ring of [lon, lat]], …]}]`` as the cities
    service keeps them; ``counts``: per district name. The label sits at the centroid of the
    largest outer ring."""
    points = [
        (p[0], p[1])
        for district in districts
        for polygon in district["polygons"]
        for ring in polygon
        for p in ring
    ]
    if not points:
        return DistrictMap(WIDTH, MIN_HEIGHT, [], [])
    project = Projection(points)
    ranges = steps(max((counts.get(d["name"], 0) for d in districts), default=0))
    shapes = []
    for district in districts:
        parts, best = [], (-1.0, (0.0, 0.0))
        for polygon in district["polygons"]:
            for index, ring in enumerate(polygon):
                screen = [project(p[0], p[1]) for p in ring]
                parts.append(_ring_path(screen))
                if index == 0:
                    best = max(best, _area_centre(screen), key=lambda found: found[0])
        count = counts.get(district["name"], 0)
        x, y = best[1]
        shapes.append(Shape(district["name"], "".join(parts), count, step_of(count, ranges), x, y))
    legend = [Step(low, high, FILLS[i]) for i, (low, high) in enumerate(ranges)]
    return DistrictMap(project.width, project.height, shapes, legend)
