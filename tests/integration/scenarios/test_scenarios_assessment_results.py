"""The scenarios' assessments in aggregate (``assessment_results``) and where they end up: the
results report and the workbook. During the transfer phase they are the working group's
(facilitators and city admins read them too); from the table talks on everyone reads them.
Only counts and means leave the service: no rater, no single rating, no comment."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from scenarios_support import ScenarioCity, publish_scenarios, small_project, to_table_talks

from gateway.results_report import HIDDEN


def test_assessments_in_aggregate_are_the_groups_until_the_transfer_is_over(
    api, scenario_city: ScenarioCity
) -> None:
    city = scenario_city
    run = small_project(city)["run"]
    first, second = publish_scenarios(city, run, 2)
    city.advance("transfer")
    m1, m2 = city.members
    for member, (likely, desirable, impact) in ((m1, (4, 2, 5)), (m2, (3, 2, 4))):
        ratings = {"likelihood": likely, "desirability": desirable, "impact": impact}
        body = {"ratings": ratings, "comment": f"Meine Sicht ({member['email']})"}
        assert city.put(f"/scenarios/{first}/assessment", body, member).status_code == 200

    # transfer: the group, the facilitator and the city admin read it; nobody else
    for who in (city.facilitator, m1, city.admin):
        assert city.get("/assessment-results", who).status_code == 200
    assert city.get("/assessment-results", city.citizen).status_code == 403
    assert city.get("/assessment-results").status_code == 401
    results = city.get("/assessment-results", city.facilitator).json()
    assert results["public"] is False
    assert [c["id"] for c in results["criteria"]][:3] == ["likelihood", "desirability", "impact"]
    rows = {s["scenario_id"]: s for s in results["scenarios"]}
    assert rows[first]["raters"] == 2 and rows[first]["quadrant"] == "prepare"
    assert rows[first]["criteria"]["likelihood"] == {"n": 2, "mean": 3.5}
    assert rows[first]["criteria"]["impact"] == {"n": 2, "mean": 4.5}
    assert rows[second]["raters"] == 0 and rows[second]["criteria"]["likelihood"]["mean"] is None
    assert results["map_svg"].startswith("<svg") and "Zukunft 1" in results["map_svg"]
    text = json.dumps(results)
    for person in (m1, m2):  # counts and means only: nobody's rating, name or comment
        assert person["id"] not in text and person["email"] not in text
    assert "Meine Sicht" not in text and "min" not in rows[first]["criteria"]["likelihood"]

    # the report of a visitor says they are not public yet; the facilitator's shows them
    report = api.get(f"/cities/{city.slug}/results/report")
    assert report.status_code == 200 and HIDDEN in report.text
    assert "Szenariokarte" in report.text and "Zukunft 1" in report.text
    own = api.get(f"/cities/{city.slug}/results/report", token=city.facilitator["token"])
    assert "<h2>Bewertungen der Szenarien</h2>" in own.text and HIDDEN not in own.text
    assert "<td>Wahrscheinlichkeit</td><td class='n'>2</td><td class='n'>3,5</td>" in own.text

    # from the table talks on: public, in the report and the workbook of everyone
    to_table_talks(city)
    assert city.get("/assessment-results").json()["public"] is True
    report = api.get(f"/cities/{city.slug}/results/report").text
    assert HIDDEN not in report and "<figcaption>Szenario-Portfolio" in report
    assert m1["email"] not in report and "Meine Sicht" not in report
    book = load_workbook(io.BytesIO(api.get(f"/cities/{city.slug}/results.xlsx").content))
    sheet = list(book["Bewertungen der Szenarien"].iter_rows(values_only=True))
    assert ("Zukunft 1", "Wahrscheinlichkeit", 2, 3.5, "vorbereiten") in sheet
    assert ("Zukunft 2", "Wahrscheinlichkeit", 0, None, "noch nicht bewertet") in sheet
