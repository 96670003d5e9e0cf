"""Issue 15: a closing-event title with a line break must not stop the events service's mails."""

from __future__ import annotations

import pytest
from events_support import event_body
from poison_support import POISON, SECONDS, assert_one_line, refused_or_folded

pytestmark = pytest.mark.integration


def _published(api, path: str, admin: dict, partner: dict, title: str):  # noqa: ANN202
    answer = api.post(path, event_body(title=title), token=partner["token"])
    if refused_or_folded(answer.status_code, answer.text):
        return None
    event = answer.json()
    published = api.post(f"{path}/{event['id']}/publish", token=admin["token"])
    assert published.status_code == 200, published.text
    return event


def test_line_break_in_closing_event_title_does_not_stop_other_mail(api, closing_city) -> None:
    slug, admin, partner = closing_city["slug"], closing_city["admin"], closing_city["partner"]
    path = f"/cities/{slug}/closing-events"
    poisoned = _published(api, path, admin, partner, POISON)
    first = api.verified_login()
    if poisoned is not None:
        joined = api.post(f"{path}/{poisoned['id']}/registrations", {}, token=first["token"])
        assert joined.status_code in (200, 201), joined.text

    clean = _published(api, path, admin, partner, "Abschlussabend")
    second = api.verified_login()
    joined = api.post(f"{path}/{clean['id']}/registrations", {}, token=second["token"])
    assert joined.status_code in (200, 201), joined.text
    confirmed = api.sink.wait_for(second["email"], count=2, timeout=SECONDS)[1]
    assert "Abschlussabend" in confirmed["Subject"]
    if poisoned is not None:
        mailed = api.sink.wait_for(first["email"], count=2, timeout=SECONDS)[1]
        assert_one_line(mailed, "Wie wollen wir Bcc: x@evil.example wohnen?")
