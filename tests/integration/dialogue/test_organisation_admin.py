"""The city's admins and the organisations acting in its name, against real processes: the
table (confirmed or self-named, ideas supported / helped, first and last act), confirming a
self-named organisation, hiding a bogus one with a reason (its supports stop counting and
showing, in the idea, the list and the results; its member is mailed; nobody may act in its
name), showing it again; who may (city admins only: 401/403 for everyone else); public facts
without the organisation's name."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from dialogue_support import table_talk_city
from test_organisation_support import _collection, _join_working_group, _name, _results

from services.kit.testing import wait_until

VEREIN = "Radverein Süd e.V."
MEIER = "Familie Meier"
REPAIR = "Reparaturinitiative Nord"
REASON = "Keine Organisation, sondern ein Familienname."


def _counts(api, slug: str) -> tuple[int, int]:  # noqa: ANN001
    results = _results(api, slug)
    return results.get("organisations"), results.get("organisation_helpers")


def test_admins_confirm_hide_and_show_organisations(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    chair = _join_working_group(api, slug, admin, VEREIN)  # confirmed by the city
    meier, repair = api.verified_login(), api.verified_login()
    _name(api, meier, MEIER, "initiative", slug)
    _name(api, repair, REPAIR, "initiative", None)
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Radweg am Fluss", "description": "Sicher entlang des Flusses.",
         "category": "mobility", "district": "Süd"},
        token=repair["token"],
    ).json()  # fmt: skip
    path = f"/cities/{slug}/ideas/{idea['id']}"
    keys = {}
    for person, name in ((chair, VEREIN), (meier, MEIER), (repair, REPAIR)):
        key = api.get(f"{path}/organisations/mine", token=person["token"]).json()[0]["key"]
        keys[name] = key
        assert api.post(f"{path}/organisations/{key}/support", token=person["token"]).ok
    assert api.post(f"{path}/organisations/{keys[MEIER]}/helpers", token=meier["token"]).ok
    wait_until(lambda: _counts(api, slug) == (3, 1), 30, "the results counting three")

    # Who may: the city's admins only.
    listing = f"/cities/{slug}/organisations"
    hide = f"{listing}/{keys[MEIER]}/hide"
    partner = cities.person_with_role(slug, "partner", admin)
    facilitator = cities.person_with_role(slug, "facilitator", admin)
    for person in (partner, facilitator, meier, None):
        token = person["token"] if person else None
        expected = 403 if person else 401
        calls = (
            api.get(listing, token=token),
            api.post(f"{listing}/{keys[MEIER]}/confirm", token=token),
            api.post(hide, {"reason": REASON}, token=token),
            api.delete(hide, token=token),
        )
        assert [c.status_code for c in calls] == [expected] * 4, [c.text for c in calls]
    unknown = api.post(f"{listing}/{'0' * 32}/confirm", token=admin["token"])
    assert unknown.status_code == 404 and "Organisation nicht gefunden" in unknown.text

    table = {o["name"]: o for o in api.get(listing, token=admin["token"]).json()}
    assert set(table) == {VEREIN, MEIER, REPAIR}
    assert [table[n]["confirmed"] for n in (VEREIN, MEIER, REPAIR)] == [True, False, False]
    assert (table[MEIER]["kind"], table[MEIER]["ideas_supported"]) == ("initiative", 1)
    assert (table[MEIER]["ideas_helped"], table[REPAIR]["ideas_helped"]) == (1, 0)
    assert table[MEIER]["first_at"] <= table[MEIER]["last_at"] and not table[MEIER]["hidden"]

    # Confirm the repair initiative: the idea page says so; the table too.
    confirmed = api.post(f"{listing}/{keys[REPAIR]}/confirm", token=admin["token"])
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"], confirmed.text
    backers = {o["name"]: o["confirmed"] for o in api.get(path).json()["organisations"]}
    assert backers == {VEREIN: True, MEIER: False, REPAIR: True}
    # The city vouched for the members it had: a namesake named since is not confirmed.
    namesake = api.verified_login()
    _name(api, namesake, REPAIR, "initiative", None)
    mine = api.get(f"{path}/organisations/mine", token=namesake["token"]).json()
    assert [(o["key"], o["confirmed"]) for o in mine] == [(keys[REPAIR], False)]
    assert api.get(f"{path}/organisations/mine", token=repair["token"]).json()[0]["confirmed"]

    # Hide the family: a reason is required; then it counts and shows nowhere.
    refused = api.post(hide, {"reason": ""}, token=admin["token"])
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    hidden = api.post(hide, {"reason": REASON}, token=admin["token"])
    assert hidden.status_code == 200, hidden.text
    assert (hidden.json()["hidden"], hidden.json()["hidden_reason"]) == (True, REASON)
    view = api.get(path).json()
    assert {o["name"] for o in view["organisations"]} == {VEREIN, REPAIR}
    assert (view["organisation_supporters"], view["organisation_helpers"]) == (2, 0)
    listed = {i["id"]: i for i in api.get(f"/cities/{slug}/ideas").json()}[idea["id"]]
    assert (listed["organisation_supporters"], listed["organisation_helpers"]) == (2, 0)
    wait_until(lambda: _counts(api, slug) == (2, 0), 30, "the results without the hidden one")
    # Its member learns it by mail, and can no longer act in its name here.
    mail = next(
        m for m in api.sink.wait_for(meier["email"], count=2) if "ausgeblendet" in m["Subject"]
    )
    assert "\n" not in mail["Subject"] and REASON in mail.get_content()
    again = api.post(f"{path}/organisations/{keys[MEIER]}/support", token=meier["token"])
    assert again.status_code == 409, again.text
    assert "ausgeblendet" in again.json()["error"]["fields"]["organisation"]["de"][0]
    assert api.get(f"{path}/organisations/mine", token=meier["token"]).json()[0]["hidden"]
    # (a second hide changes nothing: no second mail, no second subtraction)
    assert api.post(hide, {"reason": "Nochmal"}, token=admin["token"]).json()["hidden_reason"] == (
        REASON
    )

    # The public facts name neither the organisation nor who acted or decided.
    facts = [
        f for f in _collection(platform, "events", "result_facts", city=slug)
        if f["type"].endswith(".organisation_hidden.v1")
    ]  # fmt: skip
    data = [json.loads(f["data"]) for f in facts]
    assert sorted((d["as"], d["organisation_kind"]) for d in data) == [
        ("helper", "initiative"),
        ("support", "initiative"),
    ]
    text = json.dumps(facts, default=str, ensure_ascii=False).casefold()
    assert "meier" not in text and meier["id"] not in text and admin["id"] not in text

    # Shown again, everything counts as before.
    shown = api.delete(hide, token=admin["token"])
    assert shown.status_code == 200 and not shown.json()["hidden"], shown.text
    view = api.get(path).json()
    assert (view["organisation_supporters"], view["organisation_helpers"]) == (3, 1)
    wait_until(lambda: _counts(api, slug) == (3, 1), 30, "the results counting it again")

    # Two hides at the same moment (a double click): one change, one subtraction per support.
    with ThreadPoolExecutor(2) as pool:
        twice = list(
            pool.map(lambda _: api.post(hide, {"reason": REASON}, token=admin["token"]), range(2))
        )
    assert [r.status_code for r in twice] == [200, 200], [r.text for r in twice]

    def hidden_facts() -> int:
        return sum(
            f["type"].endswith(".organisation_hidden.v1")
            for f in _collection(platform, "events", "result_facts", city=slug)
        )

    wait_until(lambda: _counts(api, slug) == (2, 0), 30, "the results without it, once")
    assert hidden_facts() == 4, "two supports, hidden twice in all: once before, once now"
    assert api.delete(hide, token=admin["token"]).ok
    wait_until(lambda: _counts(api, slug) == (3, 1), 30, "the results counting it again")

    def logged() -> bool:  # the city's audit log names the decisions (an internal fact)
        log = api.get(f"/cities/{slug}/audit-log", token=admin["token"]).json()
        acts = {e["act"] for e in log["entries"]}
        return {"organisation.confirmed", "organisation.hidden", "organisation.shown"} <= acts

    wait_until(logged, 30, "the decisions in the audit log")
