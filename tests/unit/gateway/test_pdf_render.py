"""The PDF renderer: one WeasyPrint render per distinct document, nothing stale, bounded."""

from __future__ import annotations

import io
import sys
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from threading import Event, Thread

import pytest
from pypdf import PdfReader

from gateway import pdf_render, results_report, scenario_set_report
from gateway.pdf_render import PdfRenderer, render_pdf
from services.kit.testbed import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "events"))
from test_events_results_unit import results_document  # noqa: E402

REPORT = "<!doctype html><html lang='de'><head><title>Bericht</title></head><body>{}</body></html>"


def test_the_same_document_is_rendered_once() -> None:
    render = PdfRenderer()
    first = render(REPORT.format("<h1>Ergebnisse</h1><p>12 Ideen</p>"))
    again = render(REPORT.format("<h1>Ergebnisse</h1><p>12 Ideen</p>"))
    assert first.startswith(b"%PDF-") and again == first
    assert render.renders == 1


def test_weasyprint_makes_the_same_bytes_of_the_same_html() -> None:
    """What makes serving a kept document right: rendering it again would give these bytes."""
    html = REPORT.format("<h1>Ergebnisse</h1><p>12 Ideen</p>")
    assert PdfRenderer()(html) == PdfRenderer()(html)


def test_a_document_asked_for_at_once_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    render = PdfRenderer()
    release = Event()
    real = pdf_render._render

    def held(html: str) -> bytes:  # the real render, held until the second request waits
        release.wait(30)
        return real(html)

    monkeypatch.setattr(pdf_render, "_render", held)
    html = REPORT.format("<p>Alle zugleich</p>")
    got: list[bytes] = []
    _second_waits_for_first(
        render, lambda: got.append(render(html)), lambda: got.append(render(html)), release
    )
    assert render.renders == 1 and len(got) == 2 and got[0] == got[1]


def test_the_next_in_line_renders_when_a_render_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    render = PdfRenderer()
    real, calls = pdf_render._render, []

    def fails_once(html: str) -> bytes:
        calls.append(html)
        if len(calls) == 1:
            raise RuntimeError("pango stopped")
        return real(html)

    monkeypatch.setattr(pdf_render, "_render", fails_once)
    with pytest.raises(RuntimeError):
        render(REPORT.format("<p>x</p>"))
    assert render(REPORT.format("<p>x</p>")).startswith(b"%PDF-") and render.renders == 1


def test_a_waiting_request_renders_when_the_render_it_waited_for_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    render = PdfRenderer()
    release = Event()
    real, calls = pdf_render._render, []

    def first_fails(html: str) -> bytes:  # held until the second request waits, then fails
        calls.append(html)
        if len(calls) == 1:
            release.wait(30)
            raise RuntimeError("pango stopped")
        return real(html)

    monkeypatch.setattr(pdf_render, "_render", first_fails)
    html = REPORT.format("<p>scheitert zuerst</p>")
    failed: list[BaseException] = []
    got: list[bytes] = []

    def first() -> None:
        try:
            render(html)
        except RuntimeError as exc:
            failed.append(exc)

    _second_waits_for_first(render, first, lambda: got.append(render(html)), release)
    assert len(failed) == 1 and got[0].startswith(b"%PDF-")
    assert len(calls) == 2 and render.renders == 1 and not render._rendering


def test_a_waiting_request_renders_itself_when_the_other_render_is_stuck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    render = PdfRenderer()
    release = Event()
    real = pdf_render._render
    first_call = Event()

    def first_stuck(html: str) -> bytes:  # the first render hangs until the test ends
        if not first_call.is_set():
            first_call.set()
            release.wait(30)
        return real(html)

    monkeypatch.setattr(pdf_render, "_render", first_stuck)
    monkeypatch.setattr(pdf_render, "RENDER_WAIT_SECONDS", 0.2)
    html = REPORT.format("<p>haengt</p>")
    stuck = Thread(target=render, args=(html,))
    stuck.start()
    wait_until(first_call.is_set, 30, "the stuck render", interval=0.01)
    assert render(html).startswith(b"%PDF-") and render.renders == 1
    release.set()
    stuck.join(30)
    assert render.renders == 2 and not render._rendering and render.waiting == 0


def test_both_reports_go_through_the_guarded_renderer() -> None:
    before = render_pdf.renders
    results_pdf = results_report.to_pdf(results_document())
    council_pdf = scenario_set_report.to_pdf("Musterstadt", [], None, "07.12.2026, 08:00 Uhr")
    assert results_pdf.startswith(b"%PDF-") and council_pdf.startswith(b"%PDF-")
    assert render_pdf.renders - before == 2
    results_report.to_pdf(results_document())
    assert render_pdf.renders - before == 2


def _second_waits_for_first(
    render: PdfRenderer, first: Callable[[], object], second: Callable[[], object], release: Event
) -> None:
    """``first`` starts rendering (held until ``release``), ``second`` asks for the same
    document and waits for it; then the render goes on and both finish."""
    threads = [Thread(target=first), Thread(target=second)]
    threads[0].start()
    wait_until(lambda: render._rendering, 30, "the first render", interval=0.01)
    threads[1].start()
    wait_until(lambda: render.waiting == 1, 30, "the second request waiting", interval=0.01)
    release.set()
    for thread in threads:
        thread.join(30)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_same_content_a_minute_later_gets_the_document_made_first() -> None:
    """Only the stamp differs: the report's document made first is served, with its own stamp,
    for at most REUSE_SECONDS and only while it is the report's latest."""
    clock = [0.0]
    render = PdfRenderer(timer=lambda: clock[0])

    def report(minute: str, ideas: int, name: str = "results:rosenbrunn") -> bytes:
        html = REPORT.format(f"<p>Stand: {minute}</p><p>{ideas} Ideen</p>")
        return render(html, stamp=minute, report=name)

    first = report("08:00", 12)
    clock[0] = pdf_render.REUSE_SECONDS - 1
    assert report("08:09", 12) == first and render.renders == 1
    assert "Stand: 08:00" in _text(first)  # the document made first, with its own stamp
    assert report("08:09", 12, "results:lindenau") != first  # another report: its own
    assert render.renders == 2
    assert "13 Ideen" in _text(report("08:09", 13)) and render.renders == 3  # changed
    back = report("08:09", 12)  # changed back: 08:00's document is no longer the latest
    assert render.renders == 4 and "Stand: 08:09" in _text(back)
    clock[0] = 3 * pdf_render.REUSE_SECONDS  # too old
    assert "Stand: 08:30" in _text(report("08:30", 12)) and render.renders == 5


def test_content_changed_back_is_never_served_from_before_the_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even when its new render fails, the document made before the change is not served."""
    render = PdfRenderer()

    def report(minute: str, ideas: int) -> bytes:
        html = REPORT.format(f"<p>Stand: {minute}</p><p>{ideas} Ideen</p>")
        return render(html, stamp=minute, report="results:rosenbrunn")

    report("08:00", 12)
    report("08:05", 13)
    real = pdf_render._render
    monkeypatch.setattr(pdf_render, "_render", lambda html: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        report("08:10", 12)
    monkeypatch.setattr(pdf_render, "_render", real)
    assert "Stand: 08:11" in _text(report("08:11", 12))


def test_a_report_whose_numbers_did_not_change_is_rendered_once() -> None:
    results = {**results_document(), "name": f"Stadt {uuid.uuid4().hex}"}  # not made before
    before = render_pdf.renders
    first = results_report.to_pdf({**results, "generated_at": "2026-12-07T08:00:00+00:00"})
    again = results_report.to_pdf({**results, "generated_at": "2026-12-07T08:04:00+00:00"})
    assert again == first and render_pdf.renders - before == 1
    assert "07.12.2026, 09:00" in _text(again)  # the first document's stamp (Berlin time)
    changed = {**results, "generated_at": "2026-12-07T08:05:00+00:00", "name": "Andere Stadt"}
    results_report.to_pdf(changed)
    assert render_pdf.renders - before == 2
    council = (f"Stadt {uuid.uuid4().hex}", [], None)
    made = scenario_set_report.to_pdf(*council, "07.12.2026, 08:00 Uhr")
    assert scenario_set_report.to_pdf(*council, "07.12.2026, 08:04 Uhr") == made
    assert render_pdf.renders - before == 3


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
