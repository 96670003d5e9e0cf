"""The cross-impact (CIB) judgement matrix exchanged with Excel on the CIB page, over HTTP
against every real process: export → import gives the identical directed matrix (CSV and XLSX,
−3…+3, the own-key-factor blocks empty), an import becomes the importing person's own
judgement, a hostile projection name is neutralised in the file and survives the round trip,
a typographic minus typed in Excel reads as a minus, a broken file is refused with row, column
and reason in German, and only a facilitator reads the group's mean."""

from __future__ import annotations

import io
from csv import reader

import pytest
from openpyxl import load_workbook
from scenarios_support import small_project
from test_scenarios_exchange import browser, upload

pytestmark = pytest.mark.integration

HOSTILE = '=HYPERLINK("http://evil.example","klick")'


def test_cross_impact_round_trip_with_signs_hostile_names_and_import_as_own(scenario_city):
    city = scenario_city
    m1, m2 = city.members
    made = small_project(city, n_factors=5, key=3, projections=2)
    hostile = city.post("/projections", {"factor_id": made["key"][0], "title": HOSTILE}, m1)
    assert hostile.status_code == 201, hostile.text
    # a label is "key factor: projection": a hostile factor name starts it
    renamed = city.put(f"/factors/{made['key'][0]}", {"title": HOSTILE}, m1)
    assert renamed.status_code == 200, renamed.text
    layout = city.get("/projections", city.facilitator).json()
    order = layout["order"]
    factor_of = {p["id"]: kf["id"] for kf in layout["key_factors"] for p in kf["projections"]}
    n = len(order)
    matrix = [
        [None if factor_of[a] == factor_of[b] else (i * 5 + j) % 7 - 3 for j, b in enumerate(order)]
        for i, a in enumerate(order)
    ]
    cell = next((i, j) for i in range(n) for j in range(n) if matrix[i][j] is not None)
    matrix[cell[0]][cell[1]] = None  # not judged stays not judged
    saved = city.put("/cross-impacts/rating", {"projection_ids": order, "matrix": matrix}, m1)
    assert saved.status_code == 200, saved.text
    mine = saved.json()
    assert {v for row in mine["matrix"] for v in row} >= {-3, 3, 0, None}

    api = city.api
    page = f"/stadt/{city.slug}/szenarien/werkstatt/cib"
    s1, s2 = browser(api, m1), browser(api, m2)
    shown = s1.get(f"{api.base}{page}", timeout=30).text
    assert "Austausch mit Excel" in shown and f"{page}/export.xlsx" in shown
    assert "Als meine Bewertung importieren" in shown and "quelle=gesamt" not in shown

    xlsx = s1.get(f"{api.base}{page}/export.xlsx", timeout=30)
    assert xlsx.status_code == 200, xlsx.text
    assert f'filename="cross-impact-matrix-{city.slug}.xlsx"' in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "B2"
    labels = [c.value for c in sheet[1]][1:]
    assert len(labels) == n and sum(label.startswith("'=HYPERLINK") for label in labels) == 3
    assert all(":" in label for label in labels)  # "key factor: projection", no ids
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    values = [list(r)[1:] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [[None if v is None else int(v) for v in row] for row in mine["matrix"]]

    csv = s1.get(f"{api.base}{page}/export.csv", timeout=30)
    assert csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(reader(io.StringIO(csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["wirkt auf →", *labels]
    assert "-3" in [v for row in rows[1:] for v in row]  # a plain negative, not "'-3"

    # m2 takes m1's XLSX as their own; m1 re-imports the CSV with a typographic minus
    assert upload(api, s2, page, "cib.xlsx", xlsx.content).status_code == 302
    typed = csv.content.decode("utf-8").replace(";-", ";\u2212").encode("utf-8")
    assert upload(api, s1, page, "cib.csv", typed).status_code == 302
    for who in (m1, m2):
        again = city.get("/cross-impacts/rating", who).json()
        assert again["projection_ids"] == order
        assert again["matrix"] == mine["matrix"]

    # the facilitator's overview: two equal raters give the same values; members may not
    fac = browser(api, city.facilitator)
    assert "quelle=gesamt" in fac.get(f"{api.base}{page}", timeout=30).text
    overview = fac.get(f"{api.base}{page}/export.xlsx?quelle=gesamt", timeout=30)
    assert overview.status_code == 200
    mean = [list(r)[1:] for r in load_workbook(io.BytesIO(overview.content)).active.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert mean == values
    assert s1.get(f"{api.base}{page}/export.csv?quelle=gesamt", timeout=30).status_code == 403
    assert s1.get(f"{api.base}{page}/export.pdf", timeout=30).status_code == 404

    # a broken file: German reasons with row and column, the page again, nothing stored
    a, b = order[0], next(p for p in order if factor_of[p] != factor_of[order[0]])
    own = next(p for p in order[1:] if factor_of[p] == factor_of[a])
    name = {p: labels[k] for k, p in enumerate(order)}
    bad = (
        f"wirkt auf →;{name[b]};{name[own]};Unbekannt\r\n{name[a]};4;1;\r\n{name[b]};;−2;\r\n"
    ).encode("utf-8-sig")
    refused = upload(api, s2, page, "kaputt.csv", bad)
    assert refused.status_code == 422, refused.text[:500]
    text = refused.text
    assert "Zeile 1, Spalte D: „Unbekannt“ ist keine Projektion eines Schlüsselfaktors" in text
    assert "Zeile 2, Spalte B: „4“ ist kein Wert von -3 bis 3" in text
    assert "Zeile 2, Spalte C: Dieses Feld wird nicht bewertet" in text
    assert 'aria-invalid="true"' in text and "Bitte korrigiere Folgendes:" in text
    assert city.get("/cross-impacts/rating", m2).json()["matrix"] == mine["matrix"]
    for file_name, data in (("leer.csv", b""), ("x.xlsx", b"PK\x03\x04kaputt")):
        assert upload(api, s2, page, file_name, data).status_code == 422

    # a run with CIB uses the imported judgements
    started = city.post("/runs", {"top": 5, "with_cib": True, "missing": "neutral"})
    assert started.status_code == 202, started.text
    assert city.wait_run(started.json()["id"])["result"]["cib"]["source"] == "cross_impacts"
