"""The whole project as one XLSX workbook, over HTTP against every real process: exported from a
finished project (a hostile factor name, profile fields with line breaks, scenarios published and
draft, own assessment criteria), imported into another city's empty project by its facilitator —
the two projects, read back through the API and stripped of ids, timestamps and people, are the
same (settings, factors, key factors, projections, the mean matrices, the CIB mean, scenarios with
their projections and narrative, criteria); the scenarios come in as drafts without a run, and
once the facilitator publishes the ones that were published, the export is the same file, sheet
for sheet. A second import is refused (the project has factors), a file without a sheet is
refused naming it, the same project as a ZIP of CSV files goes in as the workbook does, and only
facilitators export or import."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import requests
from openpyxl import Workbook, load_workbook
from scenarios_support import make_scenario_city, small_project
from test_scenarios_exchange import browser

pytestmark = pytest.mark.integration


HOSTILE = '=HYPERLINK("http://evil.example","klick")'


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _csv_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _dump(city) -> dict:
    """The project as the API shows it to its facilitator, without ids, timestamps, raters and
    runs: what the file promises to carry."""

    def get(tail: str):  # noqa: ANN202
        response = city.get(tail, city.facilitator)
        assert response.status_code == 200, (tail, response.text)
        return response.json()

    project = get("/project")
    factors = get("/factors")
    name = {f["id"]: f["title"] for f in factors}
    fields = ("title", "description", "indicators", "current_state", "sources", "key")
    influence = get("/influence")
    rated = [name[f["id"]] for f in influence["factors"]]
    layout = get("/projections")
    label = {p["id"]: (kf["title"], p["title"]) for kf in layout["key_factors"]
             for p in kf["projections"]}  # fmt: skip

    def mean(view: dict) -> dict:
        ids = view["projection_ids"]
        return {(label[a], label[b]): v for a, row in zip(ids, view["matrix"], strict=True)
                for b, v in zip(ids, row, strict=True) if v is not None}  # fmt: skip

    return {
        "project": {k: project[k] for k in ("title", "description", "settings")},
        "factors": [{k: f[k] for k in fields} for f in factors],
        "influence": {
            (a, b): v
            for a, row in zip(rated, influence["matrix"], strict=True)
            for b, v in zip(rated, row, strict=True)
            if v is not None
        },  # fmt: skip
        "key_factors": [
            (
                kf["title"],
                [(p["title"], p["description"], p["probability"]) for p in kf["projections"]],
            )  # fmt: skip
            for kf in layout["key_factors"]
        ],
        "consistency": mean(get("/consistency")),
        "cross_impact": mean(get("/cross-impacts")),
        "scenarios": [
            (
                s["title"],
                s["narrative"],
                [label[p["projection_id"]] for p in s["projections"]],  # named as now
            )
            for s in get("/scenarios")
        ],
        "criteria": [
            (c["title_de"], c["description_de"])
            for c in get("/criteria")
            if c["source"] == "project"
        ],  # fmt: skip
    }


def _import(session, base: str, slug: str, data: bytes, name: str = "projekt.xlsx"):
    page = f"{base}/stadt/{slug}/szenarien/werkstatt"
    html = session.get(page, timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return session.post(
        f"{page}/projekt/import",
        data={"csrf_token": csrf},
        files={"datei": (name, data)},
        timeout=120,
        allow_redirects=False,
    )


def test_a_project_goes_to_excel_and_into_an_empty_project(scenario_city, api, cities) -> None:
    source = scenario_city
    made = small_project(source)
    first = made["factors"][0]
    changed = source.put(
        f"/factors/{first}",
        {"title": HOSTILE, "indicators": "Modal Split\nPendler", "current_state": "40 % Auto"},
    )
    assert changed.status_code == 200, changed.text
    raws = made["run"]["result"]["raw_scenarios"]
    written = []
    for n, (title, narrative) in enumerate(
        [("Grün", "Zwei\nAbsätze, ein =Zeichen"), (HOSTILE, ""), ("Entwurf bleibt", "offen")]
    ):
        raw = raws[n % len(raws)]
        body = {"run_id": made["run"]["id"], "cluster": raw["cluster"], "title": title,
                "narrative": narrative}  # fmt: skip
        done = source.post("/scenarios", body)
        assert done.status_code == 201, done.text
        written.append(done.json()["id"])
    for ident in written[:2]:
        assert source.post(f"/scenarios/{ident}/publish").status_code == 200
    for title, text in (("Bürgernähe", "Wie nah\nan den Leuten?"), ("@Kosten", "")):
        made_c = source.post("/criteria", {"title": title, "description": text})
        assert made_c.status_code == 201, made_c.text
    order = made["order"]  # two projections per key factor, grouped by key factor
    cross = [[None if i // 2 == j // 2 else (i * 7 + j * 3) % 7 - 3 for j in range(len(order))]
             for i in range(len(order))]  # fmt: skip
    judged = source.put(
        "/cross-impacts/rating", {"projection_ids": order, "matrix": cross}, source.members[0]
    )
    assert judged.status_code == 200, judged.text
    member = browser(api, source.members[0])
    url = f"{api.base}/stadt/{source.slug}/szenarien/werkstatt/projekt.xlsx"
    assert member.get(url, timeout=30).status_code == 403
    facilitator = browser(api, source.facilitator)
    exported = facilitator.get(url, timeout=60)
    assert exported.status_code == 200, exported.text[:300]
    assert f'filename="projekt-{source.slug}.xlsx"' in exported.headers["Content-Disposition"]
    sheets = _sheets(exported.content)
    assert list(sheets) == [
        "Projekt", "Einflussfaktoren", "Einflussmatrix", "Schlüsselfaktoren", "Projektionen",
        "Konsistenzmatrix", "Cross-Impact-Matrix", "Szenarien", "Bewertungskriterien",
    ]  # fmt: skip
    assert sheets["Einflussfaktoren"][1][1] == "'" + HOSTILE  # never a formula
    assert sheets["Einflussfaktoren"][1][3] == "Modal Split\nPendler"
    assert len(sheets["Schlüsselfaktoren"]) == 4 and len(sheets["Projektionen"]) == 7
    assert [row[:2] for row in sheets["Szenarien"][1:]] == [
        ("Grün", "veröffentlicht"),
        ("'" + HOSTILE, "veröffentlicht"),
        ("Entwurf bleibt", "Entwurf"),
    ]
    assert sheets["Bewertungskriterien"][1:] == [
        ("Bürgernähe", "Wie nah\nan den Leuten?"), ("'@Kosten", None)]  # fmt: skip
    for name in (
        "Einflussmatrix",
        "Konsistenzmatrix",
        "Cross-Impact-Matrix",
    ):  # means to carry over, not empty grids
        assert sum(isinstance(v, int) for row in sheets[name][1:] for v in row[1:]) >= 10, name

    # another city's empty project takes it in
    target = make_scenario_city(api, cities)
    created = target.post("/project", {"title": "Leer", "key_factor_count": 4})
    assert created.status_code == 201, created.text
    target.to_scenarios()
    other = browser(api, target.facilitator)
    assert _import(browser(api, target.members[0]), api.base, target.slug, b"x").status_code == 403
    done = _import(other, api.base, target.slug, exported.content)
    assert done.status_code == 302, done.text[:2000]
    assert "szenarien=3" in done.headers["Location"]
    shown = other.get(api.base + done.headers["Location"], timeout=30).text
    assert "Als Entwürfe übernommene Szenarien: 3." in shown
    wanted = _dump(source)
    assert _dump(target) == wanted  # the whole project, not only its sheets
    imported = target.get("/scenarios", target.facilitator).json()
    assert [(s["status"], s["origin"], s["run_id"]) for s in imported] == [
        ("draft", "import", None)
    ] * 3  # publishing stays the facilitator's act
    factors = target.get("/factors", target.facilitator).json()
    assert factors[0]["title"] == HOSTILE and factors[0]["current_state"] == "40 % Auto"
    for s in imported[:2]:
        assert target.post(f"/scenarios/{s['id']}/publish").status_code == 200
    again = other.get(
        f"{api.base}/stadt/{target.slug}/szenarien/werkstatt/projekt.xlsx", timeout=60
    )
    assert _sheets(again.content) == sheets  # every sheet, the scenarios and criteria too
    citizens = requests.get(f"{api.base}/stadt/{target.slug}/szenarien", timeout=30)
    assert citizens.status_code == 200 and "Grün" in citizens.text
    assert "Die Szenariokarte" not in citizens.text  # imported: no run, no map, no profile
    assert "profil.svg" not in citizens.text
    no_map = requests.get(f"{api.base}/stadt/{target.slug}/szenarien/karte.svg", timeout=30)
    assert no_map.status_code == 404  # published, but none written from a run
    pdf = requests.get(f"{api.base}/stadt/{target.slug}/szenarien/szenarien.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")  # whole without the map

    # a second import: refused, nothing changes; a file without a sheet: refused, named
    twice = _import(other, api.base, target.slug, exported.content)
    assert twice.status_code == 409
    assert "Das Projekt hat schon Einflussfaktoren" in twice.text
    assert len(target.get("/factors", target.facilitator).json()) == len(factors)
    book = Workbook()
    book.active.title = "Projekt"
    broken = io.BytesIO()
    book.save(broken)
    third = make_scenario_city(api, cities)
    assert third.post("/project", {"title": "Dritte", "key_factor_count": 4}).status_code == 201
    third.to_scenarios()
    refused = _import(browser(api, third.facilitator), api.base, third.slug, broken.getvalue())
    assert refused.status_code == 422
    assert "Das Blatt „Projektionen“ fehlt." in refused.text
    assert 'href="#projekt-datei"' in refused.text
    assert third.get("/factors", third.facilitator).json() == []

    # the same project as CSV files in a ZIP (German Excel) goes in as the workbook does
    zipped = facilitator.get(
        f"{api.base}/stadt/{source.slug}/szenarien/werkstatt/projekt.zip", timeout=60
    )
    assert zipped.status_code == 200 and zipped.content.startswith(b"PK")
    assert f'filename="projekt-{source.slug}-csv.zip"' in zipped.headers["Content-Disposition"]
    assert member.get(f"{api.base}/stadt/{source.slug}/szenarien/werkstatt/projekt.zip",
                      timeout=30).status_code == 403  # fmt: skip
    from_csv = _import(browser(api, third.facilitator), api.base, third.slug, zipped.content,
                       "projekt.zip")  # fmt: skip
    assert from_csv.status_code == 302, from_csv.text[:2000]
    assert _dump(third) == wanted
    for s in third.get("/scenarios", third.facilitator).json()[:2]:
        assert third.post(f"/scenarios/{s['id']}/publish").status_code == 200
    rezipped = browser(api, third.facilitator).get(
        f"{api.base}/stadt/{third.slug}/szenarien/werkstatt/projekt.zip", timeout=60
    )
    assert _csv_files(rezipped.content) == _csv_files(zipped.content)  # byte for byte

    # an imported scenario is edited against the project's projections (it has no run)
    draft = third.get("/scenarios", third.facilitator).json()[2]
    page = browser(api, third.facilitator).get(
        f"{api.base}/stadt/{third.slug}/szenarien/werkstatt/szenarien/{draft['id']}/bearbeiten",
        timeout=30,
    )
    assert page.status_code == 200 and "eine Projektion des Projekts" in page.text
    layout = third.get("/projections", third.facilitator).json()["key_factors"]
    picked = [kf["projections"][0]["id"] for kf in layout]
    edited = third.put(f"/scenarios/{draft['id']}", {"projection_ids": picked})
    assert edited.status_code == 200, edited.text
    assert [p["projection_id"] for p in edited.json()["projections"]] == picked
    twice_one = [layout[0]["projections"][0]["id"], layout[0]["projections"][1]["id"]]
    refused = third.put(f"/scenarios/{draft['id']}", {"projection_ids": twice_one})
    assert refused.status_code == 422, refused.text
    shown = third.get(f"/scenarios/{draft['id']}/profile.svg", third.facilitator)
    assert shown.status_code == 200 and "<svg" in shown.text
