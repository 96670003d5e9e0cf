"""Where a GET on a form's target leads (pure).

Many forms post to an address of their own (``…/einfluss/klaerung``, ``…/schluesselfaktoren``)
and, after an error, the page with the kept input is shown at that address. Reloading it later,
coming back from a bookmark or switching the language (``?lang=en`` on the same address) then
asked the server for a GET it does not answer: a dead end "Methode nicht erlaubt". Instead the
person is sent to the nearest page above that address, usually the page the form lives on.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RequestRedirect

from services.kit.text import unfit_for_an_id


def page_above(url_map: Map, path: str) -> str | None:
    """The nearest shorter path (one segment off at a time) that answers a GET; None when only
    the start page would do (then the plain error page with its link home stays)."""
    adapter = url_map.bind("localhost")
    segments = [s for s in path.split("/") if s]
    if any(unfit_for_an_id(segment) for segment in segments):
        return None  # a line break in a path segment: no page, and never into a header
    while len(segments) > 1:
        segments.pop()
        candidate = "/" + "/".join(segments)
        try:
            adapter.match(candidate, method="GET")
        except RequestRedirect:  # a rule with a trailing slash: that page exists
            return candidate + "/"
        except HTTPException:
            continue
        return candidate
    return None
