"""Search across a city's talks, ideas, topics, scenarios and comments, for the page
(``/stadt/<slug>/suche``) and the API (``/api/v1/cities/<slug>/search``).

Each service searches its own token index (services/kit/search_index.py) and ranks its hits
with the same formula; here they are merged by that score. The query is cut to the length
the services read and is never a pattern (services/kit/search_terms.py).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from gateway.api.common import rpc
from gateway.rpc import ServiceUnavailable
from gateway.schema_forms import N_

# ``art`` in the address → (German name, the services' kind). Comments are the dialogue's.
KINDS = {
    "gespraeche": (N_("Tischgespräche"), "talk"),
    "ideen": (N_("Projektideen"), "idea"),
    "themen": (N_("Themen"), "topic"),
    "szenarien": (N_("Szenarien"), "scenario"),
    "kommentare": (N_("Kommentare"), "comment"),
}
KIND_NAMES = {
    "talk": N_("Tischgespräch"),
    "idea": N_("Projektidee"),
    "topic": N_("Thema"),
    "scenario": N_("Szenario"),
    "comment": N_("Kommentar"),
}
DIALOGUE_KINDS = ("talk", "idea", "topic", "comment")


def _link(slug: str, hit: dict[str, Any]) -> str:
    kind, ref = hit["kind"], hit["id"]
    if kind == "comment" and hit.get("parent_kind") and hit.get("parent_id"):
        parent = _link(slug, {"kind": hit["parent_kind"], "id": hit["parent_id"]})
        return f"{parent}#kommentar-{ref}"
    if kind == "talk":
        return url_for("pages_dialogue.talk", slug=slug, talk_id=ref)
    if kind == "idea":
        return url_for("pages_dialogue.idea", slug=slug, idea_id=ref)
    if kind == "topic":
        return url_for("pages_dialogue.talks", slug=slug, topic=ref)
    return url_for("pages_scenarios.scenarios", slug=slug) + f"#s-{ref}"


def search_city(slug: str, query: str, kind: str | None, status: str | None) -> dict[str, Any]:
    """Both services' hits, merged by score (then newest first)."""
    kinds = [kind] if kind else [*DIALOGUE_KINDS, "scenario"]
    hits: list[dict[str, Any]] = []
    missing = False
    dialogue_kinds = [k for k in kinds if k in DIALOGUE_KINDS]
    if dialogue_kinds:
        filters: dict[str, Any] = {"q": query, "kinds": dialogue_kinds}
        if status:
            filters["status"] = status
        hits += rpc("dialogue", "search", slug, filters)["results"]
    if "scenario" in kinds and not status:
        try:
            hits += rpc("scenarios", "search", slug, {"q": query})["results"]
        except ServiceUnavailable:
            missing = True  # the dialogue's hits are still worth showing
    hits.sort(key=lambda h: h.get("at") or "", reverse=True)
    hits.sort(key=lambda h: h["score"], reverse=True)
    for hit in hits:
        hit["href"] = _link(slug, hit)
    return {"results": hits[:50], "total": len(hits), "incomplete": missing}
