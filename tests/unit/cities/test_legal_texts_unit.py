"""The legal texts' pure part (``services/cities/legal.py``): the shipped templates and the
safe rendering of Markdown a person wrote."""

from __future__ import annotations

import re

import pytest

from services.cities.legal import BY_PATH, KINDS, placeholders, render, template
from services.cities.schemas import LegalTextSchema
from services.kit.errors import Invalid
from services.kit.schemas import load


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("part", ["platform", "city"])
def test_every_kind_ships_a_german_template_that_says_what_to_fill_in(kind: str, part: str) -> None:
    text = template(kind, part)
    assert len(text) > 200
    gaps = placeholders(text)
    assert gaps, "a template names the parts a city or the operator must fill in"
    assert all(gap.startswith("Bitte ausfüllen:") for gap in gaps)
    html = render(text)
    assert html.count('<mark class="legal-fill">') == len(gaps)


def test_the_city_parts_name_the_responsible_body_the_dpo_and_a_contact() -> None:
    privacy = template("privacy", "city")
    assert "Verantwortliche Stelle" in privacy
    assert "Datenschutzbeauftragte" in privacy
    assert "Kontakt" in privacy


def test_the_accessibility_statement_follows_the_eu_model_and_links_the_feedback_form() -> None:
    text = template("accessibility", "platform")
    for heading in (
        "Stand der Vereinbarkeit",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontakt",
        "Durchsetzungsverfahren",
    ):
        assert f"## {heading}" in text
    assert 'href="/barrierefreiheit/melden"' in render(text)
    assert "Schlichtungsstelle" in template("accessibility", "city")


def test_paths_are_german_and_unique() -> None:
    assert set(BY_PATH) == {"impressum", "datenschutz", "nutzungsbedingungen", "barrierefreiheit"}


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
        '<a href="https://evil.example" onclick="steal()">Klick</a>',
        "<style>body{display:none}</style>",
        "<!-- kommentar --><b>fett</b>",
    ],
)
def test_raw_html_from_a_person_is_shown_as_text_never_as_markup(hostile: str) -> None:
    html = render(f"Vorher {hostile} nachher")
    for tag in ("script", "img", "iframe", "style", "b"):
        assert f"<{tag}" not in html
    assert "onerror=" not in html.replace("&quot;", '"').split("&lt;")[0]
    assert "&lt;" in html  # shown as typed


@pytest.mark.parametrize(
    "link",
    [
        "[Klick](javascript:alert(1))",
        "[Klick](JAVASCRIPT:alert(1))",
        "[Klick](  javascript:alert(1))",
        "[Klick](vbscript:msgbox(1))",
        "[Klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        "![Bild](javascript:alert(1))",
        "[Klick][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_script_links_never_become_links(link: str) -> None:
    html = render(link)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if not re.match(r"^(https?:|mailto:|tel:|/|#)", h)], html
    assert "<img" not in html


def test_plain_markdown_keeps_its_structure_and_safe_links() -> None:
    html = render(
        "# Titel\n\n## Abschnitt\n\nText mit **fett** und [Link](https://example.org).\n\n"
        "- eins\n- zwei\n\n[Mail](mailto:dsb@example.org) [Seite](/datenschutz)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h1" not in html  # the page has its own h1
    assert "<h2>Titel</h2>" in html and "<h2>Abschnitt</h2>" in html
    assert "<strong>fett</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert 'href="mailto:dsb@example.org"' in html and 'href="/datenschutz"' in html
    assert "<li>eins</li>" in html and "<table>" in html


def test_a_city_part_starts_one_heading_level_lower() -> None:
    assert render("# A\n\n## B\n\n### C", top=3) == "<h3>A</h3>\n<h3>B</h3>\n<h4>C</h4>\n"


def test_a_placeholder_in_a_link_title_stays_an_attribute() -> None:
    html = render('[z](https://example.org "[[x]]") und [[Bitte ausfüllen: y]]')
    assert 'title="[[x]]"' in html
    assert html.count("<mark") == 1


def test_the_schema_refuses_an_empty_or_overlong_text_and_control_characters() -> None:
    for body in ("", " ", "x" * 50_001, "Text\x00mit Steuerzeichen"):
        with pytest.raises(Invalid) as refused:
            load(LegalTextSchema(), {"body": body})
        assert "body" in refused.value.fields
    assert load(LegalTextSchema(), {"body": "Zeile 1\r\nZeile 2"})["body"] == "Zeile 1\nZeile 2"
