"""The scenario phase in the results: the published scenarios with their map and the
assessments in aggregate, as the workbook's sheet and the report's sections (German only,
counts and means, nothing of a single rater)."""

from __future__ import annotations

import io
from dataclasses import replace

from openpyxl import load_workbook
from test_events_results_unit import results_document
from test_results_export_unit import EXTRAS

from gateway.results_export import Extras, to_xlsx
from gateway.results_report import HIDDEN, Phases, to_html
from services.scenarios import plots

ASSESSMENTS = {
    "public": True,
    "criteria": [
        {"id": "likelihood", "title_de": "Wahrscheinlichkeit"},
        {"id": "impact", "title_de": "Auswirkung auf die Stadt"},
        {"id": "c-1", "title_de": "Klimaschutz"},
    ],
    "scenarios": [
        {"scenario_id": "s1", "title": "Die kurze Stadt", "raters": 3, "quadrant": "prepare",
         "criteria": {"likelihood": {"n": 3, "mean": 3.667}, "impact": {"n": 3, "mean": 4.0},
                      "c-1": {"n": 0, "mean": None}}},
        {"scenario_id": "s2", "title": "=HYPERLINK(\"x\")", "raters": 0, "quadrant": None,
         "criteria": {}},
    ],
    "map_svg": plots.portfolio_map([{"title": "Die kurze Stadt", "likelihood": 3.667,
                                     "impact": 4.0, "desirability": 2.0}]),
}  # fmt: skip
MAP = plots.scenario_map(
    [{"rank": 1, "x": 0.0, "y": 0.0, "cluster": 1}, {"rank": 2, "x": 1.0, "y": 1.0, "cluster": 2}],
    [{"cluster": 1, "medoid": 1}, {"cluster": 2, "medoid": 2}],
    0.63,
)


def test_the_workbook_has_a_sheet_of_the_assessments_in_german() -> None:
    book = load_workbook(
        io.BytesIO(to_xlsx(results_document(), replace(EXTRAS, assessments=ASSESSMENTS)))
    )
    assert book.sheetnames[:3] == ["Überblick", "Szenarien", "Bewertungen der Szenarien"]
    sheet = book["Bewertungen der Szenarien"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Szenario", "Kriterium", "Bewertungen", "Mittelwert (1 bis 5)",
                       "Einordnung im Portfolio")  # fmt: skip
    assert rows[1:4] == [
        ("Die kurze Stadt", "Wahrscheinlichkeit", 3, 3.7, "vorbereiten"),
        ("Die kurze Stadt", "Auswirkung auf die Stadt", 3, 4, "vorbereiten"),
        ("Die kurze Stadt", "Klimaschutz", 0, None, "vorbereiten"),
    ]
    # a scenario nobody rated yet says so; a title is never run as a formula
    assert rows[4] == ('\'=HYPERLINK("x")', "Wahrscheinlichkeit", 0, None, "noch nicht bewertet")
    without = load_workbook(io.BytesIO(to_xlsx(results_document(), EXTRAS)))
    assert "Bewertungen der Szenarien" not in without.sheetnames  # not asked: no empty sheet


def test_report_shows_the_scenarios_with_their_map_and_then_the_assessments() -> None:
    # the map's marked points named: the scenarios of the run the latest one written from a
    # run came from
    scenarios = [
        {"title": "Alt", "status": "published", "run_id": "r0", "cluster": 1,
         "published_at": "2027-01-01T10:00:00+00:00"},
        {"title": "Die kurze Stadt", "status": "published", "run_id": "r1", "cluster": 2,
         "published_at": "2027-02-01T10:00:00+00:00"},
        {"title": "Weite <Stadt>", "status": "published", "run_id": "r1", "cluster": 1,
         "published_at": "2027-01-15T10:00:00+00:00"},
        {"title": "Entwurf", "status": "draft", "run_id": "r1", "cluster": 3},
        # imported from a project file (no run): newest, but not on the map
        {"title": "Importiert", "status": "published", "run_id": None, "cluster": None,
         "published_at": "2027-03-01T10:00:00+00:00"},
    ]  # fmt: skip
    extras = replace(EXTRAS, scenarios=scenarios, assessments=ASSESSMENTS)
    page = to_html(results_document(), extras, Phases(working_groups=[], scenario_map=MAP))
    order = ["<h2>Arbeitsgruppen</h2>", "<h2>Szenarien</h2>", "<figcaption>Szenariokarte",
             "<h2>Bewertungen der Szenarien</h2>", "<figcaption>Szenario-Portfolio",
             "<h2>Themen</h2>", "<h2>Ideen</h2>", "<h2>Nächste Schritte</h2>",
             "<h2>Abschlussveranstaltungen</h2>"]  # fmt: skip
    at = [page.index(h) for h in order]
    assert at == sorted(at), dict(zip(order, at, strict=True))
    assert "<td>Wahrscheinlichkeit</td><td class='n'>3</td><td class='n'>3,7</td>" in page
    # two drawings in one page: their title ids do not collide
    assert "id='karte-t'" in page and "id='portfolio-t'" in page and "id='t'" not in page
    assert "prepare" not in page and "likelihood" not in page
    legend = (  # the numbers the map's points carry, not "R1"
        "<ul class='legend'><li>Punkt 1: Weite &lt;Stadt&gt;</li>"
        "<li>Punkt 2: Die kurze Stadt</li></ul>"
    )
    assert legend in page
    # on a phone: a viewport, and wide tables scroll in a region of their own
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert (
        "<div class='table-scroll' role='region' tabindex='0' aria-label='Bewertungen der" in page
    )


def test_report_says_when_the_assessments_are_not_public_yet_or_missing() -> None:
    hidden = replace(EXTRAS, assessments=None, assessments_hidden=True)
    page = to_html(results_document(), hidden, Phases(working_groups=[]))
    assert f"<h2>Bewertungen der Szenarien</h2>\n<p>{HIDDEN}</p>" in page
    assert page.index("<h2>Szenarien</h2>") < page.index("<h2>Bewertungen der Szenarien</h2>")
    assert "Szenariokarte" not in page  # nothing published: no map
    gone = Extras(scenarios=None, assessments=None, next_steps=[], closing_events=[])
    page = to_html(results_document(), gone, Phases(working_groups=[]))
    assert "<h2>Bewertungen der Szenarien</h2>\n<p>Nicht verfügbar.</p>" in page
