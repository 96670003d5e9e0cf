"""Comments under ideas, topics, published scenarios and documented talks (one macro,
``_comments.html``): write, reply, change within 15 minutes, report, hide (moderators).
Forms that post and redirect back (PRG); an error renders the page again with the message at
the form it belongs to. Also the pages of one topic and one published scenario, which exist
so that they can be discussed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import MODERATORS, _city, _sign_in_first, bp
from gateway.pages.rendering import page_errors, render
from gateway.rpc import ServiceUnavailable
from gateway.schema_forms import N_
from services.kit.errors import DomainError, NotFound

EDIT_MINUTES = 15  # as the dialogue service allows (services/dialogue/handlers/comments.py)
# Path word -> the service's target kind, and the endpoint of the page that shows it.
KINDS = {"idee": "idea", "thema": "topic", "szenario": "scenario", "gespraech": "talk"}
PAGES = {
    "idea": ("pages_dialogue.idea", "idea_id"),
    "topic": ("pages_dialogue.topic", "topic_id"),
    "scenario": ("pages_dialogue.scenario", "scenario_id"),
    "talk": ("pages_dialogue.talk", "talk_id"),
}
WORDS = {kind: word for word, kind in KINDS.items()}
COMMENT_NOTICES = {
    "kommentiert": N_("Danke! Dein Kommentar ist veröffentlicht."),
    "geantwortet": N_("Danke! Deine Antwort ist veröffentlicht."),
    "geaendert": N_("Dein Kommentar ist geändert."),
    "gemeldet": N_("Danke, die Moderation schaut sich das an."),
    "ausgeblendet": N_("Der Kommentar ist ausgeblendet; die Person, die ihn schrieb, erfährt es."),
}


def comments_of(slug: str, kind: str, target_id: str) -> dict[str, Any]:
    """What ``comment_section`` needs; the page stands without comments if the list fails."""
    caller = current_caller()
    try:
        items = rpc("dialogue", "list_comments", slug, kind, target_id)
    except (DomainError, ServiceUnavailable):
        items = []
    notice = COMMENT_NOTICES.get(request.args.get("kommentar", ""))
    return {
        "items": items,
        "count": len(items) + sum(len(c["replies"]) for c in items),
        "kind": WORDS[kind],
        "target_id": target_id,
        "slug": slug,
        "signed_in": caller.authenticated,
        "moderator": caller.has_role(slug, *MODERATORS),
        "edit_minutes": EDIT_MINUTES,
        "notice": _(notice) if notice else None,
    }


def _page_of(kind: str) -> Callable[..., tuple[str, int]]:
    """The function that renders the page of a target (imported late: no import cycle)."""
    from gateway.pages.dialogue.ideas import _idea_page
    from gateway.pages.dialogue.talks import _talk_page

    return {
        "idea": _idea_page,
        "talk": _talk_page,
        "topic": _topic_page,
        "scenario": _scenario_page,
    }[kind]


def _back(slug: str, kind: str, target_id: str, ok: str, anchor: str = "kommentare") -> Any:
    endpoint, arg = PAGES[kind]
    return redirect(url_for(endpoint, slug=slug, **{arg: target_id}, kommentar=ok, _anchor=anchor))


def _act(slug: str, kind: str, target_id: str, where: str, ok: str, call: Callable) -> Any:
    try:
        made = call()
    except DomainError as exc:
        errors = {"where": where, **page_errors(exc)}
        return _page_of(kind)(slug, target_id, exc.status, comment_errors=errors)
    anchor = f"kommentar-{made['id']}" if isinstance(made, dict) and "id" in made else "kommentare"
    return _back(slug, kind, target_id, ok, anchor)


@bp.post("/stadt/<slug>/kommentare/<word>/<target_id>")
def post_comment(slug: str, word: str, target_id: str) -> Any:
    kind = KINDS.get(word)
    if kind is None:
        raise NotFound()
    endpoint, arg = PAGES[kind]
    if not current_caller().authenticated:
        return _sign_in_first(
            _("Um mitzureden, melde Dich bitte an."),
            url_for(endpoint, slug=slug, **{arg: target_id}),
        )
    body: dict[str, Any] = {"body": request.form.get("body", "").strip()}
    parent_id = request.form.get("parent_id", "").strip()
    if parent_id:
        body["parent_id"] = parent_id
    ok = "geantwortet" if parent_id else "kommentiert"
    where = f"antwort-{parent_id}" if parent_id else "neu"
    call = lambda: rpc("dialogue", "post_comment", slug, kind, target_id, body)  # noqa: E731
    return _act(slug, kind, target_id, where, ok, call)


@bp.post("/stadt/<slug>/kommentare/<word>/<target_id>/<comment_id>/<action>")
def comment_action(slug: str, word: str, target_id: str, comment_id: str, action: str) -> Any:
    """``aendern`` (the author, within 15 minutes), ``melden`` (anyone signed in),
    ``ausblenden`` (moderators, with a reason shown in place)."""
    kind = KINDS.get(word)
    if kind is None or action not in ("aendern", "melden", "ausblenden"):
        raise NotFound()
    if not current_caller().authenticated:
        endpoint, arg = PAGES[kind]
        return _sign_in_first(
            _("Um mitzureden, melde Dich bitte an."),
            url_for(endpoint, slug=slug, **{arg: target_id}),
        )
    where = f"{action}-{comment_id}"
    if action == "aendern":
        body = {"body": request.form.get("body", "").strip()}
        call = lambda: rpc("dialogue", "edit_comment", slug, comment_id, body)  # noqa: E731
        return _act(slug, kind, target_id, where, "geaendert", call)
    reason = {"reason": request.form.get("reason", "").strip()}
    if action == "melden":
        call = lambda: rpc("dialogue", "report", slug, "comment", comment_id, reason)  # noqa: E731
        return _act(slug, kind, target_id, where, "gemeldet", call)
    call = lambda: rpc("dialogue", "hide_comment", slug, comment_id, reason)  # noqa: E731
    return _act(slug, kind, target_id, where, "ausgeblendet", call)


# ---------------------------------------------------------------- pages to discuss on
def _topic_page(slug: str, topic_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    topic = next((t for t in rpc("dialogue", "list_topics", slug) if t["id"] == topic_id), None)
    if topic is None or topic["hidden"]:
        raise NotFound("Topic not found.")
    return render(
        "topic_detail.html",
        status,
        city=_city(slug),
        topic=topic,
        comments=comments_of(slug, "topic", topic_id),
        **extra,
    )


@bp.get("/stadt/<slug>/themen/<topic_id>")
def topic(slug: str, topic_id: str) -> tuple[str, int]:
    return _topic_page(slug, topic_id)


def _scenario_page(slug: str, scenario_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    scenario = rpc("scenarios", "get_scenario", slug, scenario_id)
    if scenario["status"] != "published":
        raise NotFound()
    return render(
        "scenario_detail.html",
        status,
        city=_city(slug),
        scenario=scenario,
        comments=comments_of(slug, "scenario", scenario_id),
        **extra,
    )


@bp.get("/stadt/<slug>/szenarien/<scenario_id>")
def scenario(slug: str, scenario_id: str) -> tuple[str, int]:
    return _scenario_page(slug, scenario_id)
