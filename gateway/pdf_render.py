"""HTML to PDF with WeasyPrint, once per distinct document.

One report takes WeasyPrint 0.5–1 s of CPU on two cores, and the report links are public:
people opening a shared link together, reloads and crawlers would each cost that again. The
same document asked for again is served from memory instead, and asked for at once it is
rendered once. The key is the SHA-256 of the HTML, so changed content is a new document at
once; WeasyPrint's output for one HTML is the same bytes each time.

Both documents print the minute they were made ("Stand: …"), so every minute would make a new
document of the same content. A caller therefore names the time ``stamp`` it printed and the
``report`` the document is (a city's results, its scenarios): the key leaves the stamp out, and
the same content asked for again gets the document made first — for at most
``REUSE_SECONDS``, and only while it is still the report's latest document. Its stamp then
tells the truth: the content was exactly this at that minute and has not changed since (content
that changed and changed back is rendered anew, so an older-looking printout is never the
newer one). Bounded by bytes, least recently used first out; each gateway process keeps its own.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache, TLRUCache

CACHE_BYTES = 16 * 2**20  # a report is 25–50 kB: several hundred documents per process
RENDER_WAIT_SECONDS = 30.0  # a render takes 0.5-1 s; then a waiting request renders it itself
# A document is served at most this long after it was stored (its "Stand" is that old at most,
# plus the few seconds of reading and rendering before it was stored).
REUSE_SECONDS = 600.0
REPORTS_KEPT = 10_000  # reports whose latest document a process remembers


class PdfRenderer:
    def __init__(
        self,
        max_bytes: int = CACHE_BYTES,
        reuse_seconds: float = REUSE_SECONDS,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._documents: TLRUCache[str, bytes] = TLRUCache(
            maxsize=max_bytes,
            ttu=lambda _key, _pdf, now: now + reuse_seconds,
            timer=timer,
            getsizeof=len,
        )
        self._latest: LRUCache[str, str] = LRUCache(maxsize=REPORTS_KEPT)  # report -> key
        self._rendering: dict[str, threading.Event] = {}  # documents being rendered now
        self._lock = threading.Lock()  # the gateway's threads share one renderer
        self.renders = 0  # documents WeasyPrint actually rendered
        self.waiting = 0  # requests waiting for another thread's render of their document

    def __call__(self, html: str, stamp: str = "", report: str | None = None) -> bytes:
        """The PDF of ``html``, which prints ``stamp`` (escaped as in the HTML) as the time it
        was made, as the latest document of ``report`` (module doc)."""
        # A lone surrogate would stop pango half-way through the layout: replaced, like any
        # text that is no UTF-8 (the services refuse them on input; this is the last line).
        html = html.encode("utf-8", "replace").decode("utf-8")
        content = html.replace(stamp, "") if stamp and report else html
        key = hashlib.sha256(content.encode()).hexdigest()
        owns = False  # this request renders the document and tells the waiting ones
        waited = False
        while True:
            with self._lock:
                latest = report is None or self._latest.get(report) == key
                cached = self._documents.get(key) if latest else None
                if cached is not None:
                    return cached
                if not latest:
                    self._documents.pop(key, None)  # changed back since: made anew
                if report is not None:
                    self._latest[report] = key
                underway = self._rendering.get(key)
                if underway is None:
                    underway = self._rendering[key] = threading.Event()
                    owns = True
                    break
                if waited:
                    break  # the other render is stuck: render this one alongside
                self.waiting += 1
            # The same document asked for at once (a link shared in a meeting, a crawler):
            # one thread renders, the others wait for it. A failed or an oversized render
            # leaves nothing behind, and the next one in line renders it itself.
            waited = not underway.wait(RENDER_WAIT_SECONDS)
            with self._lock:
                self.waiting -= 1
        try:
            pdf = _render(html)  # outside the lock: other documents render meanwhile
            with self._lock:
                self.renders += 1
                if len(pdf) <= self._documents.maxsize:
                    self._documents[key] = pdf
            return pdf
        finally:
            if owns:
                with self._lock:
                    del self._rendering[key]
                underway.set()


def _render(html: str) -> bytes:
    # Imported here, not at module level: WeasyPrint loads pango through cffi, which only the
    # PDF routes need.
    from weasyprint import HTML

    for name in ("weasyprint", "weasyprint.progress"):  # not each layout step
        logging.getLogger(name).setLevel(logging.WARNING)
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetcher(), base_url=None).write_pdf()
    return pdf


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The documents are self-contained (styles inline, pictures as inline SVG): WeasyPrint
    # must not fetch anything a user text might name (file://, the internal network).
    raise ValueError(f"the PDF documents fetch nothing: {url[:80]}")


@functools.cache
def _no_fetcher() -> Callable[[str], Any]:
    """``_no_fetch`` in the shape this WeasyPrint takes: since its fetcher class, a plain
    function is no longer enough (WeasyPrint reads settings off the fetcher and would fail on
    the first link instead of leaving it out)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # an older WeasyPrint: functions are fetchers
        return _no_fetch

    class NoFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: ARG002
            return _no_fetch(url)

    return NoFetcher()


render_pdf = PdfRenderer()
