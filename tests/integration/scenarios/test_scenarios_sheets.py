"""Factor profile sheets (Steckbriefe) over HTTP against every real process: the factor's
indicators, current state and sources are written through the API and the edit page, refused
when too long or carrying control characters (the field named in German), and shown on the
sheet with the citizens' observations assigned to the factor (hidden ones left out, markup
escaped); only the workshop reads the sheets."""

from __future__ import annotations

import re

import pytest
from test_scenarios_exchange import browser

pytestmark = pytest.mark.integration


def _fields(response) -> dict:  # noqa: ANN001 - a requests response
    return response.json()["error"]["fields"]


def test_profile_fields_are_validated_edited_and_shown_on_the_sheet(scenario_city) -> None:
    city = scenario_city
    member, facilitator = city.members[0], city.facilitator
    session = browser(city.api, member)
    sheet_url = f"{city.api.base}/stadt/{city.slug}/szenarien/werkstatt/faktoren"
    # no project yet: no sheet to show, and the list says so
    assert session.get(f"{sheet_url}/{'0' * 24}/steckbrief", timeout=30).status_code == 404
    empty = session.get(f"{sheet_url}/steckbriefe", timeout=30)
    assert empty.status_code == 200 and "Noch keine Einflussfaktoren." in empty.text
    city.create_project()
    city.to_scenarios()
    made = city.post(
        "/factors",
        {"title": "Verkehr", "indicators": "Modal Split\nPendlerzahlen", "sources": "Zensus"},
        member,
    )
    assert made.status_code == 201, made.text
    factor = made.json()
    assert factor["indicators"] == "Modal Split\nPendlerzahlen"
    assert factor["current_state"] == "" and factor["sources"] == "Zensus"
    other = city.post("/factors", {"title": "Wohnen"}, member).json()
    assert other["indicators"] == other["current_state"] == other["sources"] == ""

    # too long and control characters: refused, the field named, the message in German
    long = city.put(f"/factors/{factor['id']}", {"indicators": "x" * 2001}, member)
    assert long.status_code == 422 and "indicators" in _fields(long), long.text
    bell = city.put(f"/factors/{factor['id']}", {"current_state": "heute\x07"}, member)
    assert bell.status_code == 422 and "current_state" in _fields(bell), bell.text
    assert _fields(bell)["current_state"]["de"]
    nul = city.post("/factors", {"title": "Schule", "sources": "a\x00b"}, member)
    assert nul.status_code == 422 and "sources" in _fields(nul), nul.text
    assert city.put(f"/factors/{factor['id']}", {"sources": "Q"}, city.citizen).status_code == 403

    # the edit page: every field shown, saved, an error keeps what was typed
    edit = (
        f"{city.api.base}/stadt/{city.slug}/szenarien/werkstatt/faktoren/{factor['id']}/bearbeiten"
    )
    html = session.get(edit, timeout=30).text
    for label in ("Indikatoren", "Heutiger Stand", "Quellen"):
        assert f">{label} <span" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    typed = {
        "csrf_token": csrf,
        "title": "Verkehr",
        "description": "Wie wir uns bewegen",
        "indicators": "Modal Split",
        "current_state": "Heute 40 % Auto\n<script>alert(1)</script>",
        "sources": "x" * 2001,
    }
    refused = session.post(edit, data=typed, timeout=30, allow_redirects=False)
    assert refused.status_code == 422
    assert 'href="#sources">Quellen</a>' in refused.text
    assert "Heute 40 % Auto" in refused.text and "<script>alert" not in refused.text
    saved = session.post(
        edit, data={**typed, "sources": "Mobilitätsbericht 2025"}, allow_redirects=False
    )
    assert saved.status_code == 302, saved.text
    stored = next(f for f in city.get("/factors").json() if f["id"] == factor["id"])
    assert stored["current_state"] == "Heute 40 % Auto\n<script>alert(1)</script>"
    assert stored["sources"] == "Mobilitätsbericht 2025"

    # observations: one assigned, one hidden, one of another factor
    body = {"kind": "observation", "text": "Die Busse sind <b>voll</b>.", "factor_id": factor["id"]}
    seen = city.post("/observations", body, city.citizen)
    assert seen.status_code == 201, seen.text
    gone = city.post("/observations", {**body, "text": "Herr X fährt zu schnell."}, city.citizen)
    hidden = city.post(f"/observations/{gone.json()['id']}/hide", {"reason": "Name"}, facilitator)
    assert hidden.status_code == 200, hidden.text
    city.post("/observations", {**body, "text": "Mieten steigen.", "factor_id": other["id"]})

    sheet = session.get(f"{sheet_url}/{factor['id']}/steckbrief", timeout=30)
    assert sheet.status_code == 200
    text = sheet.text
    assert "Steckbrief: Verkehr" in text
    for shown in ("Wie wir uns bewegen", "Modal Split", "Heute 40 % Auto", "Mobilitätsbericht"):
        assert shown in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    assert "Die Busse sind &lt;b&gt;voll&lt;/b&gt;." in text
    assert "Herr X" not in text and "Mieten steigen" not in text
    assert "Beobachtungen der Bürgerinnen und Bürger (1)" in text
    assert 'media="print"' in text and "scenarios-print.css" in text

    every = session.get(f"{sheet_url}/steckbriefe", timeout=30).text
    assert every.count('class="factor-sheet"') == 2
    assert "1. Verkehr" in every and "2. Wohnen" in every and "Mieten steigen." in every
    assert "Noch keine Beobachtungen zugeordnet." not in every  # both have one
    assert every.count("noch nicht beschrieben") == 4  # Wohnen: description … sources

    unknown = session.get(f"{sheet_url}/{'0' * 24}/steckbrief", timeout=30)
    assert unknown.status_code == 404
    citizen = browser(city.api, city.citizen)
    assert citizen.get(f"{sheet_url}/steckbriefe", timeout=30).status_code == 403


def test_the_add_factor_form_takes_the_profile_fields_too(scenario_city) -> None:
    """Indicators, current state and sources are on the "add factor" form as on the edit
    form: stored with the new factor, and an error keeps every field as typed."""
    city = scenario_city
    city.create_project()
    city.to_scenarios()
    session = browser(city.api, city.members[0])
    page = f"{city.api.base}/stadt/{city.slug}/szenarien/werkstatt/faktoren"
    html = session.get(page, timeout=30).text
    form = html[html.index('id="neu"') :]
    for name, label in (("indicators", "Indikatoren"), ("current_state", "Heutiger Stand"),
                        ("sources", "Quellen")):  # fmt: skip
        assert f'<label class="kern-label" for="{name}">{label} <span' in form
        assert f'name="{name}"' in form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    typed = {
        "csrf_token": csrf,
        "title": "Verkehr",
        "description": "Wie wir uns bewegen",
        "indicators": "Modal Split\nPendlerzahlen",
        "current_state": "Heute 40 % Auto <b>fett</b>",
        "sources": "x" * 2001,
    }
    refused = session.post(page, data=typed, timeout=30, allow_redirects=False)
    assert refused.status_code == 422
    assert 'href="#sources">Quellen</a>' in refused.text
    assert "Modal Split\nPendlerzahlen</textarea>" in refused.text
    assert "Heute 40 % Auto &lt;b&gt;fett&lt;/b&gt;" in refused.text
    assert city.get("/factors").json() == []
    saved = session.post(page, data={**typed, "sources": "Zensus 2022"}, allow_redirects=False)
    assert saved.status_code == 302, saved.text
    (stored,) = city.get("/factors").json()
    assert stored["title"] == "Verkehr" and stored["description"] == "Wie wir uns bewegen"
    assert stored["indicators"] == "Modal Split\nPendlerzahlen"
    assert stored["current_state"] == "Heute 40 % Auto <b>fett</b>"
    assert stored["sources"] == "Zensus 2022"
