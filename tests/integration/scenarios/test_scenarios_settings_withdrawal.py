"""The last workshop objects changed on their pages, over HTTP against every real process
(issue 18 item 1): the project's method settings (confirmed first, naming what keeps its
result), a rater's own matrix withdrawn altogether (its version kept and restorable, an
internal fact) and draft deep-dive topics edited; every refusal in German."""

from __future__ import annotations

import html
import re

import pytest
from scenarios_support import publish_scenarios, small_project
from test_scenarios_exchange import browser

pytestmark = pytest.mark.integration


def _fields(response) -> dict:  # noqa: ANN001 - a requests response
    return response.json()["error"]["fields"]


def _csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _hidden(text: str) -> dict[str, str]:
    """The hidden inputs of a confirmation page (what the form before it sent)."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text)
    return {name: html.unescape(value) for name, value in found}


def _post(session, url: str, data: dict):  # noqa: ANN001 - a requests session
    return session.post(url, data=data, timeout=30, allow_redirects=False)


def test_settings_own_matrices_and_draft_topics_changed_on_the_pages(
    scenario_city, public_listener
) -> None:
    city = scenario_city
    (m1, m2), facilitator, citizen = city.members, city.facilitator, city.citizen
    facts = public_listener("stadtdialog.scenarios.rating.withdrawn.v1", "scenarios.events")
    project = small_project(city, n_factors=5, key=3, projections=2)
    run = project["run"]
    fac, member = browser(city.api, facilitator), browser(city.api, m1)
    base = f"{city.api.base}/stadt/{city.slug}"
    settings = f"{base}/szenarien/werkstatt/projekt/einstellungen"

    # --- project settings: only the facilitator; the choices in German
    assert member.get(settings, timeout=30).status_code == 403
    assert city.put("/project", {"rank_by": "active"}, m1).status_code == 403
    page = fac.get(settings, timeout=30).text
    for word in ("Dynamik", "Aktivsumme", "MICMAC", "Mittelwert", "Median", "Minimum"):
        assert f">{word}</label>" in page
    assert 'id="rank_by-dynamics" name="rank_by" value="dynamics" checked' in page
    typed = {
        "csrf_token": _csrf(page),
        "title": " ",
        "description": "Wir <b>rechnen</b> neu",
        "key_factor_count": "8",
        "influence_threshold": "mean",
        "rank_by": "dynamics",
        "aggregation": "median",
    }
    # a refusal (an empty title) shows the form again as typed, the field named at the top
    refused = _post(fac, settings, typed)
    assert refused.status_code == 422, refused.text
    assert 'href="#title">Titel des Projekts</a>' in refused.text
    assert "Wir &lt;b&gt;rechnen&lt;/b&gt; neu" in refused.text and "<b>rechnen" not in refused.text
    # a method setting changed while work depends on it: a refusal before the question
    changed = {**typed, "rank_by": "micmac", "aggregation": "min", "key_factor_count": "3"}
    early = _post(fac, settings, changed)
    assert early.status_code == 422 and 'href="#title">Titel des Projekts</a>' in early.text
    assert 'id="rank_by-micmac" name="rank_by" value="micmac" checked' in early.text
    # then a confirmation first, nothing saved
    changed["title"] = "Zukunft <2040>"
    confirm = _post(fac, settings, changed)
    assert confirm.status_code == 200, confirm.text
    text = html.unescape(confirm.text)
    assert "Rangfolge der Schlüsselfaktoren nach: Dynamik wird zu MICMAC." in text
    assert "Zusammenfassung der Konsistenzwerte: Median wird zu Minimum." in text
    assert "Anzahl der Schlüsselfaktoren: 8 wird zu 3." in text
    assert "Die schon gewählten Schlüsselfaktoren (3) bleiben gewählt" in text
    assert "Bisherige Berechnungen (1) behalten ihre Ergebnisse" in text
    assert city.get("/project").json()["settings"]["rank_by"] == "dynamics"
    saved = _post(fac, settings, _hidden(confirm.text))
    assert saved.status_code == 302, saved.text
    stored = city.get("/project").json()
    assert stored["title"] == "Zukunft <2040>" and stored["description"] == typed["description"]
    assert stored["settings"] == {
        "influence_threshold": "mean",
        "rank_by": "micmac",
        "key_factor_count": 3,
        "aggregation": "min",
    }
    # what was chosen and computed keeps its result
    assert [f["id"] for f in city.get("/key-factors").json()["factors"]] == project["key"]
    again = city.get(f"/runs/{run['id']}", facilitator).json()
    assert again["result"] == run["result"]
    overview = fac.get(f"{base}/szenarien/werkstatt", timeout=30).text
    assert "Zukunft &lt;2040&gt;" in overview and ">MICMAC</dd>" in overview
    # only the title changed: saved at once, no confirmation
    plain = _post(fac, settings, {**_hidden(confirm.text), "title": "Zukunft 2040"})
    assert plain.status_code == 302 and city.get("/project").json()["title"] == "Zukunft 2040"
    too_many = city.put("/project", {"key_factor_count": 31})
    assert too_many.status_code == 422 and _fields(too_many)["key_factor_count"]["de"]

    # --- a rater withdraws their own influence matrix
    mine = city.get("/influence/rating", m1).json()["progress"]["judged"]
    assert mine > 0
    influence_page = member.get(f"{base}/szenarien/werkstatt/einfluss", timeout=30).text
    assert "Meine Bewertungen dieser Matrix zurückziehen" in influence_page
    withdraw = f"{base}/szenarien/werkstatt/bewertungen/einfluss/zurueckziehen"
    asked = member.get(withdraw, timeout=30)
    assert asked.status_code == 200
    text = html.unescape(asked.text)
    assert f"{mine} Felder zählen nicht mehr" in text
    assert "Die zuletzt gespeicherte Fassung bleibt aufbewahrt" in text
    # nobody else's matrix: someone without one is told so, in German; a citizen is refused
    none = city.api.delete(city.path("/ratings/influence/mine"), token=m2["token"])
    assert none.status_code == 404
    assert none.json()["error"]["message"]["de"] == "Du hast in dieser Matrix keine Bewertungen."
    assert (
        city.api.delete(city.path("/ratings/influence/mine"), token=citizen["token"]).status_code
        == 403
    )
    odd = city.api.delete(city.path("/ratings/gefuehl/mine"), token=m1["token"])
    assert odd.status_code == 422 and _fields(odd)["kind"]["de"] == ["Unbekannte Art von Matrix."]
    done = _post(member, withdraw, {"csrf_token": _csrf(asked.text)})
    assert done.status_code == 302, done.text
    after = member.get(city.api.base + done.headers["Location"], timeout=30).text
    assert "Deine Bewertungen dieser Matrix sind zurückgezogen." in after
    assert "Meine Bewertungen dieser Matrix zurückziehen" not in after
    assert city.get("/influence/rating", m1).json()["progress"]["judged"] == 0
    assert city.get("/influence", facilitator).json()["raters"] == []
    fact = facts.wait_for("stadtdialog.scenarios.rating.withdrawn.v1")
    assert fact["data"] == {"project_id": stored["id"], "kind": "influence", "cells": mine}
    # its version stays: the facilitator restores it and it counts again
    versions = city.get("/ratings/influence/versions", facilitator).json()
    restored = city.post(f"/rating-versions/{versions[0]['id']}/restore")
    assert restored.status_code == 200, restored.text
    assert city.get("/influence/rating", m1).json()["progress"]["judged"] == mine
    # the consistency matrix alike (pairs), through the API
    pairs = city.get("/consistency/rating", m1).json()["progress"]["judged"]
    summary = city.get("/ratings/consistency/mine", m1).json()
    assert summary == {"kind": "consistency", "judged": pairs, "total": summary["total"]}
    gone = city.api.delete(city.path("/ratings/consistency/mine"), token=m1["token"])
    assert gone.status_code == 200 and gone.json()["judged"] == pairs
    assert city.get("/consistency/rating", m1).json()["progress"]["judged"] == 0

    # --- transfer: settings and ratings no longer change (German), draft topics do
    publish_scenarios(city, run, 1)
    city.advance("transfer")
    closed = fac.get(settings, timeout=30).text
    assert "nur in den Phasen Auftakt und Szenarien" in closed and 'name="rank_by"' not in closed
    late = _post(fac, settings, {**_hidden(confirm.text), "title": "Später"})
    assert late.status_code == 409 and "Das ist in der aktuellen Phase" in late.text
    shut = city.api.delete(city.path("/ratings/influence/mine"), token=m1["token"])
    assert shut.status_code == 409 and shut.json()["error"]["fields"]["phase"]["de"]

    scenario_id = city.get("/scenarios", citizen).json()[0]["id"]
    topic = city.post("/topics", {"title": "Wege", "guiding_question": "Wohin?"}, m1).json()
    transfer = member.get(f"{base}/transfer", timeout=30).text
    assert "„Wege“ bearbeiten" in html.unescape(transfer)
    edit = f"{base}/transfer/themen/{topic['id']}/bearbeiten"
    assert browser(city.api, citizen).get(edit, timeout=30).status_code == 403
    form = member.get(edit, timeout=30).text
    assert 'value="Wohin?"' in form
    typed = {
        "csrf_token": _csrf(form),
        "title": "Wege <i>zur</i> Schule",
        "guiding_question": "",
        "description": "=HYPERLINK(1)",
        "questions": "Wie sicher?\nWer begleitet?",
        "scenario_ids": [scenario_id],
    }
    bad = _post(member, edit, typed)
    assert bad.status_code == 422, bad.text
    assert 'href="#guiding_question">Leitfrage</a>' in bad.text
    assert "Wege &lt;i&gt;zur&lt;/i&gt; Schule" in bad.text and "Wer begleitet?" in bad.text
    assert re.search(rf'value="{scenario_id}" checked', bad.text)
    ok = _post(member, edit, {**typed, "guiding_question": "Wie kommen Kinder sicher hin?"})
    assert ok.status_code == 302, ok.text
    stored_topic = city.get(f"/topics/{topic['id']}", m1).json()
    assert stored_topic["title"] == "Wege <i>zur</i> Schule"
    assert stored_topic["questions"] == ["Wie sicher?", "Wer begleitet?"]
    assert stored_topic["scenario_ids"] == [scenario_id]
    # published, it is not changed (withdraw first) and the page offers no edit
    assert city.post(f"/topics/{topic['id']}/submit", None, m1).status_code == 200
    assert city.post(f"/topics/{topic['id']}/publish").status_code == 200
    frozen = _post(member, edit, {**typed, "guiding_question": "Anders?"})
    assert frozen.status_code == 409 and "zurückziehen" in html.unescape(frozen.text)
    transfer = html.unescape(member.get(f"{base}/transfer", timeout=30).text)
    assert "bearbeiten" not in transfer
