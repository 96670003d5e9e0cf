"""``/leichte-sprache``: the platform explained in Leichte Sprache (BITV 2.0 § 4).

The text is German on every page language: Leichte Sprache is a German standard (Netzwerk
Leichte Sprache, DIN SPEC 33429), so the English page shows the same German text, marked
``lang="de"``, with one English sentence that says so. The template holds the text;
``tests/unit/gateway/test_easy_read_rules.py`` checks the rules a machine can check.
"""

from __future__ import annotations

from gateway.pages.accessibility.base import bp
from gateway.pages.rendering import render


@bp.get("/leichte-sprache")
def easy_read() -> tuple[str, int]:
    return render("leichte_sprache.html", 200)
