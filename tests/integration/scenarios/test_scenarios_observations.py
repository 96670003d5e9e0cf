"""Citizens' observations and forecasts: submitted here (with the city's plugin fields) or noted
at a table talk (the dialogue service's fact, taken in once), linked to factors, marked as
candidates, hidden with a reason; the public fact carries no text and no person."""

from __future__ import annotations

import json

from kombu import Connection

from services.kit.events import make_envelope
from services.kit.outbox import publish_envelope
from services.kit.testing import wait_until


def _dialogue_fact(platform, envelope: dict, times: int = 1) -> None:
    with Connection(platform.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        for _ in range(times):
            publish_envelope(conn.Producer(), envelope, public=True)


def _talk_fact(city: str, text: str, kind: str = "observation") -> dict:
    return make_envelope(
        service="dialogue",
        entity="observation",
        action="submitted",
        data={"talk_id": "talk-1", "kind": kind, "text": text},
        city=city,
    )


def test_observations_from_citizens_and_table_talks(scenario_city, platform, public_listener, api):
    city = scenario_city
    citizen, facilitator = city.citizen, city.facilitator
    received = public_listener(f"{city.slug}.scenarios.observation.received")
    city.create_project()
    body = {"kind": "observation", "text": "Das beobachte ich: mehr Lastenräder."}

    early = city.post("/observations", body, citizen)
    assert early.status_code == 409 and early.json()["error"]["code"] == "phase_closed"
    assert api.post(city.path("/observations"), body).status_code == 401
    city.to_scenarios()

    # the city's plugin asks for the district in the observation form too
    enabled = api.put(
        f"/cities/{city.slug}/plugins/ortsteile",
        {"config": {"districts": ["Altstadt", "Nord"], "forms": ["observation"]}},
        token=city.admin["token"],
    )
    assert enabled.status_code == 200, enabled.text

    # the plugin change reaches the scenarios service through the cities service's fact
    def district_required():  # a Response is falsy for 4xx: hand it back in a list
        response = city.post("/observations", body, citizen)
        assert response.status_code in (201, 422), response.text
        return [response] if response.status_code == 422 else None

    (missing,) = wait_until(district_required, 15, "the plugin's district field required")
    assert "district" in missing.json()["error"]["fields"]
    wrong = city.post("/observations", {**body, "district": "Süd"}, citizen)
    assert wrong.status_code == 422 and "district" in wrong.json()["error"]["fields"]
    for field, value in (("kind", "gerücht"), ("text", ""), ("factor_id", "nope")):
        bad = city.post("/observations", {**body, "district": "Nord", field: value}, citizen)
        assert bad.status_code == 422 and field in bad.json()["error"]["fields"], bad.text
    mine = city.post("/observations", {**body, "district": "Nord"}, citizen)
    assert mine.status_code == 201, mine.text
    observation = mine.json()
    assert observation["extra"] == {"district": "Nord", "further_districts": []}
    assert observation["source"] == "citizen" and observation["mine"] is True

    fact = received.wait_for(
        "stadtdialog.scenarios.observation.received.v1", subject=observation["id"]
    )
    assert fact["data"] == {
        "observation_id": observation["id"],
        "kind": "observation",
        "factor_id": None,
        "source": "citizen",
        "tags": [],
    }
    assert "text" not in fact["data"] and citizen["id"] not in json.dumps(fact)

    # a table talk's observation arrives twice (at-least-once) and once malformed
    talk = _talk_fact(city.slug, "Das erwarte ich: weniger Autos in der Altstadt.", "forecast")
    _dialogue_fact(platform, talk, times=2)
    rumour = _talk_fact(city.slug, "???", kind="rumour")
    _dialogue_fact(platform, rumour)
    marker = _talk_fact(city.slug, "Die Bibliothek ist abends voll.")
    _dialogue_fact(platform, marker)
    # The service handles the facts concurrently: wait until it recorded each one as handled
    # (after taking it in or dropping it), not just the last one sent.
    handled = platform.infra.database("scenarios")["processed_events"]
    sent = {talk["id"], rumour["id"], marker["id"]}
    wait_until(
        lambda: sent <= {row["_id"].rsplit(":", 1)[1] for row in handled.find({}, {"_id": 1})},
        30,
        "the table-talk facts handled",
    )
    listed = city.get("/observations").json()
    from_talk = [o for o in listed if o["source"] == "table_talk"]
    assert sorted(o["text"] for o in from_talk) == [
        "Das erwarte ich: weniger Autos in der Altstadt.",
        "Die Bibliothek ist abends voll.",
    ]
    assert all(o["talk_id"] == "talk-1" and o["mine"] is False for o in from_talk)

    # facilitators link, mark and moderate
    factor = city.post("/factors", {"title": "Verkehrswende"}, city.members[0]).json()
    forecast = next(o for o in from_talk if o["text"].startswith("Das erwarte"))
    linked = city.put(f"/observations/{forecast['id']}", {"factor_id": factor["id"]})
    assert linked.status_code == 200 and linked.json()["factor_id"] == factor["id"]
    unknown = city.put(f"/observations/{forecast['id']}", {"factor_id": "0" * 24})
    assert unknown.status_code == 422 and "factor_id" in unknown.json()["error"]["fields"]
    marked = city.put(
        f"/observations/{observation['id']}", {"factor_id": factor["id"], "candidate": True}
    )
    assert marked.json()["candidate"] is True
    counts = {f["id"]: f["observations"] for f in city.get("/factors").json()}
    assert counts[factor["id"]] == 2
    narrowed = city.get(f"/observations?factor_id={factor['id']}").json()
    assert {o["id"] for o in narrowed} == {forecast["id"], observation["id"]}

    no_reason = city.post(f"/observations/{observation['id']}/hide", {"reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    hidden = city.post(f"/observations/{observation['id']}/hide", {"reason": "Enthält einen Namen"})
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    assert observation["id"] not in {o["id"] for o in city.get("/observations").json()}
    moderated = {o["id"]: o for o in city.get("/observations", facilitator).json()}
    assert moderated[observation["id"]]["hidden_reason"] == "Enthält einen Namen"
    assert {f["id"]: f["observations"] for f in city.get("/factors").json()}[factor["id"]] == 1

    # transfer: no new observations, moderation still works
    city.advance("transfer")
    late = city.post("/observations", {**body, "district": "Nord"}, citizen)
    assert late.status_code == 409 and late.json()["error"]["code"] == "phase_closed"
    assert (
        city.post(f"/observations/{forecast['id']}/hide", {"reason": "Doppelt"}).status_code == 200
    )
