"""The change mail names what changed in words, German and English, never by the field's code
(issue 17: "(starts_at, ends_at)" in the English part)."""

from __future__ import annotations

from services.dialogue import mails

TALK = {
    "title": "Grüne Innenstadt",
    "starts_at": "2027-06-12T16:30:00+00:00",
    "ends_at": "2027-06-12T18:30:00+00:00",
    "address": "Marktplatz 3",
    "district": "Nord",
}


def test_change_mail_names_the_changed_fields_in_words() -> None:
    _subject, body = mails.changed(TALK, "Aylin", ["ends_at", "starts_at", "address"])
    german, english = body.split("\n---\n")
    assert "(Ende, Beginn, Adresse)" in german
    assert "(end, start, address)" in english
    assert "_at" not in body and "12.06.2027, 18:30 – 20:30 Uhr" in body


def test_an_unknown_field_is_named_in_general_words_once() -> None:
    _subject, body = mails.changed(TALK, "Aylin", ["room_plan", "some_new_field"])
    assert "(Angaben)" in body and "(details)" in body and "_" not in body
