"""Partners switch plugins on and off; the steps of a phase change in the running system."""

from __future__ import annotations

from services.kit.testing import wait_until


def _table_talk_steps(api, slug: str) -> dict[str, dict]:
    timeline = api.get(f"/cities/{slug}/phases").json()["phases"]
    return {s["id"]: s for s in next(p for p in timeline if p["phase"] == "table_talks")["steps"]}


def test_enable_configure_disable_changes_the_steps(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    partner = cities.person_with_role(slug, "partner", admin)

    installed = api.get(f"/cities/{slug}/plugins", token=partner["token"]).json()
    names = {p["name"]: p for p in installed}
    assert {"barrierefrei", "ortsteile", "jugendforum"} <= names.keys()
    assert names["jugendforum"]["enabled"] is False
    assert "required_talks" in str(names["jugendforum"]["config_schema"])
    assert "jugendforum:jugendforum" not in _table_talk_steps(api, slug)

    bad = api.put(
        f"/cities/{slug}/plugins/jugendforum",
        {"config": {"required_talks": 0}},
        token=partner["token"],
    )
    assert bad.status_code == 422
    assert "config.required_talks" in bad.json()["error"]["fields"]
    missing = api.put(f"/cities/{slug}/plugins/jugendforum", {"config": {}}, token=partner["token"])
    assert (
        missing.status_code == 422 and "config.required_talks" in missing.json()["error"]["fields"]
    )
    unknown = api.put(f"/cities/{slug}/plugins/nope", {"config": {}}, token=partner["token"])
    assert unknown.status_code == 404

    enabled = api.put(
        f"/cities/{slug}/plugins/jugendforum",
        {"config": {"required_talks": 2}},
        token=partner["token"],
    )
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["config"] == {"required_talks": 2, "max_age": 27}
    step = _table_talk_steps(api, slug)["jugendforum:jugendforum"]
    assert step["automatic"] is True and step["done"] is False
    assert step["source"] == "jugendforum"

    # Youth talks documented elsewhere (published facts) complete the plugin's own rule.
    for _ in range(2):
        platform.publish_fact(
            "dialogue",
            "talk",
            "documented",
            city=slug,
            data={"talk_id": "x", "tags": ["youth"]},
        )
    platform.publish_fact("dialogue", "talk", "documented", city=slug, data={"talk_id": "y"})
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("dialogue.talk.documented") == 3,
        30,
        "three talk facts counted",
    )
    assert api.get(f"/cities/{slug}/tallies").json()["dialogue.talk.documented#youth"] == 2
    assert _table_talk_steps(api, slug)["jugendforum:jugendforum"]["done"] is True

    reconfigured = api.put(
        f"/cities/{slug}/plugins/jugendforum",
        {"config": {"required_talks": 5}},
        token=admin["token"],
    )
    assert reconfigured.json()["action"] == "reconfigured"
    assert _table_talk_steps(api, slug)["jugendforum:jugendforum"]["done"] is False

    assert (
        api.delete(f"/cities/{slug}/plugins/jugendforum", token=partner["token"]).status_code == 200
    )
    assert "jugendforum:jugendforum" not in _table_talk_steps(api, slug)
    assert (
        api.delete(f"/cities/{slug}/plugins/jugendforum", token=partner["token"]).status_code == 404
    )

    audit = api.get(f"/cities/{slug}/plugins/audit", token=partner["token"]).json()
    assert [a["action"] for a in audit] == ["enabled", "reconfigured", "disabled"]
    assert audit[0]["by"] == partner["id"] and audit[1]["by"] == admin["id"]


def test_the_same_fact_delivered_twice_counts_once(api, cities, platform) -> None:
    from kombu import Connection

    from services.kit.outbox import publish_envelope

    made = cities.create()
    slug = made["slug"]
    envelope = platform.publish_fact("scenarios", "topic", "published", {"topic_id": "a"}, slug)
    with Connection(platform.infra.amqp_uri) as connection:  # a redelivery of the same fact
        publish_envelope(connection.Producer(), envelope, public=True)
    platform.publish_fact("scenarios", "topic", "published", city=slug, data={"topic_id": "b"})
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published") == 2,
        30,
        "two distinct facts counted",
    )
