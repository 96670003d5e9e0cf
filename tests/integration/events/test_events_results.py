"""Results with every process real: facts of a scripted dialogue go over the broker into the
events service's read model; the JSON, CSV and XLSX answers carry the same numbers; next steps
of project ideas after the closing are managed, published and shown."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from kombu import Connection
from openpyxl import load_workbook
from pypdf import PdfReader

from gateway.event_catalogue import validation_errors
from gateway.results_export import summary_rows
from services.kit.outbox import publish_envelope
from services.kit.testing import wait_until

pytestmark = pytest.mark.integration


def script(platform, slug: str) -> int:  # noqa: ANN001
    """Publish a small dialogue as the dialogue service would; returns how many facts count."""
    facts = [
        ("talk", "created", {"talk_id": "k1", "topic_id": "d1", "kind": "table_talk"}),
        ("talk", "created", {"talk_id": "k2", "topic_id": "d1", "kind": "table_talk"}),
        ("talk", "created", {"talk_id": "k3", "topic_id": "d2", "kind": "table_talk"}),
        ("talk", "cancelled", {"talk_id": "k3"}),
        ("talk", "documented", {"talk_id": "k1", "topic_id": "d1", "participants": 7}),
        ("talk", "documented", {"talk_id": "k2", "topic_id": "d1", "participants": 5}),
        ("idea", "proposed", {"idea_id": "i1", "category": "verkehr", "district": "Nord"}),
        ("idea", "proposed", {"idea_id": "i2", "category": "kultur", "district": "Süd"}),
        ("idea", "supported", {"idea_id": "i1"}),
        ("idea", "supported", {"idea_id": "i1"}),
        ("idea", "volunteered", {"idea_id": "i2"}),
        ("idea", "status_changed", {"idea_id": "i1", "from": "proposed", "to": "in_progress"}),
    ]
    last = None
    for entity, action, data in facts:
        last = platform.publish_fact("dialogue", entity, action, data, slug)
    # The same fact delivered twice (an outbox retry) must count once.
    with Connection(platform.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        publish_envelope(conn.Producer(), last, public=True)
    platform.publish_fact("dialogue", "registration", "confirmed", {"talk_id": "k1"}, slug)
    return len(facts)


def test_results_match_the_facts_and_every_export_agrees(api, closing_city, platform) -> None:
    slug = closing_city["slug"]
    # Plus the deep-dive topic the city needed to reach the table talks (advance_to_closing).
    counted = script(platform, slug) + 1
    results = wait_until(
        lambda: (
            (r := api.get(f"/cities/{slug}/results").json())["facts"]["counted"] == counted and r
        ),
        30,
        "every fact in the read model",
    )
    assert results["city"] == slug and results["phase"] == "closing"
    assert results["talks"] == {
        "planned": 2,
        "cancelled": 1,
        "held": 2,
        "documentations": 2,
        "participants": 12,
        "scenario_conversations": 0,
    }
    assert results["topics"]["covered"] == 1 and results["topics"]["deep_dive_published"] == 1
    assert results["topics"]["items"][0] == {
        "topic_id": "d1",
        "title": None,
        "talks_held": 2,
        "participants": 12,
    }
    ideas = results["ideas"]
    assert ideas["total"] == 2 and ideas["supports"] == 2 and ideas["helpers"] == 1
    assert ideas["by_status"]["in_progress"] == 1 and ideas["by_status"]["proposed"] == 1
    assert ideas["by_district"] == {"Nord": 1, "Süd": 1}
    assert [i["idea_id"] for i in ideas["most_supported"]] == ["i1", "i2"]
    assert results["closing"]["events"] == 0

    expected = {(s, k): v for s, k, _, v in summary_rows(results)}
    assert expected[("talks", "participants")] == 12 and expected[("ideas", "total")] == 2

    # German Excel opens the CSV as it is: UTF-8 with BOM, semicolons, German labels.
    as_csv = requests.get(api.url(f"/cities/{slug}/results.csv"), timeout=30)
    assert as_csv.status_code == 200
    assert as_csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Bereich", "Kennzahl", "Wert"]
    labels = {label: value for _s, _k, label, value in summary_rows(results)}
    assert {r[1]: int(r[2]) for r in rows[1:] if r[1] in labels} == labels
    assert ["Ideen nach Stand", "In Umsetzung", "1"] in rows
    assert rows[-1][:2] == ["Stand", "Zahlen vom"] and "T" not in rows[-1][2]

    as_xlsx = requests.get(api.url(f"/cities/{slug}/results.xlsx"), timeout=30)
    assert as_xlsx.status_code == 200
    assert "attachment" in as_xlsx.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
    assert workbook.sheetnames == [
        "Überblick",
        "Szenarien",
        "Bewertungen der Szenarien",
        "Themen",
        "Ideen",
        "Nächste Schritte",
        "Abschlussveranstaltungen",
    ]  # fmt: skip (the assessments: public, the city is past the transfer phase)
    summary = list(workbook["Überblick"].iter_rows(values_only=True))[1:]
    assert {r[1]: r[2] for r in summary if r[1] in labels} == labels
    topics = list(workbook["Themen"].iter_rows(values_only=True))[1:]
    # d1 (no title: the facts were scripted) with its talks, then the city's published topics
    assert topics[0] == ("Thema ohne Titel", 2, 12) and all(t[1:] == (0, 0) for t in topics[1:])

    report = requests.get(api.url(f"/cities/{slug}/results/report"), timeout=30)
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("text/html")
    assert "<td>Teilnehmende der geführten Gespräche</td><td class='n'>12</td>" in report.text
    # A German document in an English session too, its charts included.
    english = requests.get(api.url(f"/cities/{slug}/results/report?lang=en"), timeout=30)
    assert "<figcaption>Tischgespräche (Anzahl Gespräche)</figcaption>" in english.text

    # the same report as PDF (WeasyPrint): a German filename, the city and German headings
    pdf = requests.get(api.url(f"/cities/{slug}/results/report.pdf"), timeout=60)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert f'filename="ergebnisbericht-{slug}.pdf"' in pdf.headers["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    # The heading may wrap at a space or after the hyphen of the city's name.
    flowing = " ".join(re.sub(r"-\n", "-", text).split())
    assert closing_city["city"]["name"] in flowing
    headings = ("Ergebnisse", "Überblick", "Arbeitsgruppen", "Szenarien", "Themen", "Ideen")
    for heading in (*headings, "Bewertungen der Szenarien", "Nächste Schritte",
                    "Abschlussveranstaltungen"):  # fmt: skip
        assert heading in text, heading
    assert "Teilnehmende der geführten Gespräche" in text
    assert "Tischgespräche (Anzahl Gespräche)" in text  # the charts, each with its unit
    assert "(Anzahl Personen)" in text

    year = closing_city["city"]["cohort_year"]
    cohort = api.get(f"/cohorts/{year}/results").json()
    assert cohort["year"] == year
    assert [c["city"] for c in cohort["cities"]] == [slug]
    assert cohort["talks"]["participants"] == 12 and cohort["cities"][0]["supports"] == 2
    cohort_xlsx = requests.get(api.url(f"/cohorts/{year}/results.xlsx"), timeout=30)
    sheet = load_workbook(io.BytesIO(cohort_xlsx.content), read_only=True)["Städte"]
    assert list(sheet.iter_rows(values_only=True))[1][0] == closing_city["city"]["name"]

    assert api.get("/cities/nirgendwo/results").status_code == 404


def test_next_steps_of_project_ideas_after_the_closing(api, closing_city, platform, listen) -> None:
    slug, admin, partner = closing_city["slug"], closing_city["admin"], closing_city["partner"]
    platform.publish_fact(
        "dialogue",
        "idea",
        "proposed",
        {"idea_id": "i9", "category": "grün", "district": "West"},
        slug,
    )
    platform.publish_fact("dialogue", "idea", "supported", {"idea_id": "i9"}, slug)
    wait_until(  # two facts, handled concurrently: wait for both
        lambda: (
            [i["supports"] for i in api.get(f"/cities/{slug}/next-steps").json()["ideas"]] == [1]
        ),
        30,
        "the idea known with its support",
    )
    step = {
        "what": "Machbarkeitsstudie für den Gemeinschaftsgarten",
        "owner_organisation": "Grünflächenamt",
        "contact_role": "Sachgebietsleitung Stadtgrün",
        "due_date": "2028-03-31",
    }
    path = f"/cities/{slug}/ideas/i9/next-steps"
    with listen(f"{slug}.events.next_step.*") as stream:
        assert api.post(path, step).status_code == 401
        citizen = api.verified_login()
        assert api.post(path, step, token=citizen["token"]).status_code == 403
        unknown = api.post(f"/cities/{slug}/ideas/nope/next-steps", step, token=partner["token"])
        assert unknown.status_code == 404
        bad = api.post(
            path, {**step, "due_date": "31.03.2028", "status": "maybe"}, token=admin["token"]
        )
        assert bad.status_code == 422
        assert set(bad.json()["error"]["fields"]) == {"due_date", "status"}

        added = api.post(path, step, token=partner["token"])
        assert added.status_code == 201, added.text
        step_id = added.json()["id"]
        assert added.json()["status"] == "planned" and added.json()["due_date"] == "2028-03-31"
        change = requests.patch(
            api.url(f"{path}/{step_id}"),
            json={"status": "in_progress", "note": "Auftrag vergeben"},
            headers={"Authorization": f"Bearer {admin['token']}"},
            timeout=30,
        )
        assert change.status_code == 200 and change.json()["status"] == "in_progress"
        same = requests.patch(
            api.url(f"{path}/{step_id}"),
            json={"status": "in_progress"},
            headers={"Authorization": f"Bearer {admin['token']}"},
            timeout=30,
        )
        assert same.status_code == 200  # nothing changed: no second fact
        facts = stream.wait_for(lambda got: len(got) >= 2, what="next-step facts")
    assert [f["type"] for f in facts] == [
        "stadtdialog.events.next_step.added.v1",
        "stadtdialog.events.next_step.changed.v1",
    ]
    assert all(validation_errors(f) == [] for f in facts)
    assert facts[1]["data"]["changed"] == ["note", "status"]

    overview = api.get(f"/cities/{slug}/next-steps").json()
    [idea] = overview["ideas"]
    assert idea["idea_id"] == "i9" and idea["supports"] == 1
    assert [s["what"] for s in idea["next_steps"]] == [step["what"]]
    assert idea["next_steps"][0]["owner_organisation"] == "Grünflächenamt"
    # Proposed in the talks, a step in progress now: the overview says "in_progress".
    assert (idea["status_in_dialogue"], idea["status"]) == ("proposed", "in_progress")
    results = api.get(f"/cities/{slug}/results").json()
    assert results["closing"]["next_steps"]["in_progress"] == 1
    assert results["closing"]["ideas_with_next_steps"] == 1


def test_next_steps_only_in_the_closing_phase(api, cities, platform) -> None:
    made = cities.create()
    slug = made["slug"]
    platform.publish_fact("dialogue", "idea", "proposed", {"idea_id": "i1"}, slug)
    wait_until(lambda: api.get(f"/cities/{slug}/next-steps").json()["ideas"], 30, "idea known")
    refused = api.post(
        f"/cities/{slug}/ideas/i1/next-steps",
        {"what": "Start", "owner_organisation": "Amt"},
        token=made["admin"]["token"],
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "phase_closed"
