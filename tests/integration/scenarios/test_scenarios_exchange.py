"""Matrices exchanged with Excel on the workshop pages, over HTTP against every real process:
export → import gives the identical matrix (CSV and XLSX), an import becomes the importing
person's own rating and leaves the others', hostile factor names are neutralised in the file
and survive the round trip, a broken file is refused with row, column and reason in German
(never a 500), and only editors import or export their own matrix."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from csv import reader
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from scenarios_support import small_project

pytestmark = pytest.mark.integration

PASSWORD = "Tischgespräch-42"
HOSTILE = ['=HYPERLINK("http://evil.example","klick")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-1+1"]


def browser(api, person: dict) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{api.base}/anmelden", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    done = session.post(
        f"{api.base}/anmelden",
        data={"csrf_token": csrf, "email": person["email"], "password": PASSWORD},
        timeout=30,
    )
    assert done.status_code == 200, done.text
    return session


def upload(api, session: requests.Session, page: str, name: str, data: bytes):
    """The import form of a workshop page, as a browser sends it."""
    html = session.get(f"{api.base}{page}", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return session.post(
        f"{api.base}{page}/import",
        data={"csrf_token": csrf},
        files={"datei": (name, data)},
        timeout=30,
        allow_redirects=False,
    )


def test_influence_round_trip_with_hostile_names_and_import_as_own_rating(scenario_city) -> None:
    city = scenario_city
    m1, m2 = city.members
    city.create_project()
    city.to_scenarios()
    factors = []
    for title in [*HOSTILE, "Verkehr"]:
        made = city.post("/factors", {"title": title}, m1)
        assert made.status_code == 201, made.text
        factors.append(made.json()["id"])
    n = len(factors)
    matrix = [[None if i == j else (i * 3 + j) % 4 for j in range(n)] for i in range(n)]
    matrix[1][4] = None  # not judged stays not judged
    rated = city.put("/influence/rating", {"factor_ids": factors, "matrix": matrix}, m1)
    assert rated.status_code == 200, rated.text
    mine = rated.json()

    api = city.api
    page = f"/stadt/{city.slug}/szenarien/werkstatt/einfluss"
    s1, s2 = browser(api, m1), browser(api, m2)
    shown = s1.get(f"{api.base}{page}", timeout=30).text
    assert "Austausch mit Excel" in shown and "Als meine Bewertung importieren" in shown

    xlsx = s1.get(f"{api.base}{page}/export.xlsx", timeout=30)
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "B2"
    labels = [c.value for c in sheet[1]][1:]
    assert labels == ["'" + t for t in HOSTILE] + ["Verkehr"]  # names, neutralised, no ids
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

    csv = s1.get(f"{api.base}{page}/export.csv", timeout=30)
    assert csv.content.startswith(b"\xef\xbb\xbf")
    header = next(reader(io.StringIO(csv.content.decode("utf-8-sig")), delimiter=";"))
    assert header == ["wirkt auf →", *labels]

    # m2 takes m1's file as their own rating; m1 re-imports their CSV: both identical
    assert upload(api, s2, page, "einfluss.xlsx", xlsx.content).status_code == 302
    assert upload(api, s1, page, "einfluss.csv", csv.content).status_code == 302
    for who in (m1, m2):
        again = city.get("/influence/rating", who).json()
        assert again["factor_ids"] == mine["factor_ids"]
        assert again["matrix"] == mine["matrix"]
    assert {r["judged"] for r in city.get("/influence", city.facilitator).json()["raters"]} == {
        mine["progress"]["judged"]
    }

    # a facilitator exports the overview (two equal raters: the same values)
    fac = browser(api, city.facilitator)
    overview = fac.get(f"{api.base}{page}/export.csv?quelle=gesamt", timeout=30)
    assert overview.status_code == 200
    assert overview.content.decode("utf-8-sig").splitlines()[1].split(";")[2] == str(matrix[0][1])
    # a member may not read the overview (the service says so)
    assert s1.get(f"{api.base}{page}/export.csv?quelle=gesamt", timeout=30).status_code == 403

    # a broken file: German reasons with row and column, the page again, nothing stored
    bad = "wirkt auf →;Verkehr;Unbekannt\r\nVerkehr;2;\r\n'-1+1;7;\r\n".encode()
    refused = upload(api, s2, page, "kaputt.csv", bad)
    assert refused.status_code == 422
    text = refused.text
    assert "Zeile 1, Spalte C: „Unbekannt“ ist kein Einflussfaktor dieses Projekts." in text
    assert "Zeile 2, Spalte B: Dieses Feld wird nicht bewertet" in text
    assert "Zeile 3, Spalte B: „7“ ist kein Wert von 0 bis 3" in text
    assert 'aria-invalid="true"' in text and "Bitte korrigiere Folgendes:" in text
    assert city.get("/influence/rating", m2).json()["matrix"] == mine["matrix"]
    for name, data in (("leer.xlsx", b""), ("x.xlsx", b"PK\x03\x04kaputt"), ("x.xlsx", b"\x00")):
        assert upload(api, s2, page, name, data).status_code == 422


def test_consistency_round_trip_upper_triangle_and_mirror_conflict(scenario_city) -> None:
    city = scenario_city
    m1, m2 = city.members
    small_project(city, n_factors=5, key=3, projections=2)
    mine = city.get("/consistency/rating", m1).json()
    api = city.api
    page = f"/stadt/{city.slug}/szenarien/werkstatt/konsistenz"
    s1, s2 = browser(api, m1), browser(api, m2)
    for fmt in ("xlsx", "csv"):
        exported = s1.get(f"{api.base}{page}/export.{fmt}", timeout=30)
        assert exported.status_code == 200
        assert upload(api, s2, page, f"k.{fmt}", exported.content).status_code == 302
        assert city.get("/consistency/rating", m2).json()["matrix"] == mine["matrix"]
    sheet = load_workbook(io.BytesIO(s1.get(f"{api.base}{page}/export.xlsx").content)).active
    assert ":" in sheet["A2"].value  # "key factor: projection"
    assert all(sheet.cell(r, c).value is None for r in range(2, 8) for c in range(2, r + 1))
    # a value given in both triangles that disagrees is refused at its cell
    rows = list(sheet.iter_rows(values_only=True))
    labels = rows[0][1:]
    j = next(k for k, v in enumerate(rows[1][1:]) if v is not None)
    grid = [list(r) for r in rows]
    grid[j + 1][1] = 5 if rows[1][j + 1] != 5 else 4
    text = "\r\n".join(";".join("" if v is None else str(v) for v in r) for r in grid)
    refused = upload(api, s2, page, "k.csv", text.encode("utf-8"))
    assert refused.status_code == 422, refused.text
    assert "weicht vom gespiegelten Feld" in refused.text
    assert labels  # the labels came from the export


def test_a_run_result_goes_out_as_xlsx_and_csv(scenario_city) -> None:
    city = scenario_city
    made = small_project(city, n_factors=5, key=3, projections=3)
    started = city.post("/runs", {"top": 10, "n_clusters": 3, "with_cib": True})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    titles = {
        p["id"]: p["title"] for kf in run["snapshot"]["key_factors"] for p in kf["projections"]
    }
    api = city.api
    s1 = browser(api, city.members[0])
    page = f"{api.base}/stadt/{city.slug}/szenarien/werkstatt/laeufe/{run['id']}"
    assert "alle Tabellen als XLSX" in s1.get(page, timeout=30).text
    xlsx = s1.get(f"{page}/export.xlsx", timeout=30)
    assert xlsx.status_code == 200
    assert f'filename="berechnung-2-{city.slug}.xlsx"' in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Rohszenarien", "Anteile", "Bündel", "CIB", "Einstellungen"]
    raw_rows = list(book["Rohszenarien"].iter_rows(values_only=True))
    factors = [kf["title"] for kf in run["snapshot"]["key_factors"]]
    assert list(raw_rows[0][3:]) == factors
    for row, raw in zip(raw_rows[1:], run["result"]["raw_scenarios"], strict=True):
        assert list(row[3:]) == [titles[p] for p in raw["characteristic"]]
    bundles = list(book["Bündel"].iter_rows(values_only=True))[1:]
    assert len(bundles) == len(run["result"]["bundles"])
    assert [b[2] for b in bundles] == [b["sum"] for b in run["result"]["bundles"]]
    assert len(list(book["CIB"].iter_rows())) == 1 + run["result"]["cib"]["n_scenarios"]

    csv = s1.get(f"{page}/export.csv?teil=buendel", timeout=30)
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(reader(io.StringIO(csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Rang", "Rohszenario", "Konsistenzsumme"]
    assert rows[1][3] == f"{run['result']['bundles'][0]['mean']:.3f}".rstrip("0").rstrip(
        "."
    ).replace(".", ",")
    assert s1.get(f"{page}/export.csv?teil=unbekannt", timeout=30).status_code == 404
    assert made["run"]["id"] != run["id"]


SCW = Path(__file__).parents[2] / "fixtures/scenario-examples/scenariowizard_somewhereland.scw"


def test_a_scenariowizard_file_gives_the_command_lines_cib_solution(scenario_city) -> None:
    city = scenario_city
    city.create_project()
    city.to_scenarios()
    api = city.api
    fac = browser(api, city.facilitator)
    page = f"/stadt/{city.slug}/szenarien/werkstatt"
    html = fac.get(f"{api.base}{page}", timeout=30).text
    assert "ScenarioWizard-Datei übernehmen" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def send(name: str, data: bytes):
        return fac.post(
            f"{api.base}{page}/scenariowizard",
            data={"csrf_token": csrf},
            files={"datei": (name, data)},
            timeout=30,
            allow_redirects=False,
        )

    refused = send("kaputt.scw", b"$ ScenarioWizard 4.0\r\nx\r\n&A\r\n -A1\r\n#\r\n1,2\r\n")
    assert refused.status_code == 422, refused.text
    assert "lässt sich nicht als ScenarioWizard-Datei (.scw) lesen" in refused.text
    assert send("leer.scw", b"").status_code == 422
    assert city.get("/factors", city.facilitator).json() == []
    # a member may not import
    member = browser(api, city.members[0])
    html = member.get(f"{api.base}{page}", timeout=30).text
    assert "ScenarioWizard-Datei übernehmen" not in html

    done = send(SCW.name, SCW.read_bytes())
    assert done.status_code == 302, done.text
    layout = city.get("/projections", city.facilitator).json()
    assert [kf["title"] for kf in layout["key_factors"]][:2] == [
        "A. Government",
        "B. Foreign policy",
    ]
    assert layout["key_factors"][0]["projections"][0]["title"] == "A1 Patriots party"
    # a second file is refused: the project has factors now
    again = send(SCW.name, SCW.read_bytes())
    assert again.status_code == 409
    assert "hat schon Einflussfaktoren" in again.text

    started = city.post("/runs", {"top": 5, "with_cib": True, "missing": "neutral"})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    cib = run["result"]["cib"]
    assert cib["source"] == "cross_impacts"
    short = {
        p["id"]: p["title"].split(" ", 1)[0]
        for kf in run["snapshot"]["key_factors"]
        for p in kf["projections"]
    }
    cli = subprocess.run(
        [sys.executable, "-m", "services.scenarios.engine.cli", "cib", str(SCW)],
        capture_output=True,
        check=True,
        text=True,
    )
    expected = json.loads(cli.stdout)
    assert cib["n_scenarios"] == expected["n_scenarios"] == 10
    assert [
        ([short[p] for p in s["projections"]], s["ic"], s["tis"], s["cv"]) for s in cib["scenarios"]
    ] == [(s["variants"], s["ic"], s["tis"], s["cv"]) for s in expected["scenarios"]]
    # a rerun keeps the imported matrix
    rerun = city.post(f"/runs/{run['id']}/rerun", {"top": 4})
    assert rerun.status_code == 202, rerun.text
    assert city.wait_run(rerun.json()["id"])["result"]["cib"] == cib
