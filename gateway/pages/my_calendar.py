"""My private calendar: a secret link a calendar program subscribes to
(``/kalender/<secret>.ics``), made and ended in Mein Bereich.

The secret is a session of kind ``calendar`` at the identity service; here it is turned into
that person's caller for this one read, and the talks and closing events are asked of their
services as that person, so a place's address or meeting link is in the feed exactly when the
person may see it on the page."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, g
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.calendar_feed import person_feed, private_feed_url
from gateway.my_area import my_area
from gateway.pages.my_area import bp, render_my_area
from services.kit.context import Caller
from services.kit.errors import DomainError, NotFound, Unauthenticated

ACTIVE = ("confirmed", "waitlisted")


def _feed_link(token: str) -> str:
    return private_feed_url(current_app.config["SETTINGS"].public_base_url, token)


def _one(service: str, method: str, *args: Any) -> dict[str, Any] | None:
    try:
        return rpc(service, method, *args)
    except (NotFound, Unauthenticated):  # gone since (a deleted talk, a city's data purged)
        return None


@bp.get("/kalender/<token>.ics")
def calendar_feed(token: str) -> Response:
    try:
        context = current_app.extensions["rpc"].call("identity", "authenticate", token, "calendar")
    except Unauthenticated:
        abort(404)  # an ended or unknown link says nothing about whether it ever existed
    g.caller = Caller.from_context(context)
    area = my_area({})
    talks: list[tuple[dict[str, Any], str]] = []
    for hosted in area["hosted_talks"]:
        if (view := _one("dialogue", "get_talk", hosted["city"], hosted["id"])) is not None:
            talks.append((view, "host"))
    for reg in area["registrations"]:
        if reg["state"] in ACTIVE:
            view = _one("dialogue", "get_talk", reg["city"], reg["talk_id"])
            if view is not None:
                talks.append((view, reg["state"]))
    events = []
    for reg in area["event_registrations"]:
        view = _one("events", "closing_event", reg["city"], reg["event_id"])
        if view is not None and reg["state"] in ACTIVE:
            events.append((view, reg["state"]))
    body = person_feed(talks, events, current_app.config["SETTINGS"].public_base_url)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/konto/kalender")
def create_calendar_link() -> tuple[str, int]:
    try:
        made = rpc("identity", "create_calendar_feed")
    except DomainError as exc:
        return render_my_area(exc.status, notice=str(exc))
    return render_my_area(
        calendar_link=_feed_link(made["token"]),
        notice=_(
            "Dein privater Kalender-Link ist erstellt. Er wird nur jetzt angezeigt: Kopiere ihn in "
            "Dein Kalenderprogramm. Ein früherer Link gilt nicht mehr."
        ),
    )


@bp.post("/konto/kalender/beenden")
def end_calendar_link() -> tuple[str, int]:
    rpc("identity", "end_calendar_feed")
    return render_my_area(notice=_("Dein Kalender-Link gilt nicht mehr."))
