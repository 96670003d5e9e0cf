"""The error summary's rows (gateway.pages.rendering.error_links and the schema forms' labels):
every field error once, linked to its input where the page shows one."""

from __future__ import annotations

from gateway.pages.dialogue.forms import PageField, field_labels
from gateway.pages.rendering import error_links


def test_every_error_is_a_row_linked_to_its_field() -> None:
    rows = error_links(
        {"title": ["Pflichtfeld fehlt."], "address": ["Adresse fehlt."], "talk": ["Abgesagt."]},
        {"title": "Titel", "address": ("Adresse", "address")},
    )
    assert rows == [
        {"href": "#title", "label": "Titel", "text": "Pflichtfeld fehlt."},
        {"href": "#address", "label": "Adresse", "text": "Adresse fehlt."},
        # A field the page does not show: the message without a link that would lead nowhere.
        {"href": None, "label": None, "text": "Abgesagt."},
    ]


def test_an_item_error_links_to_the_field_it_belongs_to() -> None:
    rows = error_links({"ideas.1": ["Zu lang."]}, {"ideas": "Genannte Ideen"})
    assert rows == [{"href": "#ideas", "label": "Genannte Ideen", "text": "Zu lang."}]


def test_no_labels_no_links() -> None:
    assert error_links({"x": ["a", "b"]}, None) == [{"href": None, "label": None, "text": "a b"}]


def test_schema_form_labels_point_at_the_controls() -> None:
    answer = PageField("insights.0.answer", "Wie wollen wir wohnen?", "textarea")
    question = PageField(
        "insights.0.question", "question", "hidden", value="Wie wollen wir wohnen?"
    )
    fields = [
        PageField("summary", "Zusammenfassung", "textarea", required=True),
        PageField("districts", "Stadtteile", "choices", choices=[("a", "A")], value=[]),
        PageField("insights", "Erkenntnisse", "rows", rows=[[question, answer]]),
        PageField("talk_id", "talk_id", "hidden", value="x"),
    ]
    assert field_labels(fields) == {
        "summary": "Zusammenfassung",
        "districts": ("Stadtteile", "districts-1"),
        "insights": ("Erkenntnisse", "insights.0.answer"),
        "insights.0.answer": "Wie wollen wir wohnen?",
    }
