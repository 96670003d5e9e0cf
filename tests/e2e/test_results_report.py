"""The results report a council reads: a city taken through every phase (a scenario run, two
published scenarios assessed by the working group, a deep-dive topic, a held talk with ideas, a
next step, a closing event), then in a browser from the results page to the report — the PDF
followed from its link and read back with pypdf (every phase's heading, in the phases' order,
German only), the HTML version looked at on a phone and a desktop."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from raw_text_support import findings
from test_event_pages import _dialogue_facts

from services.kit.testing import wait_until

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "scenarios"))
from scenarios_support import ScenarioCity, make_scenario_city, small_project  # noqa: E402

# Every phase's section, in the order the report gives them (results_report._sections).
HEADINGS = [
    "Überblick",
    "Arbeitsgruppen",
    "Szenarien",
    "Szenariokarte",
    "Bewertungen der Szenarien",
    "Szenario-Portfolio",
    "Themen",
    "Ideen",
    "Nächste Schritte",
    "Abschlussveranstaltungen",
]


def _through_every_phase(api, platform, city: ScenarioCity) -> None:  # noqa: ANN001
    run = small_project(city)["run"]
    raws = run["result"]["raw_scenarios"][:2]
    for raw, title in zip(raws, ("Grüne Mitte", "Wachstum am Rand"), strict=True):
        body = {"run_id": run["id"], "cluster": raw["cluster"], "title": title,
                "narrative": f"{title}: so könnte unsere Stadt 2040 aussehen."}  # fmt: skip
        made = city.post("/scenarios", body)
        assert made.status_code == 201, made.text
        assert city.post(f"/scenarios/{made.json()['id']}/publish").status_code == 200
    city.advance("transfer")
    for n, scenario in enumerate(city.get("/scenarios").json()):
        for member, value in zip(city.members, (4, 3), strict=True):
            ratings = {"likelihood": value - 2 * n, "desirability": 5 - value, "impact": value}
            path = f"/scenarios/{scenario['id']}/assessment"
            assert city.put(path, {"ratings": ratings}, member).status_code == 200
    topic = city.post("/topics", {"title": "Innenstadt", "guiding_question": "Wie weiter?"})
    assert city.post(f"/topics/{topic.json()['id']}/submit").status_code == 200
    assert city.post(f"/topics/{topic.json()['id']}/publish").status_code == 200
    token = city.admin["token"]
    wait_until(
        lambda: (
            api.get(f"/cities/{city.slug}/tallies", token=token)
            .json()
            .get("scenarios.topic.published")
        ),
        60,
        "the topic counted",
    )
    phase = f"/cities/{city.slug}/phase"
    assert api.post(phase, {"to": "table_talks"}, token=token).status_code == 200
    idea = _dialogue_facts(platform, city.slug)
    moved = api.post(phase, {"to": "closing", "override_reason": "Test"}, token=token)
    assert moved.status_code == 200, moved.text
    wait_until(
        lambda: api.get(f"/cities/{city.slug}/results", token=token).json()["ideas"]["total"] == 2,
        90,
        "the ideas counted",
    )
    step = {"what": "Machbarkeitsstudie Radweg", "owner_organisation": "Tiefbauamt"}
    added = api.post(f"/cities/{city.slug}/ideas/{idea}/next-steps", step, token=token)
    assert added.status_code == 201, added.text
    starts = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    event = {"title": "Abschlussabend", "starts_at": starts.isoformat(),
             "ends_at": (starts + timedelta(hours=3)).isoformat(), "capacity": 80,
             "venue": {"name": "Rathaussaal", "district": "Mitte"}}  # fmt: skip
    created = api.post(f"/cities/{city.slug}/closing-events", event, token=token)
    assert created.status_code == 201, created.text
    published = f"/cities/{city.slug}/closing-events/{created.json()['id']}/publish"
    assert api.post(published, token=token).status_code == 200


def _pages_as_png(pdf: Path, shots: Path) -> None:
    """The first pages as images to look at (``report-1.png`` … in the test's ``tmp_path``),
    where poppler is installed (``deploy/local/test`` installs it; the checks read the PDF's
    text and need no images)."""
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(shots / "report")],
            check=True,
            timeout=60,
        )
        assert (shots / "report-1.png").exists()


def test_the_report_pdf_from_the_results_page_covers_every_phase(
    desktop: Page, phone: Page, api, cities, platform, tmp_path
) -> None:
    city = make_scenario_city(api, cities)
    _through_every_phase(api, platform, city)

    desktop.goto(f"{api.base}/stadt/{city.slug}/ergebnisse")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="Ergebnisbericht als PDF").click()
    assert download.value.suggested_filename == f"ergebnisbericht-{city.slug}.pdf"
    pdf = tmp_path / "ergebnisbericht.pdf"
    download.value.save_as(pdf)
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    lines = [line.strip() for line in text.splitlines()]
    at = []
    for heading in HEADINGS:  # each a heading line of its own, in the phases' order
        found = [i for i, line in enumerate(lines) if line.startswith(heading)]
        assert found, f"no section {heading!r} in the PDF"
        at.append(next((i for i in found if not at or i > at[-1]), found[0]))
    assert at == sorted(at), dict(zip(HEADINGS, at, strict=True))
    # long words in narrow cells are hyphenated at line ends ("Ab‐ schluss‐ abend"): joined
    flat = " ".join(re.sub("\u2010\\s*", "", text).split())
    for content in ("Grüne Mitte", "Wachstum am Rand", "Wahrscheinlichkeit", "Innenstadt",
                    "Machbarkeitsstudie Radweg", "Abschlussabend", "Rathaussaal"):  # fmt: skip
        assert content in flat, content
    assert "Nicht verfügbar" not in text and "Arbeitsgruppe, danach" not in text
    assert findings(text) == [], findings(text)
    _pages_as_png(pdf, tmp_path)

    # The HTML version of the same report, on a desktop and a phone.
    for page, width in ((desktop, 1366), (phone, 360)):
        if width == 1366:
            page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{api.base}/stadt/{city.slug}/ergebnisse")
        page.get_by_role("link", name="Druckbarer Ergebnisbericht").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ergebnisse")
        expect(page.get_by_role("img", name="Szenariokarte")).to_have_count(1)
        expect(page.get_by_role("heading", name="Bewertungen der Szenarien")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="Punkt 1: ")).to_have_count(1)
        assert fits_the_screen(page), f"horizontal scrolling at {width} px"
        assert accessibility_violations(page) == [], page.url
        page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
