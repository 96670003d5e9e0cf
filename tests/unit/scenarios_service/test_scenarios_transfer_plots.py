"""Transfer (criteria, portfolio) and the SVG plots."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from services.scenarios import plots
from services.scenarios.transfer import check_ratings, criteria, portfolio, quadrant

SVG = "{http://www.w3.org/2000/svg}"


def test_criteria_are_the_base_three_and_the_plugins() -> None:
    found = criteria(
        [
            {
                "id": "ortsteile:district_relevance",
                "plugin": "ortsteile",
                "title_de": "R",
                "title_en": "R",
            }
        ]
    )
    assert [c["id"] for c in found] == [
        "likelihood",
        "desirability",
        "impact",
        "ortsteile:district_relevance",
    ]
    assert found[-1]["source"] == "ortsteile" and found[-1]["required"] is False


def test_ratings_name_unknown_and_missing_criteria() -> None:
    known = ["likelihood", "desirability", "impact", "p:k"]
    assert check_ratings({"likelihood": 3, "desirability": 2, "impact": 5, "p:k": 1}, known) == {}
    errors = check_ratings({"likelihood": 3, "impact": 5, "nope": 1}, known)
    assert set(errors) == {"ratings.nope", "ratings.desirability"}


def test_portfolio_means_and_quadrants() -> None:
    scenarios = [{"id": "s1", "title": "Grün"}, {"id": "s2", "title": "Grau"}]
    assessments = [
        {"scenario_id": "s1", "ratings": {"likelihood": 4, "desirability": 5, "impact": 4}},
        {"scenario_id": "s1", "ratings": {"likelihood": 5, "desirability": 4, "impact": 3}},
        {"scenario_id": "s2", "ratings": {"likelihood": 1, "desirability": 1, "impact": 5}},
        {"scenario_id": "zz", "ratings": {"likelihood": 1}},  # not a published scenario
    ]
    rows = portfolio(scenarios, assessments, ["likelihood", "desirability", "impact"])
    assert rows[0]["raters"] == 2 and rows[0]["criteria"]["likelihood"]["mean"] == 4.5
    assert rows[0]["position"] == {"likelihood": 4.5, "impact": 3.5, "desirability": 4.5}
    assert rows[0]["quadrant"] == "prepare" and rows[1]["quadrant"] == "watch"
    assert quadrant(None, 3) is None and quadrant(4, 2) == "monitor" and quadrant(1, 1) == "note"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text
    return root


def test_plots_are_well_formed_deterministic_and_escape_text() -> None:
    grid = plots.system_grid(
        [
            {
                "title": "Wohnen & Mieten <teuer>",
                "active_sum": 9,
                "passive_sum": 3,
                "role": "active",
            },
            {"title": "Verkehr", "active_sum": 2, "passive_sum": 8, "role": "reactive"},
        ],
        5.5,
        5.5,
    )
    root = _parse(grid)
    assert len(root.findall(f"{SVG}circle")) == 2 and "Wohnen &amp; Mieten &lt;teuer&gt;" in grid
    assert grid == plots.system_grid(
        [
            {
                "title": "Wohnen & Mieten <teuer>",
                "active_sum": 9,
                "passive_sum": 3,
                "role": "active",
            },
            {"title": "Verkehr", "active_sum": 2, "passive_sum": 8, "role": "reactive"},
        ],
        5.5,
        5.5,
    )
    bundles = [
        {"rank": 1, "x": 0.5, "y": 0.1, "cluster": 1},
        {"rank": 2, "x": 0.4, "y": 0.0, "cluster": 1},
        {"rank": 3, "x": -0.5, "y": 0.2, "cluster": 2},
    ]
    smap = _parse(
        plots.scenario_map(bundles, [{"cluster": 1, "medoid": 1}, {"cluster": 2, "medoid": 3}], 0.9)
    )
    assert len(smap.findall(f"{SVG}circle")) == 3
    profile = plots.projection_profile(
        "Grüne Stadt",
        [
            {
                "title": "Mobilität",
                "projections": [{"id": "p1", "title": "Rad"}, {"id": "p2", "title": "Auto"}],
            }
        ],
        [{"p1": 0.75, "p2": 0.25}],
        ["p1"],
    )
    assert "Kennzeichnende Projektionen: Mobilität: Rad" in profile
    cells = [t.text for t in _parse(profile).iter(f"{SVG}text")]
    assert "75\u202f% Rad" in cells and "25\u202f% Auto" in cells  # German percent, not "75%"
    assert len(_parse(profile).findall(f"{SVG}rect")) == 3  # background and two cells
    folio = plots.portfolio_map(
        [
            {"title": "Grün", "likelihood": 4.5, "impact": 3.5, "desirability": 4.5},
            {"title": "Offen", "likelihood": None, "impact": None, "desirability": None},
        ]
    )
    assert len(_parse(folio).findall(f"{SVG}circle")) == 1


def test_axis_ticks_are_round_steps_and_sums_never_go_below_zero() -> None:
    """The system grid of a workshop read "−1,58 … 28,58" on its passive axis: its box edges
    numbered, below zero for a sum of ratings. Now round steps inside the box, from 0."""
    assert plots.nice_ticks(11.14, 16.36) == [12.0, 13.0, 14.0, 15.0, 16.0]
    assert plots.nice_ticks(0.0, 28.58) == [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    assert plots.nice_ticks(-1.0, 1.0) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    factors = [
        {"title": "Wohnkosten", "active_sum": 13.0, "passive_sum": 0.5, "role": "inert"},
        {"title": "Einzelhandel", "active_sum": 12.5, "passive_sum": 26.5, "role": "reactive"},
        {"title": "Zuzug", "active_sum": 16.0, "passive_sum": 11.5, "role": "active"},
    ]
    grid = _parse(plots.system_grid(factors, 13.8, 12.8))
    numbers = [t.text for t in grid.iter(f"{SVG}text") if re.fullmatch(r"−?-?[\d,]+", t.text or "")]
    ticks = [n for n in numbers if n not in {"1", "2", "3"}]  # the points' own numbers aside
    assert ticks and not any(n.startswith(("-", "−")) for n in ticks)
    assert all(float(n.replace(",", ".")) % 0.5 == 0 for n in ticks)  # round, not 11,14
