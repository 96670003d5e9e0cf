"""The city's audit log: every administrative act with the actor's display name (never an
account id), the time and the reason; acts of other services (roles at identity, moderation at
scenarios) arrive as internal facts. Also: one archive path and the roles by e-mail."""

from __future__ import annotations

from services.kit.testing import wait_until


def _named(api, person: dict, name: str) -> dict:
    changed = api.put("/me/display-name", {"display_name": name}, token=person["token"])
    assert changed.status_code == 200, changed.text
    return person


def _log(api, slug: str, token: str, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    answer = api.get(f"/cities/{slug}/audit-log?{query}", token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _entry(api, slug: str, token: str, act: str) -> dict | None:
    return next((e for e in _log(api, slug, token)["entries"] if e["act"] == act), None)


def _to_scenarios(api, slug: str, admin: dict, reason: str) -> None:
    marked = api.post(
        f"/cities/{slug}/phases/kickoff/steps/working_group_formed",
        {"note": "Keine Stiftung vor Ort"},
        token=admin["token"],
    )
    assert marked.status_code == 200, marked.text
    moved = api.post(
        f"/cities/{slug}/phase", {"to": "scenarios", "reason": reason}, token=admin["token"]
    )
    assert moved.status_code == 200, moved.text


def test_phase_and_schedule_changes_name_the_actor_and_the_reason(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], _named(api, made["admin"], "Erika Verwaltung")
    schedule = {"table_talks": {"start": "2027-03-01T00:00:00Z", "end": "2027-05-01T00:00:00Z"}}
    assert api.put(f"/cities/{slug}/schedule", schedule, token=admin["token"]).status_code == 200
    _to_scenarios(api, slug, admin, "Die Gruppe steht")

    log = _log(api, slug, admin["token"])
    acts = [e["act"] for e in log["entries"]]
    # Newest first: the phase change, the step marked by hand before it, the schedule.
    assert acts[:3] == ["phase.changed", "step.completed", "schedule.changed"], acts
    change = log["entries"][0]
    assert change["by_name"] == "Erika Verwaltung"
    assert change["reason"] == "Die Gruppe steht"
    assert change["detail"] == {"from": "kickoff", "to": "scenarios"}
    assert log["entries"][1]["reason"] == "Keine Stiftung vor Ort"
    assert log["entries"][2]["detail"]["windows"]["table_talks"]["start"].startswith("2027-03-01")
    # Names, never account ids, leave the log.
    assert admin["id"] not in str(log)
    assert all("by" not in e for e in log["entries"])
    # The phase history alone, and the transitions with the name.
    phases = _log(api, slug, admin["token"], kind="phase")
    assert [e["act"] for e in phases["entries"]] == ["phase.changed"]
    history = api.get(f"/cities/{slug}/transitions", token=admin["token"]).json()
    assert history[-1]["by_name"] == "Erika Verwaltung"


def test_roles_by_email_and_revocation_are_logged_with_names(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], _named(api, made["admin"], "Anna Admin")
    email = f"partnerin-{slug}@example.org"
    invited = api.post(
        f"/cities/{slug}/role-invitations",
        {"email": email, "role": "partner", "reason": "Stadtwerke als Partner"},
        token=admin["token"],
    )
    assert invited.status_code == 200, invited.text
    wrong = api.post(
        f"/cities/{slug}/role-invitations",
        {"email": "x@example.org", "role": "operator"},
        token=admin["token"],
    )
    assert wrong.status_code == 422 and "role" in wrong.json()["error"]["fields"]
    entry = _entry(api, slug, admin["token"], "role.invited")
    assert entry["detail"] == {"role": "partner", "email": email}
    assert entry["by_name"] == "Anna Admin" and entry["reason"] == "Stadtwerke als Partner"

    # The mailed link names the city; accepting it grants the role.
    token = api.mailed_token(email)
    mail = api.sink.wait_for(email)[0]
    assert made["city"]["name"] in mail["Subject"]
    paula = person = _named(api, api.verified_login_as(email), "Paula Partner")
    accepted = api.post("/invitations/accept", {"token": token}, token=person["token"])
    assert accepted.status_code == 200 and accepted.json()["role"] == "partner", accepted.text
    people = api.get(f"/cities/{slug}/roles", token=admin["token"]).json()
    mine = [p for p in people if p["display_name"] == "Paula Partner"]
    assert [p["role"] for p in mine] == ["partner"] and mine[0]["since"]
    assert all("email" not in p for p in people)

    # The city's own first grant (its admin, by the operator) is logged from a fact too and
    # may arrive late under load: wait for the partner's.
    granted = wait_until(
        lambda: next(
            (
                e
                for e in _log(api, slug, admin["token"])["entries"]
                if e["act"] == "role.granted" and e["detail"].get("person") == "Paula Partner"
            ),
            None,
        ),
        30,
        "the partner's grant in the log",
    )
    # The inviter granted it; the person concerned is named too.
    assert granted["by_name"] == "Anna Admin"
    assert granted["detail"]["person"] == "Paula Partner"
    assert granted["detail"]["role"] == "partner"

    revoked = api.delete(
        "/roles",
        {"account_id": person["id"], "city": slug, "role": "partner", "reason": "Vertrag endet"},
        token=admin["token"],
    )
    assert revoked.status_code == 200, revoked.text
    entry = wait_until(
        lambda: _entry(api, slug, admin["token"], "role.revoked"), 30, "the revocation logged"
    )
    assert (entry["by_name"], entry["reason"]) == ("Anna Admin", "Vertrag endet")
    assert entry["detail"]["person"] == "Paula Partner"

    # A deleted account's name leaves the log; the acts stay.
    gone = api.delete("/me", {"password": paula["password"]}, token=paula["token"])
    assert gone.status_code in (200, 204), gone.text

    def forgotten() -> bool:
        entries = _log(api, slug, admin["token"])["entries"]
        return "Paula Partner" not in str(entries) and any(
            e["act"] == "role.revoked" and e["detail"].get("person") is None for e in entries
        )

    wait_until(forgotten, 30, "the deleted person's name gone from the log")

    # An admin cannot take their own admin role by a slip.
    own = api.delete(
        "/roles",
        {"account_id": admin["id"], "city": slug, "role": "city_admin"},
        token=admin["token"],
    )
    assert own.status_code == 409 and "account_id" in own.json()["error"]["fields"]


def test_a_moderation_decision_of_another_service_is_logged(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    _to_scenarios(api, slug, admin, "Los")
    facilitator = _named(
        api, cities.person_with_role(slug, "facilitator", admin), "Fritz Begleitung"
    )
    citizen = api.verified_login()
    sent = api.post(
        f"/cities/{slug}/scenarios/observations",
        {"kind": "observation", "text": "Der Markt ist samstags leer."},
        token=citizen["token"],
    )
    assert sent.status_code == 201, sent.text
    hidden = api.post(
        f"/cities/{slug}/scenarios/observations/{sent.json()['id']}/hide",
        {"reason": "Enthält eine Adresse"},
        token=facilitator["token"],
    )
    assert hidden.status_code == 200, hidden.text
    entry = wait_until(
        lambda: _entry(api, slug, admin["token"], "observation.hidden"), 30, "moderation logged"
    )
    assert entry["by_name"] == "Fritz Begleitung"
    assert entry["reason"] == "Enthält eine Adresse"
    assert entry["detail"]["title"].startswith("Der Markt")


def test_both_archive_paths_set_phase_and_status_and_are_logged(api, cities, operator) -> None:
    by_operator = cities.create()
    slug = by_operator["slug"]
    archived = api.post(f"/cities/{slug}/archive", token=operator["token"])
    assert archived.status_code == 200, archived.text
    city = api.get(f"/cities/{slug}").json()
    assert (city["phase"], city["status"]) == ("archived", "archived")
    entry = _entry(api, slug, operator["token"], "phase.changed")
    assert entry["detail"]["to"] == "archived" and entry["reason"] == "Vom Betrieb archiviert."
    assert entry["by_name"] == "Test Person"  # the operator's display name
    # An archived city's log stays readable; its roles can no longer be granted by e-mail.
    refused = api.post(
        f"/cities/{slug}/role-invitations",
        {"email": "spaet@example.org", "role": "partner"},
        token=by_operator["admin"]["token"],
    )
    assert refused.status_code == 409


def test_the_log_is_paged_newest_first(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    # The first admin's grant (accepting the operator's invitation) is the oldest entry.
    wait_until(lambda: _entry(api, slug, admin["token"], "role.granted"), 30, "the first grant")
    for day in range(1, 28):  # and 27 schedule changes: 28 entries, two pages of 25
        window = {"start": f"2027-01-{day:02d}T00:00:00Z", "end": f"2027-01-{day:02d}T12:00:00Z"}
        assert (
            api.put(
                f"/cities/{slug}/schedule", {"kickoff": window}, token=admin["token"]
            ).status_code
            == 200
        )
    first, second = _log(api, slug, admin["token"]), _log(api, slug, admin["token"], page=2)
    assert (first["total"], first["pages"], len(first["entries"])) == (28, 2, 25)
    starts = [e["detail"]["windows"]["kickoff"]["start"] for e in first["entries"]]
    assert starts[0].startswith("2027-01-27") and starts == sorted(starts, reverse=True)
    assert [e["act"] for e in second["entries"]] == ["schedule.changed"] * 2 + ["role.granted"]
    assert second["entries"][1]["detail"]["windows"]["kickoff"]["start"].startswith("2027-01-01")
    bad = api.get(f"/cities/{slug}/audit-log?page=x", token=admin["token"])
    assert bad.status_code == 422 and "page" in bad.json()["error"]["fields"]
