"""The whole project as one XLSX workbook, over HTTP against every real process: exported from a
finished project (a hostile factor name, profile fields with line breaks), imported into another
city's empty project by its facilitator, exported again — every sheet but the scenarios is the
same, cell for cell. A second import is refused (the project has factors), a file without a
sheet is refused naming it, the same project as a ZIP of CSV files goes in as the workbook
does, and only facilitators export or import."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from scenarios_support import make_scenario_city, small_project
from test_scenarios_exchange import browser

pytestmark = pytest.mark.integration

HOSTILE = '=HYPERLINK("http://evil.example","klick")'


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


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
    raw = made["run"]["result"]["raw_scenarios"][0]
    body = {"run_id": made["run"]["id"], "cluster": raw["cluster"], "title": "Grün"}
    assert source.post("/scenarios", body).status_code == 201

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
        "Konsistenzmatrix", "Cross-Impact-Matrix", "Szenarien",
    ]  # fmt: skip
    assert sheets["Einflussfaktoren"][1][1] == "'" + HOSTILE  # never a formula
    assert sheets["Einflussfaktoren"][1][3] == "Modal Split\nPendler"
    assert len(sheets["Schlüsselfaktoren"]) == 4 and len(sheets["Projektionen"]) == 7
    assert sheets["Szenarien"][1][:2] == ("Grün", "Entwurf")
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
    assert "szenarien=1" in done.headers["Location"]
    again = other.get(
        f"{api.base}/stadt/{target.slug}/szenarien/werkstatt/projekt.xlsx", timeout=60
    )
    copied = _sheets(again.content)
    for name in list(sheets)[:-1]:
        assert copied[name] == sheets[name], name
    assert copied["Szenarien"] == [sheets["Szenarien"][0]]  # the header: none imported
    factors = target.get("/factors", target.facilitator).json()
    assert factors[0]["title"] == HOSTILE and factors[0]["current_state"] == "40 % Auto"

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
    third_copy = _sheets(
        browser(api, third.facilitator)
        .get(f"{api.base}/stadt/{third.slug}/szenarien/werkstatt/projekt.xlsx", timeout=60)
        .content
    )
    for name in list(sheets)[:-1]:
        assert third_copy[name] == sheets[name], name
