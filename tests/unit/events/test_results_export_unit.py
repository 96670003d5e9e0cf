"""The results exports as German Excel opens them: CSV with a BOM and semicolons, XLSX with a
sheet per subject, frozen headers and filters; German labels and values, German local time;
the same numbers as the JSON document (read back from the files, pure)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from test_events_results_unit import results_document

from gateway.results_export import Extras, summary_rows, to_csv, to_xlsx
from gateway.results_report import Phases, to_html
from services.events.results import cohort_results

STEP = {"what": "Antrag im Bauausschuss", "owner_organisation": "ADFC", "contact_role": "Vorstand",
        "due_date": "2028-03-01T00:00:00+00:00", "status": "in_progress", "note": "",
        "updated_at": "2027-12-04T14:45:50.472443+00:00"}  # fmt: skip
SCENARIO = {
    "title": "Die kurze Stadt",
    "narrative": "Alles ist zu Fuß erreichbar.",
    "status": "published",
    "projections": [
        {"factor_title": "Mobilität", "title": "zu Fuß"},
        {"factor_title": "Wohnen", "title": "dicht"},
    ],
}
EXTRAS = Extras(
    scenarios=[SCENARIO, {**SCENARIO, "title": "Entwurf", "status": "draft"}],
    topics=[{"id": "d1", "title": "Mobilität"}, {"id": "d9", "title": "Grüne Innenstadt"},
            {"id": "h1", "title": "Versteckt", "hidden": True}],  # fmt: skip
    next_steps=[
        {"idea_id": "i1", "title": "Radweg am Fluss", "category": "mobility", "district": "Nord",
         "status": "in_progress", "supports": 1, "helpers": 0, "next_steps": [STEP]},
        {"idea_id": "i7", "title": "Bänke", "category": "social", "district": "unknown",
         "status": "proposed", "supports": 5, "helpers": 2, "organisations": 2, "next_steps": []},
    ],  # every visible idea, as the next-steps overview gives them
    closing_events=[
        {"title": "Abschlussabend", "starts_at": "2028-06-12T16:30:00+00:00",
         "ends_at": "2028-06-12T19:00:00+00:00", "status": "published",
         "venue": {"name": "Rathaus", "district": "Altstadt"},
         "registration": {"capacity": 120, "confirmed": 87, "waiting": 4, "free": 33}},
        {"title": "Abgesagt", "starts_at": "2028-06-13T16:30:00+00:00", "status": "cancelled",
         "venue": {"name": "Halle"}, "registration": {"capacity": 50, "confirmed": 9}},
    ],
)  # fmt: skip


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "German Excel needs the byte-order mark"
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and text.splitlines()[0] == "Bereich;Kennzahl;Wert"
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_is_semicolon_utf8_with_bom_german_labels_and_the_json_numbers() -> None:
    results = results_document()
    expected = {label: value for _s, _k, label, value in summary_rows(results)}
    assert expected["Teilnehmende der geführten Gespräche"] == 22
    rows = _csv_rows(to_csv(results, EXTRAS))
    as_read = {r[1]: r[2] for r in rows[1:]}
    for label, value in expected.items():
        assert as_read[label] == str(value), label
    assert ["Ideen nach Stand", "In Umsetzung", "1"] in rows
    assert ["Nächste Schritte nach Stand", "läuft", "1"] in rows
    assert ["Geführte Gespräche je Thema", "Grüne Innenstadt", "0"] in rows
    assert ["Stand", "Zahlen vom", "01.12.2027, 11:00"] in rows  # Berlin time, no ISO
    text = "\n".join(";".join(r) for r in rows)
    for code in ("in_progress", "in_discussion", "by_status", "talks", "T10:00", "+00:00"):
        assert code not in text, code


def test_xlsx_has_a_german_sheet_per_subject_with_frozen_headers_and_filters() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(results_document(), EXTRAS)))
    assert book.sheetnames == ["Überblick", "Szenarien", "Themen", "Ideen", "Nächste Schritte",
                               "Abschlussveranstaltungen"]  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.bold
    rows = {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
    assert rows["Szenarien"][1:] == [("Die kurze Stadt", "Alles ist zu Fuß erreichbar.",
                                      "Mobilität: zu Fuß; Wohnen: dicht")]  # fmt: skip
    assert rows["Themen"][1:] == [("Mobilität", 2, 10), ("Thema ohne Titel", 1, 9),
                                  ("Grüne Innenstadt", 0, 0)]  # fmt: skip
    assert rows["Ideen"][0] == ("Idee", "Kategorie", "Stadtteil", "Stand", "Unterstützungen",
                                "Machen mit", "Unterstützende Organisationen")  # fmt: skip
    assert rows["Ideen"][1:] == [  # every idea, most supported first, in words
        ("Bänke", "Soziales und Miteinander", "ohne Angabe", "Vorgeschlagen", 5, 2, 2),
        ("Radweg am Fluss", "Mobilität", "Nord", "In Umsetzung", 1, 0, 0),
    ]
    without = load_workbook(io.BytesIO(to_xlsx(results_document())))["Ideen"]
    shown = {r[3] for r in without.iter_rows(min_row=2, values_only=True)}
    assert shown <= {"Vorgeschlagen", "In Umsetzung", "Nicht weiterverfolgt"}
    assert rows["Nächste Schritte"][1] == ("Radweg am Fluss", "Antrag im Bauausschuss", "ADFC",
                                           "Vorstand", "01.03.2028", "läuft", None,
                                           "04.12.2027, 15:45")  # fmt: skip
    assert rows["Abschlussveranstaltungen"][1:] == [
        ("Abschlussabend", "12.06.2028, 18:30", "12.06.2028, 21:00", "Rathaus", "Altstadt",
         "veröffentlicht", 120, 87, 4, 33),
        ("Abgesagt", "13.06.2028, 18:30", None, "Halle", None, "abgesagt", 50, 0, 0, 0),
    ]  # fmt: skip
    assert book.properties.title == "Stadtdialog Musterstadt: Ergebnisse"


def test_cohort_names_its_cities_in_german() -> None:
    city = results_document()
    cohort = {"year": 2027, "generated_at": city["generated_at"],
              **cohort_results({"aachen": city, "bonn": city})}  # fmt: skip
    extras = Extras(names={"aachen": "Aachen", "bonn": "Bonn"})
    book = load_workbook(io.BytesIO(to_xlsx(cohort, extras)))
    assert book.sheetnames == ["Überblick", "Themen", "Ideen", "Städte"]
    cities = list(book["Städte"].iter_rows(values_only=True))
    assert cities[0][:3] == ("Stadt", "Geführte Gespräche", "Teilnehmende")
    assert [r[0] for r in cities[1:]] == ["Aachen", "Bonn"]
    assert book["Städte"].freeze_panes == "B2"
    assert {r[7] for r in book["Ideen"].iter_rows(min_row=2, values_only=True)} == {
        "Aachen",
        "Bonn",
    }
    rows = _csv_rows(to_csv(cohort, extras))
    assert ["Bonn", "Geführte Gespräche", str(city["talks"]["held"])] in rows


def test_printable_report_shows_the_same_tables_in_german() -> None:
    page = to_html(results_document(), EXTRAS)
    assert page.startswith("<!doctype html>") and "@page{size:A4" in page
    assert "<td>Teilnehmende der geführten Gespräche</td><td class='n'>22</td>" in page
    assert "Stand: 01.12.2027, 11:00" in page and "2027-12-01T" not in page
    assert "<h2>Nächste Schritte</h2>" in page and "Abschlussabend" in page
    assert "<script" not in page and "in_progress" not in page


def test_report_shows_the_working_groups_counted_by_kind_without_personal_data() -> None:
    group = {"name": "AG Mobilität", "formed": False,
             "composition": {"association": 2, "initiative": 1, "foundation": 0,
                             "administration": 1},
             "members": [{"email": "anna@example.org", "organisation": "ADFC",
                          "kind": "association"}]}  # fmt: skip
    page = to_html(results_document(), EXTRAS, Phases(working_groups=[group]))
    assert page.index("<h2>Überblick</h2>") < page.index("<h2>Arbeitsgruppen</h2>")
    assert page.index("<h2>Arbeitsgruppen</h2>") < page.index("<h2>Szenarien</h2>")
    assert "<th>Verwaltung</th>" in page and "<td>AG Mobilität</td><td class='n'>2</td>" in page
    assert "<td>nein</td>" in page and "association" not in page
    assert "anna@example.org" not in page and "ADFC</td><td>Vorstand" in page  # a step's owner


def test_report_draws_the_charts_styled_inside_their_svg() -> None:
    svg = '<svg class="chart"><title id="c-title">T</title><rect class="chart__bar"></rect></svg>'
    charts = [("Tischgespräche (Anzahl Gespräche)", svg)]
    page = to_html(results_document(), EXTRAS, Phases(working_groups=[], charts=charts))
    assert "<h2>In Grafiken</h2>" in page
    assert "<figcaption>Tischgespräche (Anzahl Gespräche)</figcaption>" in page
    assert '<svg class="chart"><style>.chart__bar{fill:#1a4a8a}' in page


def test_a_missing_service_leaves_its_section_saying_so() -> None:
    extras = Extras(scenarios=None, topics=None, next_steps=[], closing_events=[])
    page = to_html(results_document(), extras, Phases(working_groups=None))
    assert "<h2>Arbeitsgruppen</h2>\n<p>Nicht verfügbar.</p>" in page
    assert "<h2>Szenarien</h2>\n<p>Nicht verfügbar.</p>" in page
