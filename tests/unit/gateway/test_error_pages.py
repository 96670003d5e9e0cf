"""The 404 and 500 pages exist in German and English and never show a stack trace; the API
answers the same errors as JSON in both languages."""

from __future__ import annotations

import pytest
from flask import Flask

from gateway.app import create_app
from gateway.rpc import ServiceUnavailable


@pytest.fixture
def app(monkeypatch) -> Flask:
    monkeypatch.setenv("STADTDIALOG_PUBLIC_CACHE", "0")  # no broker needed for these pages
    app = create_app()

    @app.get("/kaputt")
    def broken() -> str:
        raise RuntimeError("Geheimnis im Stacktrace")

    @app.get("/api/v1/kaputt")
    def broken_api() -> str:
        raise RuntimeError("Geheimnis im Stacktrace")

    @app.route("/beschaeftigt", methods=["GET", "POST"])
    def busy() -> str:
        raise ServiceUnavailable("scenarios", "no answer within 10 s")

    return app


@pytest.mark.parametrize(
    ("path", "status", "german", "english"),
    [
        ("/gibt-es-nicht", 404, "Nicht gefunden", "Not found"),
        ("/kaputt", 500, "Das hat nicht geklappt", "That did not work"),
    ],
)
def test_error_pages_in_both_languages(app, path, status, german, english) -> None:
    client = app.test_client()
    de = client.get(path, headers={"Accept-Language": "de-DE"})
    en = client.get(f"{path}?lang=en")
    for response, lang, title in ((de, "de", german), (en, "en", english)):
        page = response.get_data(as_text=True)
        assert response.status_code == status
        assert response.mimetype == "text/html"
        assert f'<html lang="{lang}">' in page
        assert f"<title>{title} – Stadtdialog</title>" in page
        assert "<main" in page and "Traceback" not in page and "Geheimnis" not in page


def test_api_errors_are_json_in_both_languages(app) -> None:
    client = app.test_client()
    for path, status, code in (("/api/v1/gibt-es-nicht", 404, "not_found"),
                               ("/api/v1/kaputt", 500, "internal")):  # fmt: skip
        response = client.get(path)
        error = response.get_json()["error"]
        assert response.status_code == status
        assert error["code"] == code
        assert error["message"]["de"] != error["message"]["en"]
        assert "Geheimnis" not in response.get_data(as_text=True)


def test_a_page_that_was_only_read_tries_again_by_itself(app) -> None:
    """A busy or restarting service: the read page refreshes itself; a sent form never does."""
    client = app.test_client()
    read = client.get("/beschaeftigt", headers={"Accept-Language": "de-DE"})
    assert read.status_code == 503 and read.headers["Retry-After"] == "5"
    assert read.headers["Refresh"] == "5"
    page = read.get_data(as_text=True)
    assert "Gerade nicht erreichbar" in page and "in 5 Sekunden von selbst" in page
    sent = client.post("/beschaeftigt", headers={"Accept-Language": "de-DE"})
    assert sent.status_code in (400, 503)  # without a CSRF token the form is refused first
    assert "Refresh" not in sent.headers


def test_a_form_address_opened_by_get_leads_to_its_page_not_a_dead_end(app) -> None:
    """A form's own address (where its errors are shown with the input kept) reloaded or
    switched to English: the page the form lives on, not "Methode nicht erlaubt"."""
    client = app.test_client()
    w = "/stadt/musterstadt/szenarien/werkstatt"
    for path, page in [
        (f"{w}/einfluss/klaerung", f"{w}/einfluss"),
        (f"{w}/konsistenz/import", f"{w}/konsistenz"),
        (f"{w}/schluesselfaktoren", w),
        (f"{w}/laeufe/0123456789abcdef01234567/erneut", f"{w}/laeufe/0123456789abcdef01234567"),
    ]:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == page
    english = client.get(f"{w}/einfluss/klaerung?lang=en&x=%0d%0aSet-Cookie:a")
    assert english.headers["Location"] == f"{w}/einfluss?lang=en"  # only the language travels
    # a line break in a path segment never goes into a Location header: the plain error page
    broken = client.get("/stadt/a%0D%0Ab/szenarien/werkstatt/einfluss/klaerung")
    assert broken.status_code == 405 and "Location" not in broken.headers
    # the API keeps its JSON answer
    api = client.get("/api/v1/accessibility/reports/abc/answered")
    assert api.status_code == 405 and api.is_json


def test_page_above_walks_up_to_a_page_and_stops_before_the_start_page() -> None:
    from werkzeug.routing import Map, Rule

    from gateway.form_targets import page_above

    url_map = Map(
        [
            Rule("/a", endpoint="a", methods=["GET"]),
            Rule("/a/b/c", endpoint="c", methods=["POST"]),
            Rule("/d/", endpoint="d", methods=["GET"]),
            Rule("/x/y", endpoint="y", methods=["POST"]),
        ]
    )
    assert page_above(url_map, "/a/b/c") == "/a"
    assert page_above(url_map, "/d/e") == "/d/"
    assert page_above(url_map, "/x/y") is None  # nothing but the start page above
    assert page_above(url_map, "//evil.example/a/b") is None  # never a host, only local paths
