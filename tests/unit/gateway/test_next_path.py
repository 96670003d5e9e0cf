"""Where sign-in returns a person to (gateway.next_path.safe_next): local paths only, so that a
link to our sign-in page cannot send anyone elsewhere after they typed their password."""

from __future__ import annotations

import pytest

from gateway.next_path import MAX_LENGTH, safe_next


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/stadt/musterstadt/tischgespraeche/neu",
        "/stadt/musterstadt/tischgespraeche/neu?thema=abc",
        "/stadt/musterstadt/tischgespraeche/einladung?token=eyJ.abc-_x",
        "/stadt/m%C3%BCnster/ideen",
        "/konto#meldung",
    ],
)
def test_local_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "http://evil.example",
        "//evil.example/path",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:someone@example.org",
        "evil.example",
        "stadt/musterstadt",
        " /stadt",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nLocation: https://evil.example",
        "/stadt\x00",
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/abmelden",
        "/anmelden?next=/konto",
        "/registrieren",
        "",
        "/" + "a" * MAX_LENGTH,
    ],
)
def test_anything_else_is_dropped(value: str) -> None:
    assert safe_next(value) is None


@pytest.mark.parametrize("value", [None, 42, ["/konto"], {"next": "/konto"}, b"/konto"])
def test_values_that_are_not_text_are_dropped(value: object) -> None:
    assert safe_next(value) is None
