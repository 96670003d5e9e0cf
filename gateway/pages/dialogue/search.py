"""The search page of a city: ``/stadt/<slug>/suche?q=…&art=…&stand=…`` (gateway/search.py
merges the services' hits)."""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext as _

from gateway.pages.dialogue.base import IDEA_STATUSES, _city, bp
from gateway.pages.rendering import render
from gateway.search import KIND_NAMES, KINDS, search_city
from services.kit.search_terms import MAX_QUERY_CHARS

CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


@bp.get("/stadt/<slug>/suche")
def search(slug: str) -> tuple[str, int]:
    city = _city(slug)
    raw = request.args.get("q", "")
    # Control characters are no words: shown as spaces, so the field and heading read cleanly.
    query = " ".join(CONTROLS.sub(" ", raw[:MAX_QUERY_CHARS]).split())
    art = request.args.get("art", "")
    kind = KINDS[art][1] if art in KINDS else None
    status = request.args.get("stand", "")
    status = status if status in IDEA_STATUSES else None
    found = search_city(slug, query, kind, status) if query else None
    return render(
        "search.html",
        city=city,
        query=query,
        cut=len(raw) > MAX_QUERY_CHARS,
        art=art if kind else "",
        stand=status or "",
        kinds_options={key: _(name) for key, (name, _kind) in KINDS.items()},
        kind_names={kind: _(name) for kind, name in KIND_NAMES.items()},
        found=found,
        no_city_search=True,  # this page has the field itself
    )
