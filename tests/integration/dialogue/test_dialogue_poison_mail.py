"""Issue 15: one talk title with a line break must not stop the dialogue's other mails."""

from __future__ import annotations

import pytest
from dialogue_support import create_talk, table_talk_city, talk_body
from poison_support import EVERY_SEPARATOR, POISON, SECONDS, assert_one_line, refused_or_folded


def _join(api, platform, slug: str, talk_id: str) -> dict:
    guest = api.verified_login()
    joined = api.post(f"/cities/{slug}/talks/{talk_id}/registrations", token=guest["token"])
    assert joined.status_code in (200, 201), joined.text
    return guest


@pytest.mark.parametrize(
    ("title", "folded"),
    [(POISON, "Wie wollen wir Bcc: x@evil.example wohnen?"), (EVERY_SEPARATOR, "Alle Trenner")],
    ids=["crlf", "every-separator"],
)
def test_line_break_in_talk_title_does_not_stop_other_mail(
    api, cities, platform, title: str, folded: str
) -> None:
    city = table_talk_city(api, cities, platform)
    slug, topic_id = city["slug"], city["topic"]["id"]
    host = api.verified_login()
    answer = api.post(
        f"/cities/{slug}/talks", talk_body(topic_id, title=title), token=host["token"]
    )
    poisoned = None
    if not refused_or_folded(answer.status_code, answer.text):
        poisoned = _join(api, platform, slug, answer.json()["id"])  # its mail names the title

    clean = create_talk(api, slug, host, topic_id, title="Wie wollen wir wohnen?")
    guest = _join(api, platform, slug, clean["id"])
    # Verification first, then the seat: the second mail to the guest, within seconds.
    seat = platform.mail_sink.wait_for(guest["email"], count=2, timeout=SECONDS)[1]
    assert "Wie wollen wir wohnen?" in seat["Subject"]
    if poisoned is not None:
        mailed = platform.mail_sink.wait_for(poisoned["email"], count=2, timeout=SECONDS)[1]
        assert_one_line(mailed, "Platz ist sicher", folded)
