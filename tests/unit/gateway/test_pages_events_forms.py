"""The Abschluss pages' pure parts: the closing-event form to and from the API's JSON, nested
field errors placed at their form fields, the SVG bar chart, and what a tenant purge selects."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from gateway.app import create_app
from gateway.pages.events.charts import PEOPLE, TALKS, Bar, Chart, bar_chart, result_charts
from gateway.pages.events.event_form import event_from_form, form_from_event
from services.cities.models import City, WorkingGroup
from services.identity.models import Account
from services.kit.errors import Invalid
from services.kit.purge import purge_filter

FORM = MultiDict(
    {
        "title": " Abschluss 2040 ",
        "starts_at": "2027-06-12T18:00",
        "ends_at": "2027-06-12T21:00",
        "capacity": "80",
        "venue_name": "Stadthalle",
        "venue_district": "Innenstadt",
        "partners": "Bürgerstiftung | Stiftung | Moderation\n\nStadtverwaltung | verwaltung",
        "agenda": "18:00 | Begrüßung | OB\n18:30 | Ergebnisse",
        "a11y_step_free": "on",
        "a11y_notes": "Gebärdensprache auf Anfrage",
    }
)


def test_the_form_becomes_the_api_body_in_german_local_time() -> None:
    body = event_from_form(FORM)
    assert body["title"] == "Abschluss 2040"
    assert body["starts_at"] == "2027-06-12T18:00:00+02:00"  # summer time in Germany
    assert body["capacity"] == 80
    assert body["partners"] == [
        {"name": "Bürgerstiftung", "kind": "foundation", "role": "Moderation"},
        {"name": "Stadtverwaltung", "kind": "administration", "role": ""},  # label, any case
    ]
    assert body["agenda"][0] == {"time": "18:00", "title": "Begrüßung", "speakers": "OB"}
    assert body["accessibility"]["step_free"] is True
    assert body["accessibility"]["childcare"] is False
    assert body["venue"]["online_url"] is None
    assert body["registration_closes_at"] is None


def test_what_does_not_parse_goes_on_as_typed_for_the_service_to_name() -> None:
    typed = {"starts_at": "morgen", "capacity": "viele", "partners": "Chor | Gesangsverein"}
    body = event_from_form(MultiDict(typed))
    assert body["starts_at"] == "morgen"
    assert body["capacity"] == "viele"
    assert body["partners"][0]["kind"] == "Gesangsverein"  # the service names partners.0.kind
    assert event_from_form(MultiDict({"partners": "Chor"}))["partners"][0]["kind"] == "other"


def test_an_event_fills_the_form_again() -> None:
    body = event_from_form(FORM)
    event = {
        **body,
        "venue": {**body["venue"], "online_url": None},
        "registration": {"capacity": 80, "closes_at": None},
    }
    form = form_from_event(event)
    assert form["starts_at"] == "2027-06-12T18:00"
    # The kind in German, as it is typed: never the API's code.
    assert form["partners"].splitlines()[0] == "Bürgerstiftung | Stiftung | Moderation"
    # What the browser sends back: text, and "on" for a ticked box.
    sent = MultiDict(
        {k: ("on" if v is True else str(v)) for k, v in form.items() if v is not False}
    )
    again = event_from_form(sent)
    assert again["agenda"] == body["agenda"]
    assert again["accessibility"] == body["accessibility"]
    assert again["capacity"] == 80


def test_nested_errors_stand_at_their_form_field() -> None:
    from gateway.pages.events.event_form import _form_errors

    app = create_app()
    error = Invalid(
        fields={
            "venue": {"name": ["Missing data for required field."]},
            "partners": {"1": {"kind": ["Must be one of: association."]}},
        }  # fmt: skip
    )
    with app.test_request_context("/?lang=de"):
        placed = _form_errors(error)
    assert set(placed["fields"]) == {"venue_name", "partners"}
    assert placed["fields"]["partners"][0].startswith("Zeile 2: ")
    # The kinds in German, as they are typed; never the API's codes.
    assert "Verein, Initiative, Stiftung" in placed["fields"]["partners"][0]
    assert "association" not in placed["fields"]["partners"][0]


def test_the_bar_chart_is_an_image_with_its_numbers_in_words() -> None:
    app = create_app()
    with app.test_request_context("/"):
        svg = str(bar_chart("c1", "Ideen", [Bar("umgesetzt", 3), Bar("<neu>", 0)]))
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<desc id="c1-desc">umgesetzt: 3; &lt;neu&gt;: 0</desc>' in svg
    assert svg.count("<rect") == 2


def test_a_long_label_goes_on_two_lines_instead_of_being_cut() -> None:
    app = create_app()
    with app.test_request_context("/"):
        svg = str(bar_chart("c2", "Kategorien", [Bar("Soziales und Miteinander", 2)]))
    assert ">Soziales und</tspan>" in svg and ">Miteinander</tspan>" in svg
    assert "…" not in svg


def test_result_charts_follow_the_results_document() -> None:
    results = {
        "talks": {"planned": 3, "held": 2, "cancelled": 1, "participants": 14},
        "ideas": {"by_status": {"proposed": 2}, "by_category": {}, "by_district": {"unknown": 1}},
        "topics": {"items": []},
    }
    app = create_app()
    with app.test_request_context("/"):
        charts = result_charts(results)
    assert [c.id for c in charts] == [
        "chart-talks",
        "chart-participants",
        "chart-status",
        "chart-district",
    ]
    assert charts[3].bars[0].label == "ohne Angabe"


def test_no_chart_draws_bars_of_different_units_on_one_axis() -> None:
    results = {
        "talks": {"planned": 3, "held": 2, "cancelled": 1, "participants": 14},
        "ideas": {
            "by_status": {"proposed": 2},
            "by_category": {"environment": 1},
            "by_district": {"Nord": 1},
        },
        "topics": {"items": [{"title": "Radwege", "talks_held": 2, "participants": 14}]},
    }
    app = create_app()
    with app.test_request_context("/"):
        charts = result_charts(results)
        headings = {c.id: c.heading for c in charts}
    for chart in charts:
        assert chart.unit, chart.id
        assert {b.unit for b in chart.bars} == {chart.unit}, chart.id
    # talks and people are counted apart, each chart names its unit in its title
    assert headings["chart-talks"] == "Tischgespräche (Anzahl Gespräche)"
    assert headings["chart-participants"].endswith("(Anzahl Personen)")
    assert all("(Anzahl " in h for h in headings.values())
    talks = next(c for c in charts if c.id == "chart-talks")
    assert "Teilnehmende" not in {b.label for b in talks.bars}


def test_a_chart_refuses_a_bar_of_another_unit() -> None:
    with pytest.raises(ValueError, match="mixes units"):
        Chart("c3", "Gemischt", [Bar("geführt", 2, TALKS), Bar("Teilnehmende", 14, PEOPLE)], TALKS)


def test_a_purge_selects_the_tenant_and_its_documents_only() -> None:
    assert purge_filter(City, "musterstadt") == {"_id": "musterstadt"}
    assert purge_filter(WorkingGroup, "musterstadt") == {"city": "musterstadt"}
    assert purge_filter(Account, "musterstadt") is None  # accounts are global
