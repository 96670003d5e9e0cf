"""The dialogue's forms from JSON schema to page fields and back (gateway.pages.dialogue.forms),
with the schemas the dialogue service really serves (base fields plus shipped plugins)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from gateway.pages.dialogue.forms import (
    errors_for,
    from_local_input,
    local_input,
    page_fields,
    values_from_form,
)
from plugins.shipped import jugendforum, ortsteile
from services.dialogue.forms import json_schema
from services.dialogue.schemas import ConversationDocumentationSchema, TalkDocumentationSchema

QUESTION = "Wie bewegen wir uns 2040 durch unsere Stadt?"


def _documentation_schema() -> dict:
    config = {"forms": ["talk_documentation"], "districts": ["Nordstadt", "Altstadt"]}
    extra = ortsteile.stadtdialog_form_fields("talk_documentation", config)
    extra.update(jugendforum.stadtdialog_form_fields("talk_documentation", {"max_age": 27}))
    return json_schema(TalkDocumentationSchema.from_dict(extra, name="WithPlugins"))


def test_plugin_fields_become_controls_with_their_titles() -> None:
    fields = {f.name: f for f in page_fields(_documentation_schema(), lang="de")}
    assert fields["participants"].widget == "number" and fields["participants"].required
    assert fields["summary"].widget == "textarea"
    assert fields["district"].widget == "select" and fields["district"].label == "Stadtteil"
    assert fields["district"].choices == [("Nordstadt", "Nordstadt"), ("Altstadt", "Altstadt")]
    assert fields["further_districts"].widget == "choices"
    assert fields["youth_talk"].widget == "checkbox"
    assert fields["ideas"].widget == "lines"
    english = {f.name: f for f in page_fields(_documentation_schema(), lang="en")}
    assert english["district"].label == "District"


def test_insights_get_one_row_per_guiding_question_named_by_it() -> None:
    values = {"insights": [{"question": QUESTION, "answer": "Mit dem Rad"}]}
    fields = {f.name: f for f in page_fields(_documentation_schema(), values, questions=[QUESTION])}
    (row,) = fields["insights"].rows
    hidden, answer = row
    assert (hidden.widget, hidden.name, hidden.value) == ("hidden", "insights.0.question", QUESTION)
    assert (answer.name, answer.label, answer.value) == (
        "insights.0.answer",
        QUESTION,
        "Mit dem Rad",
    )


def test_a_submitted_form_becomes_the_json_the_service_loads() -> None:
    schema = _documentation_schema()
    form = MultiDict(
        [
            ("participants", "5"),
            ("summary", "  Sichere Radwege  "),
            ("district", "Altstadt"),
            ("further_districts", "Nordstadt"),
            ("youth_talk", "on"),
            ("ideas", "Radweg\n\n Bürgerbus \n"),
            ("insights.0.question", QUESTION),
            ("insights.0.answer", "Mit dem Rad"),
            ("insights.1.question", "Unbeantwortet"),
            ("insights.1.answer", ""),
        ]
    )
    assert values_from_form(schema, form) == {
        "participants": 5,
        "summary": "Sichere Radwege",
        "insights": [{"question": QUESTION, "answer": "Mit dem Rad"}],
        "ideas": ["Radweg", "Bürgerbus"],
        "photos": [],
        "district": "Altstadt",
        "further_districts": ["Nordstadt"],
        "youth_talk": True,
    }


def test_unparsable_and_empty_values_are_left_for_the_service_to_name() -> None:
    body = values_from_form(_documentation_schema(), MultiDict([("participants", "fünf")]))
    assert body["participants"] == "fünf"  # the service says "Not a valid integer."
    assert "summary" not in body and "district" not in body  # "Missing data for required field."
    assert body["youth_talk"] is False


def test_conversation_observations_are_free_rows() -> None:
    schema = json_schema(ConversationDocumentationSchema)
    fields = {f.name: f for f in page_fields(schema, labels={"kind": "Art", "text": "Text"})}
    rows = fields["observations"].rows
    assert len(rows) == 2 and [f.name for f in rows[1]] == [
        "observations.1.kind",
        "observations.1.text",
    ]
    assert rows[0][0].widget == "select" and rows[0][1].widget == "textarea"
    form = MultiDict([("observations.0.kind", "forecast"), ("observations.0.text", "Mehr Hitze")])
    assert values_from_form(schema, form)["observations"] == [
        {"kind": "forecast", "text": "Mehr Hitze"}
    ]


def test_hidden_fields_and_errors_of_items() -> None:
    schema = {"properties": {"talk_id": {"type": ["string", "null"]}, "title": {"type": "string"}}}
    names = [(f.name, f.widget) for f in page_fields(schema, hidden={"talk_id": "abc"})]
    assert names == [("talk_id", "hidden"), ("title", "text")]
    assert [f.name for f in page_fields(schema, hidden={"talk_id": ""})] == ["title"]
    messages = {"ideas.1": ["Too short."], "ideas": ["Too many."], "ideasx": ["other"]}
    assert errors_for("ideas", messages) == ["Too short.", "Too many."]


def test_local_times_round_trip_through_the_cities_time_zone() -> None:
    assert from_local_input("2027-07-01T18:30") == "2027-07-01T18:30:00+02:00"
    assert from_local_input("2027-01-15T18:30") == "2027-01-15T18:30:00+01:00"
    assert local_input("2027-07-01T16:30:00+00:00") == "2027-07-01T18:30"
    assert from_local_input("morgen") == "morgen"
