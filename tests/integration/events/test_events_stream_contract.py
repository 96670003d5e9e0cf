"""What the running services really emit matches the catalogue: every envelope of an emitted
type validates against its schema, public facts arrive on ``stadtdialog.public`` with the
documented routing key, and internal facts never do."""

from __future__ import annotations

import pytest
from events_support import advance_to_closing, event_body

from gateway.event_catalogue import load_catalogue, validation_errors
from gateway.event_scan import scan
from services.kit.events import PUBLIC_EXCHANGE, public_routing_key

pytestmark = pytest.mark.integration

EXPECTED = {
    "stadtdialog.identity.account.registered.v1",
    "stadtdialog.identity.account.verified.v1",
    "stadtdialog.identity.account.deleted.v1",
    "stadtdialog.identity.role.granted.v1",
    "stadtdialog.identity.role.revoked.v1",
    "stadtdialog.cities.city.created.v1",
    "stadtdialog.cities.city.changed.v1",
    "stadtdialog.cities.city.counted.v1",
    "stadtdialog.cities.city.archived.v1",
    "stadtdialog.cities.phase.changed.v1",
    "stadtdialog.cities.step.completed.v1",
    "stadtdialog.cities.working_group.created.v1",
    "stadtdialog.cities.plugin.enabled.v1",
    "stadtdialog.cities.plugin.reconfigured.v1",
    "stadtdialog.cities.plugin.disabled.v1",
    "stadtdialog.events.closing_event.published.v1",
    "stadtdialog.events.registration.confirmed.v1",
}


def test_real_envelopes_match_the_catalogue(api, cities, operator, platform, listen) -> None:
    catalogue = load_catalogue()
    emitted = scan().types
    with listen("#", exchanges=("identity.events", "cities.events", "events.events")) as stream:
        made = cities.create()
        slug, admin = made["slug"], made["admin"]
        token = admin["token"]
        group = {"name": "Zukunft Innenstadt", "description": "Begleitet den Prozess"}
        assert api.post(f"/cities/{slug}/working-groups", group, token=token).status_code == 201
        plugin = f"/cities/{slug}/plugins/jugendforum"
        assert api.put(plugin, {"config": {"required_talks": 2}}, token=token).status_code == 200
        assert api.put(plugin, {"config": {"required_talks": 3}}, token=token).status_code == 200
        assert api.delete(plugin, token=token).status_code == 200
        advance_to_closing(api, platform, made)
        event = api.post(f"/cities/{slug}/closing-events", event_body(), token=token).json()
        assert api.post(f"/cities/{slug}/closing-events/{event['id']}/publish", token=token).ok
        person = api.verified_login()
        grant = {"account_id": person["id"], "city": slug, "role": "partner"}
        assert api.post("/roles", grant, token=token).status_code == 200
        assert api.delete("/roles", grant, token=token).status_code == 200
        registered = api.post(
            f"/cities/{slug}/closing-events/{event['id']}/registrations", {}, token=person["token"]
        )
        assert registered.status_code == 201
        gone = api.delete("/me", {"password": person["password"]}, token=person["token"])
        assert gone.status_code == 200, gone.text
        archived = api.post(f"/cities/{slug}/phase", {"to": "archived"}, token=token)
        assert archived.status_code == 200  # the last phase step archives: city.archived
        # A public fact goes to its service's exchange first and to the public one after the
        # broker confirmed that: wait for both copies, not just the first to arrive.
        public_expected = {t for t in EXPECTED if catalogue[t].public}

        def both_copies(_got: list[dict]) -> bool:
            public = {e["type"] for x, _, e in stream.deliveries if x == PUBLIC_EXCHANGE}
            internal = {e["type"] for x, _, e in stream.deliveries if x != PUBLIC_EXCHANGE}
            return internal >= EXPECTED and public >= public_expected

        stream.wait_for(both_copies, 30, "both copies of a fact of every expected type")

    checked = 0
    for exchange, routing_key, envelope in stream.deliveries:
        if envelope["type"] not in emitted:
            continue  # a test fact of a service not built yet (platform.publish_fact)
        assert validation_errors(envelope, catalogue) == [], envelope
        spec = catalogue[envelope["type"]]
        if exchange == PUBLIC_EXCHANGE:
            assert spec.public, f"internal {spec.type} on the public exchange"
            assert routing_key == public_routing_key(envelope)
        else:
            assert exchange == f"{spec.service}.events" and routing_key == spec.type
        checked += 1
    assert checked >= len(EXPECTED)
    public_types = {e["type"] for x, _, e in stream.deliveries if x == PUBLIC_EXCHANGE}
    internal_types = {e["type"] for x, _, e in stream.deliveries if x != PUBLIC_EXCHANGE}
    assert public_expected <= public_types
    assert internal_types >= EXPECTED  # every fact also goes to its service's own exchange
    # The public stream is CloudEvents in structured mode with its own content type (the AMQP
    # binding's); the services' internal exchanges stay plain JSON for nameko.
    assert stream.content_types[PUBLIC_EXCHANGE] == {"application/cloudevents+json"}
    internal_exchanges = set(stream.content_types) - {PUBLIC_EXCHANGE}
    assert internal_exchanges and all(
        stream.content_types[x] == {"application/json"} for x in internal_exchanges
    )
