"""Closing events with every process real: phase rule, roles, bad input, registrations with a
capacity and a waiting list, changes and cancellation, and the public facts they emit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone

import pytest
from events_support import START, event_body

from gateway.event_catalogue import validation_errors

pytestmark = pytest.mark.integration


def test_closing_events_not_before_the_table_talks(api, cities) -> None:
    made = cities.create()
    refused = api.post(
        f"/cities/{made['slug']}/closing-events", event_body(), token=made["admin"]["token"]
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "phase_closed"
    assert "phase" in refused.json()["error"]["fields"]
    unknown = api.post(
        "/cities/nirgendwo/closing-events", event_body(), token=made["admin"]["token"]
    )
    assert unknown.status_code in (403, 404)


def test_bad_input_names_the_field(api, closing_city) -> None:
    path, token = f"/cities/{closing_city['slug']}/closing-events", closing_city["admin"]["token"]
    body = event_body()
    backwards = api.post(path, {**body, "ends_at": body["starts_at"]}, token=token)
    assert backwards.status_code == 422 and "ends_at" in backwards.json()["error"]["fields"]
    assert backwards.json()["error"]["fields"]["ends_at"]["de"] == [
        "Das Ende muss nach dem Beginn liegen."
    ]
    for field, value in (("capacity", 0), ("capacity", 10**9), ("capacity", "viele")):
        answer = api.post(path, {**body, field: value}, token=token)
        assert answer.status_code == 422 and field in answer.json()["error"]["fields"], answer.text
    naive = api.post(path, {**body, "starts_at": "2027-11-20T18:00:00"}, token=token)
    assert naive.status_code == 422 and "starts_at" in naive.json()["error"]["fields"]
    late = api.post(path, {**body, "registration_closes_at": body["ends_at"]}, token=token)
    assert late.status_code == 422 and "registration_closes_at" in late.json()["error"]["fields"]
    partner = api.post(path, {**body, "partners": [{"name": "X", "kind": "club"}]}, token=token)
    assert partner.status_code == 422 and "partners.0.kind" in partner.json()["error"]["fields"]
    agenda = api.post(
        path, {**body, "agenda": [{"time": "25:00", "title": "Zu spät"}]}, token=token
    )
    assert agenda.status_code == 422 and "agenda.0.time" in agenda.json()["error"]["fields"]
    extra = api.post(path, {**body, "price": 5}, token=token)
    assert extra.status_code == 422 and "price" in extra.json()["error"]["fields"]


def test_who_may_manage_closing_events(api, cities, closing_city) -> None:
    slug = closing_city["slug"]
    path = f"/cities/{slug}/closing-events"
    assert api.post(path, event_body()).status_code == 401
    citizen = api.verified_login()
    assert api.post(path, event_body(), token=citizen["token"]).status_code == 403
    created = api.post(path, event_body(), token=closing_city["partner"]["token"])
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["status"] == "draft" and event["registration"]["open"] is False
    # A draft is the organisers' business.
    assert api.get(path).json() == []
    assert api.get(f"{path}/{event['id']}").status_code == 404
    assert [e["id"] for e in api.get(path, token=closing_city["admin"]["token"]).json()] == [
        event["id"]
    ]
    assert api.post(f"{path}/{event['id']}/publish", token=citizen["token"]).status_code == 403
    # Another city's admin is a stranger here: no drafts, no changes, no registrations list.
    stranger = cities.create()["admin"]["token"]
    assert api.post(path, event_body(), token=stranger).status_code == 403
    assert api.get(path, token=stranger).json() == []
    assert api.post(f"{path}/{event['id']}/publish", token=stranger).status_code in (403, 404)
    registrations = api.get(f"{path}/{event['id']}/registrations", token=stranger)
    assert registrations.status_code == 403


def test_a_closing_event_with_registrations(api, closing_city, listen, platform) -> None:
    slug, admin, partner = closing_city["slug"], closing_city["admin"], closing_city["partner"]
    path = f"/cities/{slug}/closing-events"
    with listen(f"{slug}.events.#") as stream:
        event = api.post(path, event_body(capacity=2), token=partner["token"]).json()
        base = f"{path}/{event['id']}"
        published = api.post(f"{base}/publish", token=admin["token"])
        assert published.status_code == 200 and published.json()["status"] == "published"
        assert api.post(f"{base}/publish", token=admin["token"]).status_code == 200  # repeatable
        public = api.get(base).json()
        assert public["venue"]["name"] == "Stadthalle" and len(public["agenda"]) == 3
        assert public["accessibility"]["hearing_loop"] is True and "created_at" not in public
        assert public["registration"] == {
            "capacity": 2,
            "confirmed": 0,
            "free": 2,
            "waiting": 0,
            "lapsed": 0,
            "opens_at": None,
            "opens_later": False,
            "closes_at": None,
            "open": True,
        }

        people = [api.verified_login() for _ in range(3)]
        answers = [api.post(f"{base}/registrations", {}, token=p["token"]) for p in people]
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert [a.json()["status"] for a in answers] == ["confirmed", "confirmed", "waitlisted"]
        assert answers[2].json()["position"] == 1
        again = api.post(f"{base}/registrations", {"needs": "Rollstuhl"}, token=people[0]["token"])
        assert again.json() == answers[0].json()  # a retried registration changes nothing
        assert api.post(f"{base}/registrations", {}).status_code == 401
        mail = platform.mail_sink.wait_for(people[0]["email"], count=2)[-1]
        assert "Anmeldung bestätigt" in mail["Subject"]
        page = f"/stadt/{slug}/abschluss/{event['id']}"
        text = mail.get_body(("plain",)).get_content()
        # Both parts name the event and link its page; the place comes with a calendar entry.
        assert text.count(page) == 2 and text.count("Abschlussveranstaltung: Unsere Stadt") == 2
        ics = _calendar_of(mail)
        assert f"UID:closing-{event['id']}@stadtdialog" in ics and "METHOD:PUBLISH" in ics
        waiting_mail = platform.mail_sink.wait_for(people[2]["email"], count=2)[-1]
        assert "Warteliste" in waiting_mail["Subject"]
        assert not list(waiting_mail.iter_attachments())  # no place yet: no calendar entry

        listing = api.get(f"{base}/registrations", token=partner["token"])
        assert listing.status_code == 200
        assert [r["status"] for r in listing.json()] == ["confirmed", "confirmed", "waitlisted"]
        assert all("email" not in r and r["display_name"] == "Test Person" for r in listing.json())
        assert api.get(f"{base}/registrations", token=people[0]["token"]).status_code == 403

        # Lowering the capacity below a taken place is refused, naming the field.
        lower = api.put(base, event_body(capacity=1), token=admin["token"])
        assert lower.status_code == 409 and "capacity" in lower.json()["error"]["fields"]

        # The first cancels: the waiting list moves up, and the person is told.
        assert api.delete(f"{base}/registrations/me", token=people[0]["token"]).json() == {
            "cancelled": True
        }
        assert api.delete(f"{base}/registrations/me", token=people[0]["token"]).json() == {
            "cancelled": False
        }
        mine = api.get(f"{base}/registrations/me", token=people[2]["token"]).json()
        assert mine["status"] == "confirmed"
        promoted = platform.mail_sink.wait_for(people[2]["email"], count=3)[-1]
        assert "Nachgerückt" in promoted["Subject"]
        assert api.get(f"{base}/registrations/me", token=people[0]["token"]).status_code == 404

        # A new time is a change: a fact, and a mail to everyone registered.
        moved = event_body(capacity=3, starts=START + timedelta(hours=1), title="Abschlussfest")
        changed = api.put(base, moved, token=admin["token"])
        assert changed.status_code == 200 and changed.json()["registration"]["capacity"] == 3
        assert platform.mail_sink.wait_for(people[1]["email"], count=3)[-1]["Subject"].startswith(
            "Geändert"
        )
        # The same times written with Berlin's offset and in microseconds: no change, no fact.
        berlin = timezone(timedelta(hours=1))
        same = dict(moved)
        same["starts_at"] = (START + timedelta(hours=1)).astimezone(berlin).isoformat()
        same["ends_at"] = (
            (START + timedelta(hours=4, microseconds=7)).astimezone(berlin).isoformat()
        )
        assert api.put(base, same, token=admin["token"]).status_code == 200

        cancelled = api.post(f"{base}/cancel", {"reason": "Sturmwarnung"}, token=admin["token"])
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        cancel_mail = platform.mail_sink.wait_for(people[1]["email"], count=4)[-1]
        assert cancel_mail["Subject"].startswith("Abgesagt")
        assert "METHOD:CANCEL" in _calendar_of(cancel_mail)  # calendars remove the entry
        # Every registration lapsed with the event: nobody confirmed, nobody waiting.
        mine = api.get(f"{base}/registrations/me", token=people[1]["token"]).json()
        assert mine["status"] == "cancelled" and mine["position"] is None
        counts = api.get(base).json()["registration"]
        assert (counts["confirmed"], counts["waiting"], counts["free"], counts["lapsed"]) == (
            0,
            0,
            0,
            2,
        )
        late = api.post(f"{base}/registrations", {}, token=api.verified_login()["token"])
        assert late.status_code == 409 and "event" in late.json()["error"]["fields"]
        assert api.put(base, moved, token=admin["token"]).status_code == 409

        expected = [
            "stadtdialog.events.closing_event.published.v1",
            "stadtdialog.events.registration.confirmed.v1",
            "stadtdialog.events.registration.confirmed.v1",
            "stadtdialog.events.registration.waitlisted.v1",
            "stadtdialog.events.registration.cancelled.v1",
            "stadtdialog.events.registration.promoted.v1",
            "stadtdialog.events.closing_event.changed.v1",
            "stadtdialog.events.closing_event.cancelled.v1",
        ]
        facts = stream.wait_for(lambda got: len(got) >= len(expected), what="closing-event facts")
    assert [f["type"] for f in facts] == expected
    for fact in facts:
        assert validation_errors(fact) == [], fact
        assert fact["city"] == slug and "Test Person" not in str(fact["data"])
    changed_fact = facts[6]["data"]
    assert changed_fact["changed"] == ["capacity", "ends_at", "starts_at", "title"]
    assert changed_fact["capacity"] == 3
    assert facts[4]["data"]["was"] == "confirmed"


def test_concurrent_registrations_never_exceed_the_capacity(api, closing_city) -> None:
    slug, admin = closing_city["slug"], closing_city["admin"]
    path = f"/cities/{slug}/closing-events"
    event = api.post(path, event_body(capacity=4), token=admin["token"]).json()
    base = f"{path}/{event['id']}"
    assert api.post(f"{base}/publish", token=admin["token"]).status_code == 200
    people = [api.verified_login() for _ in range(16)]

    def register(person: dict) -> dict:
        answer = api.post(f"{base}/registrations", {}, token=person["token"])
        assert answer.status_code == 201, answer.text
        return answer.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(register, people))
    assert sum(a["status"] == "confirmed" for a in answers) == 4
    listing = api.get(f"{base}/registrations", token=admin["token"]).json()
    seats = [r["seat"] for r in listing if r["status"] == "confirmed"]
    assert sorted(seats) == [1, 2, 3, 4]
    assert [r["position"] for r in listing if r["status"] == "waitlisted"] == list(range(1, 13))
    assert len({r["registration_id"] for r in listing}) == 16

    # Ten cancellations at once: every freed place goes to the next in line, none twice.
    confirmed = [p for p, a in zip(people, answers, strict=True) if a["status"] == "confirmed"]
    waiting = [p for p, a in zip(people, answers, strict=True) if a["status"] == "waitlisted"]
    leaving = confirmed[:2] + waiting[-8:]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda p: api.delete(f"{base}/registrations/me", token=p["token"]), leaving))
    listing = api.get(f"{base}/registrations", token=admin["token"]).json()
    assert len(listing) == 6
    assert sorted(r["seat"] for r in listing if r["status"] == "confirmed") == sorted(
        r["seat"] for r in listing if r["seat"] is not None
    )
    assert sum(r["status"] == "confirmed" for r in listing) == 4
    assert api.get(f"{base}", token=admin["token"]).json()["registration"]["waiting"] == 2


def _calendar_of(mail) -> str:  # noqa: ANN001 - an email.message.EmailMessage
    attachment = next(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "abschlussveranstaltung.ics"
    content = attachment.get_content()
    return content.decode() if isinstance(content, bytes) else content
