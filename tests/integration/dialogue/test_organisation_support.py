"""Organisations as supporters against real processes: a member supports an idea or takes
part in an organisation's name; the organisation counts once however many members act; only
members may; any member may withdraw; confirmed (a working group of the city) and
self-declared (named on the account) organisations; the results count them; the public fact
names no organisation and no person; a deleted member's link goes, the support stays."""

from __future__ import annotations

import json

from dialogue_support import table_talk_city

from services.kit.testing import wait_until

VEREIN = "Radverein Süd e.V."


def _join_working_group(api, slug: str, admin: dict, organisation: str) -> dict:  # noqa: ANN001
    """A person the city invited to a working group in an organisation's name, who accepted."""
    group = api.post(
        f"/cities/{slug}/working-groups", {"name": "Zukunft"}, token=admin["token"]
    ).json()
    email = f"vorstand-{slug}@example.org"
    invited = api.post(
        f"/cities/{slug}/working-groups/{group['id']}/invitations",
        {"email": email, "organisation": organisation, "kind": "association"},
        token=admin["token"],
    )
    assert invited.status_code in (200, 201), invited.text
    token = api.mailed_token(email)
    person = api.verified_login_as(email)
    assert api.post("/invitations/accept", {"token": token}, token=person["token"]).ok
    return person


def _name(api, person: dict, name: str, kind: str, city: str | None) -> None:  # noqa: ANN001
    body = {"name": name, "kind": kind, "city": city}
    assert api.post("/me/organisations", body, token=person["token"]).status_code == 201


def _results(api, slug: str) -> dict:  # noqa: ANN001
    return api.get(f"/cities/{slug}/results").json()["ideas"]


def _collection(platform, service: str, collection: str, **query) -> list[dict]:  # noqa: ANN001
    """Documents of one service's collection, read straight from its database."""
    client = platform.infra.mongo()
    try:
        return [
            doc
            for name in client.list_database_names()
            if name.startswith(f"{platform.infra.db_prefix}_") and name.endswith(service)
            for doc in client[name][collection].find(query)
        ]
    finally:
        client.close()


def test_an_organisation_backs_an_idea_once_only_its_members_may_and_any_withdraws(
    api, cities, platform
) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    chair = _join_working_group(api, slug, admin, VEREIN)  # confirmed by the city
    member, outsider, elsewhere = (api.verified_login() for _ in range(3))
    _name(api, member, "radverein  süd e. V.", "association", slug)  # the same Verein
    _name(api, elsewhere, "Radverein Süd e.V.", "association", "eine-andere-stadt")
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Radweg am Fluss", "description": "Sicher entlang des Flusses.",
         "category": "mobility", "district": "Süd"},
        token=outsider["token"],
    ).json()  # fmt: skip
    path = f"/cities/{slug}/ideas/{idea['id']}"

    mine = api.get(f"{path}/organisations/mine", token=chair["token"]).json()
    assert [(o["name"], o["kind"], o["confirmed"], o["supports"]) for o in mine] == [
        (VEREIN, "association", True, False)
    ]
    key = mine[0]["key"]
    assert [
        o["key"] for o in api.get(f"{path}/organisations/mine", token=member["token"]).json()
    ] == [key]
    # An entry tied to another city does not count here; nor may a non-member act.
    assert api.get(f"{path}/organisations/mine", token=elsewhere["token"]).json() == []
    for person in (outsider, elsewhere):
        refused = api.post(f"{path}/organisations/{key}/support", token=person["token"])
        assert refused.status_code == 403, refused.text
        assert "Mitglieder" in refused.json()["error"]["fields"]["organisation"]["de"][0]
    assert api.post(f"{path}/organisations/{key}/support").status_code == 401

    backed = api.post(f"{path}/organisations/{key}/support", token=chair["token"])
    assert backed.status_code == 200, backed.text
    again = api.post(f"{path}/organisations/{key}/support", token=member["token"]).json()
    assert again["organisation_supporters"] == 1  # two members: one organisation
    assert again["organisations"] == [
        {"key": key, "name": VEREIN, "kind": "association", "as": "support", "confirmed": True}
    ]
    helped = api.post(f"{path}/organisations/{key}/helpers", token=member["token"]).json()
    assert (helped["organisation_supporters"], helped["organisation_helpers"]) == (1, 1)
    listed = {i["id"]: i for i in api.get(f"/cities/{slug}/ideas").json()}[idea["id"]]
    assert (listed["organisation_supporters"], listed["organisation_helpers"]) == (1, 1)
    assert "organisations" not in listed  # names on the idea's own page only
    assert api.get(f"{path}/organisations/mine", token=member["token"]).json()[0]["supports"]
    wait_until(
        lambda: (
            (
                _results(api, slug).get("organisations"),
                _results(api, slug).get("organisation_helpers"),
            )
            == (1, 1)
        ),
        30,
        "the results counting the Verein once",
    )

    # The public facts carry the organisation's kind, never its name nor who acted.
    # (as the events service received them from the public exchange)
    facts = [
        f for f in _collection(platform, "events", "result_facts", city=slug)
        if ".organisation_" in f["type"]
    ]  # fmt: skip
    assert {f["type"].split(".")[-2] for f in facts} == {"organisation_supported"}
    text = json.dumps(facts, default=str, ensure_ascii=False).casefold()
    assert "radverein" not in text and chair["id"] not in text and member["id"] not in text

    # Any member withdraws the organisation's support (the chair gave it, the member takes it).
    out = api.delete(f"{path}/organisations/{key}/support", token=member["token"]).json()
    assert out["organisation_supporters"] == 0
    assert [o["as"] for o in out["organisations"]] == ["helper"]
    assert (
        api.delete(f"{path}/organisations/{key}/helpers", token=outsider["token"]).status_code
        == 403
    )
    wait_until(lambda: _results(api, slug).get("organisations") == 0, 30, "the withdrawal counted")

    # A deleted member's support stays the organisation's; the link to the person goes.
    assert api.post(f"{path}/organisations/{key}/support", token=member["token"]).ok
    export = api.get("/me/export", token=member["token"]).json()
    given = next(
        s["items"]
        for s in export["services"]["dialogue"]["sections"]
        if s["name"] == "organisation_supports"
    )
    # (as the member wrote its name; sorted as given: the help offer first)
    assert [(i["organisation_name"], i["kind"]) for i in given] == [
        ("radverein  süd e. V.", "helper"),
        ("radverein  süd e. V.", "support"),
    ]  # the person's own acts in its name are in the data export
    assert api.delete("/me", {"password": member["password"]}, token=member["token"]).ok

    def link_gone() -> bool:
        supports = _collection(platform, "dialogue", "organisation_supports", city=slug)
        return len(supports) == 2 and member["id"] not in json.dumps(supports, default=str)

    wait_until(link_gone, 30, "the deleted member's id gone from the organisation's support")
    view = api.get(path).json()
    assert view["organisation_supporters"] == 1 and view["organisation_helpers"] == 1
