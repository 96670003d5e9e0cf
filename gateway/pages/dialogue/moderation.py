"""The moderation queue of a city: reported and own topics, ideas; hide them or set an idea's
status (moderators)."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import IDEA_STATUSES, MODERATORS, _city, _translated, bp
from gateway.pages.dialogue.comments import PAGES as COMMENT_PAGES
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated


# ---------------------------------------------------------------- moderation
def _require_moderator(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *MODERATORS):
        raise Forbidden()


def _moderation_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_moderator(slug)
    reports = {r["target"]: r for r in rpc("dialogue", "reports", slug)}
    topics = rpc("dialogue", "list_topics", slug)
    all_ideas = rpc("dialogue", "list_ideas", slug)
    for topic in topics:
        topic["report"] = reports.get(f"topic:{topic['id']}")
    for item in all_ideas:
        item["report"] = reports.get(f"idea:{item['id']}")
    # The queue: what people reported, then citizens' own topics; deep-dive topics come from
    # the working groups and are listed last.
    own = sorted(
        [t for t in topics if t["source"] == "own"],
        key=lambda t: (t["report"] is None, t["hidden"]),
    )
    return render(
        "moderation.html",
        status,
        city=_city(slug),
        topics=own,
        ideas=sorted(all_ideas, key=lambda i: (i["report"] is None, i["hidden"])),
        reported=len(reports),
        is_admin=current_caller().has_role(slug, "city_admin"),
        statuses=_translated(IDEA_STATUSES),
        comments=rpc("dialogue", "reported_comments", slug),
        comment_pages=COMMENT_PAGES,
        **extra,
    )


@bp.get("/stadt/<slug>/moderation")
def moderation(slug: str) -> tuple[str, int]:
    return _moderation_page(slug, notice=_("Gespeichert.") if request.args.get("ok") else None)


@bp.post("/stadt/<slug>/moderation/<target>/<target_id>")
def moderate(slug: str, target: str, target_id: str) -> Any:
    _require_moderator(slug)
    body = {"reason": request.form.get("reason", "").strip()}
    if target == "thema":
        call = lambda: rpc("dialogue", "hide_topic", slug, target_id, body)  # noqa: E731
    elif target == "idee" and request.form.get("status"):
        body["status"] = request.form["status"]
        call = lambda: rpc("dialogue", "set_idea_status", slug, target_id, body)  # noqa: E731
    elif target == "idee":
        call = lambda: rpc("dialogue", "hide_idea", slug, target_id, body)  # noqa: E731
    else:
        raise NotFound()
    section = f"{target}-{target_id}"
    try:
        call()
    except DomainError as exc:
        return _moderation_page(slug, exc.status, errors=page_errors(exc), error_section=section)
    return redirect(url_for(".moderation", slug=slug, ok=1, _anchor=section))
