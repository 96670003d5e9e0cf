"""The district map's geometry (gateway/district_map.py): projection, simplification, paths,
fill steps and legend."""

from __future__ import annotations

import math
import re

import pytest

from gateway.district_map import (
    FILLS,
    PADDING,
    WIDTH,
    Projection,
    build_map,
    simplify,
    step_of,
    steps,
)


def square(west: float, south: float, size: float) -> list[list[float]]:
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


def test_projection_scales_longitudes_by_the_cosine_of_the_latitude() -> None:
    # One degree by one degree at 60° north is half as wide as it is tall.
    project = Projection([(10.0, 59.5), (11.0, 60.5)])
    west, north = project(10.0, 60.5)
    east, south = project(11.0, 59.5)
    assert (west, north) == pytest.approx((project.dx, project.dy))
    width, height = east - west, south - north
    assert width / height == pytest.approx(math.cos(math.radians(60.0)), rel=1e-9)
    # North is up and everything stays inside the box with its padding.
    assert north < south
    assert min(west, north) >= PADDING - 1e-9
    assert east <= project.width - PADDING + 1e-9 and south <= project.height - PADDING + 1e-9


def test_a_wide_city_fills_the_width_and_a_tall_one_is_capped() -> None:
    wide = Projection([(9.0, 48.0), (9.3, 48.05)])
    assert wide(9.3, 48.0)[0] - wide(9.0, 48.0)[0] == pytest.approx(WIDTH - 2 * PADDING)
    tall = Projection([(9.0, 48.0), (9.01, 48.5)])
    assert tall.height == 900.0
    assert tall(9.0, 48.0)[1] - tall(9.0, 48.5)[1] == pytest.approx(900.0 - 2 * PADDING)


def test_douglas_peucker_drops_points_below_half_a_unit_and_keeps_corners() -> None:
    line = [(0.0, 0.0), (1.0, 0.2), (2.0, -0.2), (3.0, 0.0), (3.0, 5.0)]
    assert simplify(line) == [(0.0, 0.0), (3.0, 0.0), (3.0, 5.0)]
    long = [(x / 10, math.sin(x / 10)) for x in range(3_000)]  # no recursion limit
    assert 2 < len(simplify(long)) < len(long)


def test_steps_never_make_an_empty_range() -> None:
    assert steps(0) == [(0, 0)]
    assert steps(2) == [(0, 0), (1, 1), (2, 2)]
    assert steps(9) == [(0, 0), (1, 3), (4, 6), (7, 9)]
    assert step_of(0, steps(9)) == 0 and step_of(5, steps(9)) == 2 and step_of(9, steps(9)) == 3


def test_build_map_draws_each_district_with_its_count_and_a_legend() -> None:
    detailed = square(9.1, 48.0, 0.1)
    # 200 points on the south edge, all on the line: simplified away.
    edge = [[9.1 + i * 0.0005, 48.0] for i in range(200)]
    detailed = [*edge, *detailed[1:]]
    with_hole = [square(9.0, 48.0, 0.1), square(9.02, 48.02, 0.02)]
    districts = [
        {"name": "West", "polygons": [with_hole]},
        {"name": "Ost", "polygons": [[detailed]]},
    ]
    drawn = build_map(districts, {"Ost": 4})
    west, east = drawn.shapes
    assert (west.name, west.count, west.step) == ("West", 0, 0)
    assert (east.name, east.count, east.step) == ("Ost", 4, len(drawn.legend) - 1)
    assert [(s.low, s.high, s.fill) for s in drawn.legend][0] == (0, 0, FILLS[0])
    assert west.path.count("M") == 2 and west.path.count("Z") == 2  # the hole is its own ring
    points = re.findall(r"[-\d.]+,[-\d.]+", east.path)
    assert len(points) == 4  # the square's corners only
    for x, y in (map(float, p.split(",")) for p in re.findall(r"[-\d.]+,[-\d.]+", west.path)):
        assert 0 <= x <= drawn.width and 0 <= y <= drawn.height
    # The label sits inside its district.
    assert west.label_x < east.label_x
    assert drawn.width == WIDTH


def test_no_shapes_no_map() -> None:
    drawn = build_map([], {})
    assert drawn.shapes == [] and drawn.legend == []
