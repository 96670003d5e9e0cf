"""Follow an idea, a talk, a topic or a city, and the notifications in Mein Bereich
(docs/notifications.md). The dialogue service keeps both; these are the page forms and the
two template helpers: ``following(...)`` for a follow button and ``unread_notifications()``
for the count in the page header (one small counting RPC, only for a signed-in person)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, request, url_for
from werkzeug.wrappers import Response

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.next_path import safe_next
from gateway.rpc import ServiceUnavailable
from services.kit.errors import DomainError, NotFound
from services.kit.text import unfit_for_an_id

bp = Blueprint("pages_follows", __name__)


def known_to_the_page(slug: str, kind: str, target_id: str, answer: dict[str, Any]) -> None:
    """Take the caller's follow and unread count that a service answered along with the
    page's object (``my_following``, ``my_unread``): the template helpers then ask no more."""
    if "my_following" in answer:
        g.setdefault("following_known", {})[(slug, kind, target_id)] = bool(
            answer.pop("my_following")
        )
    if "my_unread" in answer:
        g.unread_notifications = int(answer.pop("my_unread"))


def _following(slug: str, kind: str, target_id: str) -> bool:
    if not current_caller().authenticated:
        return False
    known = g.get("following_known", {}).get((slug, kind, target_id))
    if known is not None:
        return known
    try:
        return bool(rpc("dialogue", "following", slug, kind, target_id)["following"])
    except (DomainError, ServiceUnavailable):
        return False


def _unread() -> int:
    """Asked once per request, and only when the header shows it."""
    if not current_caller().authenticated:
        return 0
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = int(rpc("dialogue", "unread_notifications"))
        except (DomainError, ServiceUnavailable):
            g.unread_notifications = 0  # the header must not take the page down with it
    return g.unread_notifications


@bp.app_context_processor
def follow_helpers() -> dict[str, Any]:
    return {
        "following": _following,
        "unread_notifications": _unread,
        "signed_in": lambda: current_caller().authenticated,
    }


@bp.post("/stadt/<slug>/folgen")
def follow(slug: str) -> Response:
    """Start or stop following; back to the page the button was on."""
    back = safe_next(request.form.get("next")) or url_for("pages_city.city", slug=slug)
    if not current_caller().authenticated:
        return redirect(url_for("pages.login", next=back))
    kind = request.form.get("target_kind", "")
    target_id = request.form.get("target_id", "")
    if unfit_for_an_id(kind) or unfit_for_an_id(target_id):  # a NUL reached the query: a 503
        raise NotFound()
    on = request.form.get("on") == "1"
    # A refused follow (an unknown idea) is the error page's: 4xx with the reason in German.
    rpc("dialogue", "follow", slug, kind, target_id, on)
    return redirect(f"{back.split('#')[0]}#folgen")


@bp.post("/konto/benachrichtigungen/gelesen")
def mark_read() -> Response:
    """Mark one notification (``id``) or all read; back to the list in Mein Bereich."""
    if not current_caller().authenticated:
        return redirect(url_for("pages.login", next="/konto#my-notifications"))
    notification_id = request.form.get("id") or None
    try:
        rpc("dialogue", "mark_notifications_read", notification_id)
    except DomainError:
        pass  # an unknown id: nothing to mark, the list shows what there is
    return redirect(url_for("pages.account", _anchor="my-notifications"))
