"""The admins' table of the organisations acting in a city, and how the results count an
organisation the city hid and showed again (pure: no broker, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_organisation_keys import _fact

from services.dialogue.organisations import organisation_key, organisation_table
from services.events.results import city_results

START = datetime(2027, 6, 1, tzinfo=UTC)
VEREIN = organisation_key("association", "Radverein Süd e.V.")
MEIER = organisation_key("initiative", "Familie Meier")


def _support(key: str, name: str, idea: str, kind: str, minutes: int, **extra: object) -> dict:
    kind_of = "association" if key == VEREIN else "initiative"
    return {
        "key": key, "name": name, "kind": kind_of, "as": kind, "idea_id": idea,
        "confirmed": False, "at": START + timedelta(minutes=minutes), **extra,
    }  # fmt: skip


def test_one_row_per_organisation_with_ideas_first_and_last_act() -> None:
    supports = [
        _support(VEREIN, "radverein süd e. V.", "i1", "support", 5),
        _support(VEREIN, "Radverein Süd e.V.", "i2", "support", 9, confirmed=True),
        _support(VEREIN, "radverein süd e. V.", "i2", "helper", 1),
        _support(MEIER, "Familie Meier", "i1", "helper", 3),
    ]
    reviews = [{"key": MEIER, "name": "Familie Meier", "kind": "initiative",
                "confirmed": False, "hidden": True, "hidden_reason": "Kein Verein"}]  # fmt: skip
    verein, meier = organisation_table(supports, reviews)  # hidden ones last
    assert (verein["name"], verein["confirmed"]) == ("Radverein Süd e.V.", True)  # the city's
    assert (verein["ideas_supported"], verein["ideas_helped"]) == (2, 1)
    assert (verein["first_at"], verein["last_at"]) == (
        START + timedelta(minutes=1),
        START + timedelta(minutes=9),
    )
    assert (meier["hidden"], meier["hidden_reason"], meier["confirmed"]) == (
        True,
        "Kein Verein",
        False,
    )
    assert (meier["ideas_supported"], meier["ideas_helped"]) == (0, 1)


def test_a_confirmed_review_confirms_and_a_review_without_supports_is_listed() -> None:
    reviews = [{"key": MEIER, "name": "Familie Meier", "kind": "initiative",
                "confirmed": True, "hidden": False, "hidden_reason": "alt"}]  # fmt: skip
    (row,) = organisation_table([], reviews)
    assert (row["confirmed"], row["hidden_reason"], row["first_at"]) == (True, None, None)
    assert organisation_table([], []) == []


def test_results_subtract_a_hidden_organisation_and_add_it_back_when_shown() -> None:
    facts = [
        _fact(0, "proposed", idea_id="i1", category="mobility"),
        _fact(1, "organisation_supported", idea_id="i1", **{"as": "support"}),
        _fact(2, "organisation_supported", idea_id="i1", **{"as": "support"}),
        _fact(3, "organisation_supported", idea_id="i1", **{"as": "helper"}),
        _fact(4, "organisation_hidden", idea_id="i1", **{"as": "support"}),
        _fact(5, "organisation_hidden", idea_id="i1", **{"as": "helper"}),
    ]
    ideas = city_results(facts)["ideas"]
    assert (ideas["organisations"], ideas["organisation_helpers"]) == (1, 0)
    facts += [
        _fact(6, "organisation_shown", idea_id="i1", **{"as": "support"}),
        _fact(7, "organisation_shown", idea_id="i1", **{"as": "helper"}),
    ]
    facts.append(facts[-1])  # delivered twice: counted once
    ideas = city_results(facts)["ideas"]
    assert (ideas["organisations"], ideas["organisation_helpers"]) == (2, 1)
