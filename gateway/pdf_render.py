"""HTML to PDF with WeasyPrint, once per distinct document.

One report takes WeasyPrint 0.5–1 s of CPU on two cores, and the report links are public: a
council member reloading it, every visitor of a city's results page and any crawler would each
cost that again. The same document asked for again is served from memory instead. The key is
the HTML's SHA-256, so changed results are a new document and nothing stale is ever served;
WeasyPrint's output for one HTML is the same bytes each time. Bounded by bytes, least recently
used first out; each gateway process keeps its own.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from typing import Any

from cachetools import LRUCache

CACHE_BYTES = 16 * 2**20  # a report is 25–50 kB: several hundred documents per process


class PdfRenderer:
    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self._documents: LRUCache[str, bytes] = LRUCache(maxsize=max_bytes, getsizeof=len)
        self._lock = threading.Lock()  # the gateway's threads share one renderer
        self.renders = 0  # documents WeasyPrint actually rendered (tests, metrics)

    def __call__(self, html: str) -> bytes:
        # A lone surrogate would stop pango half-way through the layout: replaced, like any
        # text that is no UTF-8 (the services refuse them on input; this is the last line).
        html = html.encode("utf-8", "replace").decode("utf-8")
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        with self._lock:
            cached = self._documents.get(key)
        if cached is not None:
            return cached
        pdf = _render(html)  # outside the lock: other documents render meanwhile
        with self._lock:
            self.renders += 1
            if len(pdf) <= self._documents.maxsize:
                self._documents[key] = pdf
        return pdf


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
def _no_fetcher() -> Any:
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
