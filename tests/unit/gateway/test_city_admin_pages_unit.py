"""The city administration pages' pure parts: the phase schedule as a form of German days,
and the audit log and phase consequences in words (no raw code, German local time)."""

from __future__ import annotations

import pytest

from gateway.admin_acts import consequences, describe, local_time
from gateway.app import create_app
from gateway.schedule_form import (
    BOTH_NEEDED,
    LAST_BEFORE_FIRST,
    NOT_A_DATE,
    form_days,
    german_day,
    page_day,
    parse_day,
    schedule_body,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [("2027-05-31", (2027, 5, 31)), ("31.05.2027", (2027, 5, 31)), (" 1.3.2027 ", (2027, 3, 1))],
)
def test_days_are_read_as_the_date_input_sends_or_as_germans_type(text: str, day) -> None:
    parsed = parse_day(text)
    assert (parsed.year, parsed.month, parsed.day) == day


@pytest.mark.parametrize("text", ["", "31.02.2027", "2027/05/31", "morgen", "2027-13-01"])
def test_what_is_not_a_day_is_none(text: str) -> None:
    assert parse_day(text) is None


def test_a_window_runs_from_the_first_local_midnight_to_the_end_of_the_last_day() -> None:
    body, errors = schedule_body(
        {"table_talks.start": "01.03.2027", "table_talks.end": "2027-05-31", "closing.start": ""}
    )
    assert errors == {}
    # Winter time on 1 March, summer time on 1 June (the day after the last day).
    assert body == {
        "table_talks": {
            "start": "2027-03-01T00:00:00+01:00",
            "end": "2027-06-01T00:00:00+02:00",
        }
    }
    # and back: the form shows the last day, not the day after
    assert form_days(body) == {"table_talks.start": "2027-03-01", "table_talks.end": "2027-05-31"}
    assert german_day(body["table_talks"]["end"], last=True) == "31.05.2027"
    assert german_day("2027-02-28T23:00:00+00:00") == "01.03.2027"  # read in German time
    # An English page names the month (a reader there takes "06.12." for June the 12th).
    assert page_day(body["table_talks"]["end"], "en", last=True) == "31 May 2027"
    assert page_day("2027-02-28T23:00:00+00:00", "en") == "1 Mar 2027"
    assert page_day("2027-02-28T23:00:00+00:00", "de") == "01.03.2027"
    assert page_day(None, "en") == ""


def test_form_errors_name_the_field() -> None:
    body, errors = schedule_body(
        {
            "kickoff.start": "2027-01-10",
            "kickoff.end": "",
            "scenarios.start": "gestern",
            "scenarios.end": "2027-02-01",
            "transfer.start": "2027-03-01",
            "transfer.end": "2027-02-01",
        }
    )
    assert body == {}
    assert errors == {
        "kickoff.end": [BOTH_NEEDED],
        "scenarios.start": [NOT_A_DATE],
        "transfer.end": [LAST_BEFORE_FIRST],
    }


def test_the_log_in_words_names_people_and_phases_never_codes() -> None:
    app = create_app()
    with app.test_request_context("/"):
        phase = describe(
            {"act": "phase.changed", "detail": {"from": "table_talks", "to": "closing"}}
        )
        archived = describe(
            {"act": "phase.changed", "detail": {"from": "closing", "to": "archived"}}
        )
        role = describe(
            {"act": "role.revoked", "detail": {"role": "partner", "person": "Paula Partner"}}
        )
        gone = describe({"act": "role.granted", "detail": {"role": "facilitator"}})
        hidden = describe({"act": "idea.hidden", "detail": {"title": "Bank am Markt"}})
        unknown = describe({"act": "something.new", "detail": {}})
        status = describe(
            {"act": "idea.status_changed", "detail": {"title": "Bank", "status": "in_progress"}}
        )
        when = local_time("2026-12-05T11:15:00+00:00")
        steps = consequences("table_talks", "closing")
        archive = consequences("closing", "archived")
    assert phase == "Phase gewechselt: Tischgespräche → Abschluss"
    assert archived == "Stadt archiviert (Phase Abschluss → Archiviert)"
    assert role == "Rolle „Partner“ von Paula Partner entzogen"
    assert gone == "Rolle „Szenario-Begleitung“ an ein gelöschtes Konto vergeben"
    assert hidden == "Idee ausgeblendet (Moderation): „Bank am Markt“"
    assert unknown == "Sonstige Änderung"
    assert status == "Status der Idee „Bank“: In Umsetzung"
    assert when == "05.12.2026, 12:15 Uhr"
    assert "Neue Tischgespräche und Anmeldungen dazu sind nicht mehr möglich." in steps
    assert "Der Wechsel lässt sich nicht rückgängig machen." in steps
    assert "Die Stadt erscheint nicht mehr in der Liste der teilnehmenden Städte." in archive
    assert "Die eingeschalteten Plugins der Stadt erfahren vom Wechsel." not in archive
    with app.test_request_context("/?lang=en"):
        english = describe(
            {"act": "phase.changed", "detail": {"from": "kickoff", "to": "scenarios"}}
        )
    assert english == "Phase changed: Kickoff → Scenarios"
