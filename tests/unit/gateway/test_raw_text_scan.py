"""The scan for raw keys and placeholders finds them in visible text only, and lets addresses
and links pass."""

from __future__ import annotations

from raw_text_support import findings, page_text


def test_visible_text_only_without_tags_attributes_scripts_and_styles() -> None:
    html = (
        "<html><head><title>Ergebnisse</title><style>.in_discussion{color:red}</style></head>"
        '<body><p class="kern_body" data-x="starts_at">Umwelt und Klima</p>'
        '<script>var by_category = 1;</script><a href="/stadt/x?seite_2=1">Weiter</a>'
        "<svg><text>environment</text></svg></body></html>"
    )
    text, links = page_text(html)
    assert text == "Ergebnisse Umwelt und Klima Weiter environment"
    assert links == ["/stadt/x?seite_2=1"]
    assert findings(text) == []


def test_keys_and_placeholders_are_found_with_their_context() -> None:
    text = "The host changed the talk (starts_at, ends_at). Hallo %(name)s, {city} {{ x }} None"
    found = findings(text)
    assert [f.split(" in ")[0] for f in found] == [
        "'starts_at'", "'ends_at'", "'%(name)s'", "'{city}'", "'{{'", "'}}'", "'None'",
    ]  # fmt: skip
    assert "(starts_at, ends_at)" in found[0]
    assert findings("Status: in_discussion") and findings("undefined")


def test_addresses_and_links_are_allowed() -> None:
    text = (
        "Schreib an max_mustermann@example.org oder öffne "
        "https://stadt.example/konto/bestaetigen?token=ab_Cd-9 oder /stadt/muster_stadt/ideen."
    )
    assert findings(text) == []


def test_one_word_codes_are_found_when_named() -> None:
    text = "Projektideen nach Kategorie: environment 1, mobility 2, Umwelt und Klima 3"
    assert findings(text) == []
    found = findings(text, frozenset({"environment", "mobility", "social"}))
    assert [f.split(" in ")[0] for f in found] == ["'environment'", "'mobility'"]


def test_iso_times_are_found_german_ones_pass() -> None:
    stamped = "Stand / as of 2026-12-04T14:45:50.472443+00:00, fällig 2027-03-01"
    assert [f.split(" in ")[0] for f in findings(stamped)] == [
        "'2026-12-04T14:45:50.472443'",
        "'2027-03-01'",
    ]
    assert findings("Stand: 04.12.2026, 15:45") == []
