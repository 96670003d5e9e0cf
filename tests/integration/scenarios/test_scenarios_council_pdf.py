"""The scenario set for the council as one PDF, over HTTP against every real process: before a
scenario is published only facilitators and city admins get it (it says none is published yet)
and the scenarios page links it for them only; once published, everyone. Read back with pypdf:
the headings in their order, each scenario's profile, hostile titles as plain text, drafts left
out, each scenario on a page of its own."""

from __future__ import annotations

import io

import pytest
import requests
from pypdf import PdfReader
from scenarios_support import small_project
from test_scenarios_exchange import browser

from gateway.results_report import MAP_HEADING

pytestmark = pytest.mark.integration

HOSTILE = '<b>Grüne</b> Nachbarschaften & =HYPERLINK("x")'


def _text(pdf: bytes) -> tuple[str, int]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages), len(pages)


def test_the_council_pdf_of_the_published_scenarios(scenario_city, tmp_path) -> None:
    city = scenario_city
    made = small_project(city)
    run = made["run"]
    raws = run["result"]["raw_scenarios"]
    assert len(raws) >= 2, raws
    titles = [HOSTILE, "Stadt der kurzen Wege", "Nur ein Entwurf"]
    ids = []
    for raw, title in zip([*raws[:2], raws[0]], titles, strict=True):
        body = {"run_id": run["id"], "cluster": raw["cluster"], "title": title}
        if title != "Nur ein Entwurf":
            body["narrative"] = f"Erzählung zu {title}.\nZweite Zeile."
        created = city.post("/scenarios", body)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    name = city.api.get(f"/cities/{city.slug}").json()["name"]
    pdf_url = f"{city.api.base}/stadt/{city.slug}/szenarien/szenarien.pdf"
    page_url = f"{city.api.base}/stadt/{city.slug}/szenarien"

    # nothing published: the facilitator previews it, a citizen gets nothing
    assert requests.get(pdf_url, timeout=60).status_code == 404
    citizen = browser(city.api, city.citizen)
    assert citizen.get(pdf_url, timeout=60).status_code == 404
    assert "szenarien.pdf" not in citizen.get(page_url, timeout=30).text
    facilitator = browser(city.api, city.facilitator)
    assert "szenarien.pdf" in facilitator.get(page_url, timeout=30).text
    preview = facilitator.get(pdf_url, timeout=60)
    assert preview.status_code == 200, preview.text[:300]
    text, _ = _text(preview.content)
    assert "Noch sind keine Szenarien veröffentlicht." in text and HOSTILE not in text

    for scenario_id in ids[:2]:
        published = city.post(f"/scenarios/{scenario_id}/publish")
        assert published.status_code == 200, published.text

    # published: everyone, a PDF download with the scenarios and the map
    assert "szenarien.pdf" in requests.get(page_url, timeout=30).text
    pdf = requests.get(pdf_url, timeout=60)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    disposition = pdf.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="szenarien-{city.slug}.pdf"'
    assert pdf.content.startswith(b"%PDF-")
    (tmp_path / "szenarien.pdf").write_bytes(pdf.content)  # to look at
    text, pages = _text(pdf.content)
    flat = " ".join(text.replace("-\n", "-").split())  # a long name breaks at its hyphen
    headings = [
        f"Zukunftsszenarien für {name}",
        "Die Szenarien im Vergleich",
        MAP_HEADING,
        f"Szenario 1: {HOSTILE}",
        "Szenario 2: Stadt der kurzen Wege",
    ]
    at = [flat.find(h) for h in headings]
    assert -1 not in at and at == sorted(at), list(zip(headings, at, strict=True))
    assert "Nur ein Entwurf" not in flat  # a draft stays out
    assert f"Erzählung zu {HOSTILE}." in flat and "Zweite Zeile." in flat
    profile = city.get("/scenarios").json()[0]["projections"]
    assert profile, "a scenario names its key factors' projections"
    for p in profile:
        assert p["factor_title"] in flat and p["title"] in flat
    assert "Punkt 1:" in flat or "Punkt 2:" in flat  # the map's legend: its points' numbers
    assert pages >= 3  # the comparison and map, then each scenario on a page of its own
    last = PdfReader(io.BytesIO(pdf.content)).pages[-1].extract_text()
    assert "Szenario 2: Stadt der kurzen Wege" in " ".join(last.split())
