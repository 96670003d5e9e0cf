"""Which organisations a person may act for, when two names are one organisation, and how
the results count organisations (pure: no broker, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.dialogue.organisations import organisation_key, organisations_of
from services.events.results import Fact, city_results
from services.kit.events import make_envelope


def test_spelling_case_spaces_and_dots_do_not_make_a_second_organisation() -> None:
    one = organisation_key("association", "Radverein Süd e.V.")
    assert organisation_key("association", "radverein  SÜD e. V.") == one
    assert organisation_key("association", "Radverein Sued e.V.") != one  # a different name
    assert organisation_key("initiative", "Radverein Süd e.V.") != one  # another kind
    assert organisation_key("association", "Straße") == organisation_key("association", "STRASSE")


def test_confirmed_first_own_entries_of_other_cities_and_unknown_kinds_left_out() -> None:
    confirmed = [{"name": "Radverein Süd e.V.", "kind": "association", "city": "musterstadt"}]
    own = [
        {"name": "radverein süd e. V.", "kind": "association", "city": None},  # the same
        {"name": "Kiez <b>&</b> Co", "kind": "initiative", "city": "musterstadt"},
        {"name": "Tafel", "kind": "foundation", "city": "anderswo"},  # another city
        {"name": "Firma", "kind": "business", "city": None},  # not one of the four kinds
        {"name": " ... ", "kind": "association", "city": None},  # no name at all
    ]
    found = organisations_of("musterstadt", confirmed, own)
    assert [(o["name"], o["kind"], o["confirmed"]) for o in found] == [
        ("Radverein Süd e.V.", "association", True),
        ("Kiez <b>&</b> Co", "initiative", False),
    ]
    assert found[0]["key"] == organisation_key("association", "radverein süd e. V.")
    assert organisations_of("musterstadt", [], []) == []


def _fact(n: int, action: str, **data: object) -> Fact:
    envelope = make_envelope(
        service="dialogue",
        entity="idea",
        action=action,
        data=data,
        city="musterstadt",
        now=datetime(2027, 6, 1, tzinfo=UTC) + timedelta(minutes=n),
    )
    return Fact.from_envelope(envelope)


def test_results_count_supporting_and_taking_part_organisations_per_idea() -> None:
    facts = [
        _fact(0, "proposed", idea_id="i1", category="mobility"),
        _fact(1, "proposed", idea_id="i2", category="social"),
        _fact(2, "organisation_supported", idea_id="i1", **{"as": "support"}),
        _fact(3, "organisation_supported", idea_id="i1", **{"as": "support"}),
        _fact(4, "organisation_supported", idea_id="i2", **{"as": "helper"}),
        _fact(5, "organisation_withdrawn", idea_id="i1", **{"as": "support"}),
        _fact(6, "organisation_withdrawn", idea_id="i2", **{"as": "support"}),  # none to take
    ]
    facts.append(facts[2])  # delivered twice: counted once
    ideas = city_results(facts)["ideas"]
    assert (ideas["organisations"], ideas["organisation_helpers"]) == (1, 1)
    rows = {row["idea_id"]: row for row in ideas["most_supported"]}
    assert (rows["i1"]["organisations"], rows["i1"]["organisation_helpers"]) == (1, 0)
    assert (rows["i2"]["organisations"], rows["i2"]["organisation_helpers"]) == (0, 1)
