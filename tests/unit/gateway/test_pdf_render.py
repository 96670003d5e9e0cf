"""The PDF renderer: one WeasyPrint render per distinct document, nothing stale, bounded."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest

from gateway.pdf_render import PdfRenderer

REPORT = "<!doctype html><html lang='de'><head><title>Bericht</title></head><body>{}</body></html>"


def test_the_same_document_is_rendered_once_and_served_the_same() -> None:
    render = PdfRenderer()
    first = render(REPORT.format("<h1>Ergebnisse</h1><p>12 Ideen</p>"))
    again = render(REPORT.format("<h1>Ergebnisse</h1><p>12 Ideen</p>"))
    assert first.startswith(b"%PDF-") and again == first
    assert render.renders == 1


def test_changed_results_are_a_new_document() -> None:
    render = PdfRenderer()
    before = render(REPORT.format("<p>12 Ideen</p>"))
    after = render(REPORT.format("<p>13 Ideen</p>"))
    assert render.renders == 2 and after != before


def test_the_memory_is_bounded_least_recently_used_first_out() -> None:
    one = PdfRenderer()(REPORT.format("<p>a</p>"))
    render = PdfRenderer(max_bytes=int(len(one) * 2.5))  # room for two documents
    for text in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        render(REPORT.format(f"<p>{text}</p>"))
    assert render.renders == 3
    render(REPORT.format("<p>a</p>"))
    assert render.renders == 3
    render(REPORT.format("<p>b</p>"))
    assert render.renders == 4


def test_a_document_larger_than_the_memory_is_rendered_each_time() -> None:
    render = PdfRenderer(max_bytes=100)
    for _ in range(2):
        assert render(REPORT.format("<p>x</p>")).startswith(b"%PDF-")
    assert render.renders == 2


def test_nothing_is_fetched_for_a_document() -> None:
    """A picture or a stylesheet named in the markup (a file, the internal network) is left out
    without a request, and the document is still made."""
    asked: list[str] = []

    class Recording(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recording)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        here = f"http://127.0.0.1:{server.server_port}"
        body = (
            f"<link rel='stylesheet' href='{here}/style.css'><img src='{here}/bild.png' alt=''>"
            "<img src='file:///etc/passwd' alt=''><p>Ergebnisse</p>"
        )
        pdf = PdfRenderer()(REPORT.format(body))
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and asked == []


@pytest.mark.parametrize("text", ["\ud800 halbes Zeichen", "Steuer\x01zeichen \u202e"])
def test_hostile_text_still_gives_a_document(text: str) -> None:
    assert PdfRenderer()(REPORT.format(text)).startswith(b"%PDF-")
