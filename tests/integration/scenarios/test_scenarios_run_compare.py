"""Runs explained and compared, over HTTP against every real process: a run's dendrogram and
silhouette as SVG, and two runs compared (parameters that differ, raw scenarios that
correspond); refusals name what is wrong, in German too."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from scenarios_support import small_project

pytestmark = pytest.mark.integration


def test_plots_and_comparison_of_a_run_and_its_rerun(scenario_city) -> None:
    city = scenario_city
    member = city.members[0]
    made = small_project(city, n_factors=5, key=3, projections=3)
    first = made["run"]
    again = city.post(f"/runs/{first['id']}/rerun", {"n_clusters": 3, "linkage": "complete"})
    assert again.status_code == 202, again.text
    second = city.wait_run(again.json()["id"])
    assert len(second["result"]["raw_scenarios"]) == 3  # exactly the number set

    for name in ("dendrogram", "silhouette"):
        svg = city.get(f"/runs/{second['id']}/{name}.svg", member)
        assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
        root = ET.fromstring(svg.text)
        assert root.find("{http://www.w3.org/2000/svg}desc").text  # a text for screen readers
    assert city.get(f"/runs/{second['id']}/dendrogram.svg").status_code == 401

    compared = city.get(f"/runs/compare?a={first['id']}&b={second['id']}", member)
    assert compared.status_code == 200, compared.text
    body = compared.json()
    assert body["same_inputs"] is True
    assert "linkage" in body["differences"] and "top" not in body["differences"]
    assert body["a"] == {"id": first["id"], "number": 1}
    assert body["raw_scenarios"]["b"] == 3
    assert body["bundles"]["shared"] == body["bundles"]["a"] == body["bundles"]["b"]
    for row in body["rows"]:
        assert sum(cell["shared"] for cell in row["cells"]) == row["size"]

    missing = city.get(f"/runs/compare?a={first['id']}", member)
    assert missing.status_code == 422 and set(missing.json()["error"]["fields"]) == {"b"}
    assert missing.json()["error"]["fields"]["b"]["de"] == ["Bitte eine Berechnung wählen."]
    unknown = city.get(f"/runs/compare?a={first['id']}&b={'0' * 24}", member)
    assert unknown.status_code == 404
