"""A city's newsletter against the real services (issue 20 part 3): double opt-in (nothing
before the confirmation, the same answer for every address, a repeat harmless), an issue sent
to confirmed subscribers only with ``List-Unsubscribe`` headers that work without signing in,
a header-safe subject, and a send interrupted by a restart of the service that reaches every
subscriber exactly once."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from bson import ObjectId
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.mail import HELD
from services.kit.testing import caller_context, wait_until

pytestmark = pytest.mark.integration


def _call(platform, caller: Caller, method: str, *args: Any) -> Any:
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=60, context_data=caller_context(caller)) as proxy:
        return getattr(proxy.cities, method)(*args)


@pytest.fixture(scope="module")
def town(cities) -> dict:
    made = cities.create()
    made["as_admin"] = Caller(user_id=made["admin"]["id"], roles={made["slug"]: ["city_admin"]})
    return made


def _text(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _address() -> str:
    return f"leserin-{uuid.uuid4().hex[:8]}@example.org"


def _subscribe_and_confirm(api, platform, slug: str, email: str) -> None:
    anyone = Caller()
    before = len([m for m in api.sink.messages if m["To"] == email])
    asked = _call(platform, anyone, "newsletter_subscribe", slug, {"email": email})
    assert asked == {"asked": True}
    message = api.sink.wait_for(email, count=before + 1)[-1]
    token = re.search(r"bestaetigen\?token=([\w.\-]+)", _text(message)).group(1)
    _call(platform, anyone, "newsletter_confirm", {"token": token})


def test_double_opt_in_sends_only_after_confirmation_and_unsubscribes_in_one_click(
    api, platform, town
) -> None:
    slug, admin = town["slug"], town["as_admin"]
    anyone = Caller()
    confirmed, waiting = _address(), _address()
    _subscribe_and_confirm(api, platform, slug, confirmed)
    # Subscribing again (any case) is harmless: same answer, no second confirmation mail.
    again = _call(platform, anyone, "newsletter_subscribe", slug, {"email": confirmed.upper()})
    assert again == {"asked": True}
    assert _call(platform, anyone, "newsletter_subscribe", slug, {"email": waiting}) == again
    api.sink.wait_for(waiting)
    assert _call(platform, admin, "newsletter_recipients", slug) == {"recipients": 1}

    issue = _call(
        platform,
        admin,
        "newsletter_save_issue",
        slug,
        {
            "title": "Abschlussabend am 20. Januar",
            "body": "## Termin\n\n<b>fett</b> [x](javascript:alert(1))",
        },
    )
    assert "<b>" not in issue["html"] and "&lt;b&gt;" in issue["html"]
    assert 'href="javascript' not in issue["html"]
    # A title with a line break is refused (it becomes the mail's subject).
    with pytest.raises(Exception, match="line breaks"):
        _call(
            platform, admin, "newsletter_save_issue", slug, {"title": "a\r\nBcc: x@y", "body": "b"}
        )
    with pytest.raises(Exception, match="recipients"):
        _call(platform, admin, "newsletter_send", slug, issue["id"], {"recipients": 5})
    sent = _call(platform, admin, "newsletter_send", slug, issue["id"], {"recipients": 1})
    assert sent["status"] in ("sending", "sent") and sent["recipients"] == 1

    message = api.sink.wait_for(confirmed, count=2)[-1]
    assert message["Subject"] == f"Newsletter {town['city']['name']}: Abschlussabend am 20. Januar"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link in _text(message)  # the same link in the footer, not rewritten
    wait_until(
        lambda: (
            _call(platform, anyone, "newsletter_archive", slug)[:1]
            and _call(platform, anyone, "newsletter_archive", slug)[0]["id"] == issue["id"]
        ),
        30,
        "the issue in the public archive",
    )
    assert len([m for m in api.sink.messages if m["To"] == waiting]) == 1  # the confirmation only

    link = api.base + link[link.index("/mail/abbestellen") :]  # the test's gateway
    asked = requests.get(link, timeout=10)  # a link scanner's GET changes nothing
    assert asked.status_code == 200 and "Newsletter" in asked.text
    assert _call(platform, admin, "newsletter_recipients", slug) == {"recipients": 1}
    for _ in range(2):  # one click from the mail program, and a repeat
        clicked = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert clicked.status_code == 200, clicked.text
    assert _call(platform, admin, "newsletter_recipients", slug) == {"recipients": 0}


def test_a_send_interrupted_by_a_restart_reaches_everyone_exactly_once(api, platform, town) -> None:
    """The state a process leaves when it dies mid-send (a batch stored held but not marked,
    a batch marked but not released, the rest not begun) is finished by the restarted
    service: every subscriber gets the issue once."""
    slug = town["slug"]
    db = platform.infra.database("cities")
    people = [_address() for _ in range(7)]
    now = datetime.now(UTC)
    subs = [f"{slug}:{p}" for p in people]
    platform.stop_service("cities")
    try:
        issue_id = ObjectId()
        db["newsletter_issues"].insert_one(
            {"_id": issue_id, "city": slug, "title": "Neustart", "body": "Text",
             "status": "sending", "created_by": town["admin"]["id"], "created_at": now,
             "updated_at": now, "recipients": 7}
        )  # fmt: skip
        for index, (person, sub) in enumerate(zip(people, subs, strict=True)):
            db["newsletter_subscriptions"].insert_one(
                {"_id": sub, "city": slug, "email": person, "ref": uuid.uuid4().hex,
                 "created_at": now, "asked_at": now, "confirmed_at": now}
            )  # fmt: skip
            delivery = f"{issue_id}:{sub}"
            # 0-1: stored held, then died before marking; 2-3: marked, died before releasing.
            db["newsletter_deliveries"].insert_one(
                {"_id": delivery, "city": slug, "issue_id": str(issue_id),
                 "subscription_id": sub, "queued": 2 <= index <= 3}
            )  # fmt: skip
            if index <= 3:
                db["mail_outbox"].insert_one(
                    {"_id": f"newsletter:{delivery}", "to": person, "subject": "Neustart",
                     "body": "Text", "created_at": now, "sent_at": None, "next_attempt_at": HELD}
                )  # fmt: skip
    finally:
        platform.service("cities")
    for person in people:
        api.sink.wait_for(person)
    wait_until(
        lambda: db["newsletter_issues"].find_one({"_id": issue_id})["status"] == "sent",
        30,
        "the interrupted issue sent",
    )
    wait_until(
        lambda: db["mail_outbox"].count_documents({"to": {"$in": people}}) == 0,
        30,
        "the outbox empty of the issue",
    )
    for person in people:
        assert len([m for m in api.sink.messages if m["To"] == person]) == 1, person


def _export_section(api, person: dict) -> list[dict]:  # noqa: ANN001
    export = api.get("/me/export", token=person["token"])
    assert export.status_code == 200, export.text
    sections = export.json()["services"]["cities"]["sections"]
    return next(s for s in sections if s["name"] == "newsletter_subscriptions")["items"]


def test_subscriptions_of_the_accounts_address_are_exported_and_deleted_with_it(
    api, platform, town
) -> None:
    person = api.verified_login()
    # Subscribed without signing in, with the account's address: the export finds it.
    _subscribe_and_confirm(api, platform, town["slug"], person["email"])
    items = _export_section(api, person)
    assert [i["email"] for i in items] == [person["email"]]
    assert items[0]["confirmed_at"] and items[0]["city"] == town["slug"]
    gone = api.delete("/me", {"password": person["password"]}, token=person["token"])
    assert gone.status_code == 200, gone.text
    subscriptions = platform.infra.database("cities")["newsletter_subscriptions"]
    wait_until(
        lambda: subscriptions.count_documents({"email": person["email"]}) == 0,
        30,
        "the subscription deleted with the account",
    )
