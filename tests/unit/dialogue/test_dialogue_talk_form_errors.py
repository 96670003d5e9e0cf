"""The host form's rules answer at once (pure): field errors, the in-person rule and the checks
beyond the schema in one ``Invalid``, each in its own words (issue 17: errors came in rounds)."""

from __future__ import annotations

import pytest

from services.dialogue.schemas import TalkSchema
from services.kit.errors import Invalid
from services.kit.i18n import german
from services.kit.schemas import load


def _talk(**overrides: object) -> dict:
    body = {
        "title": "Wie wohnen wir 2040?",
        "format": "in_person",
        "address": "Lindenstraße 5",
        "district": "Nordstadt",
        "starts_at": "2030-05-02T18:00:00+02:00",
        "ends_at": "2030-05-02T20:00:00+02:00",
        "capacity": 8,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _fields(data: dict, *checks) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        load(TalkSchema(), data, *checks)
    return caught.value.fields


def test_an_empty_in_person_talk_names_every_field_at_once() -> None:
    fields = _fields({"format": "in_person"})
    assert set(fields) == {"title", "starts_at", "ends_at", "capacity", "address", "district"}


def test_address_and_district_each_named_in_german() -> None:
    fields = _fields(_talk(title="x", address=None, district=None))
    assert "title" in fields  # a field error does not hide the in-person rule any more
    assert german(fields["address"][0]).startswith("Adresse fehlt:")
    assert german(fields["district"][0]).startswith("Stadtteil fehlt:")


def test_an_address_refused_for_itself_is_not_also_called_missing() -> None:
    fields = _fields(_talk(address="ab"))
    assert fields["address"] == ["Length must be between 3 and 200."]


def test_online_talks_need_a_link_not_an_address() -> None:
    fields = _fields(_talk(format="online", address=None, district=None))
    assert set(fields) == {"link"}
    loaded = load(
        TalkSchema(),
        _talk(format="online", address=None, district=None, link="https://meet.example.org/x"),
    )
    assert loaded["address"] is None


def test_checks_beyond_the_schema_join_the_answer_but_do_not_overwrite() -> None:
    def topic(values: dict) -> dict:
        return {"topic_id": ["No topic with this id in this city."], "title": ["other"]}

    fields = _fields(_talk(title="x", topic_id="nope"), topic)
    assert fields["topic_id"] == ["No topic with this id in this city."]
    assert fields["title"] == ["Length must be between 3 and 120."]  # the field's own first


def test_checks_see_what_loaded() -> None:
    seen = {}

    def check(values: dict) -> None:
        seen.update(values)

    _fields(_talk(capacity="many"), check)
    assert "capacity" not in seen and seen["title"] == "Wie wohnen wir 2040?"
