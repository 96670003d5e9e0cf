"""Follow and notifications over the API (docs/notifications.md): what I follow, follow or
stop following an idea, a talk, a topic or a city, my notifications a page at a time with
their German texts, the unread count, and marking one or all read. The same rules as the
pages: the dialogue service decides, the signed-in person acts only on their own."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_response, rpc
from gateway.api.dialogue.base import TAG, bp
from gateway.api.docs import documented
from gateway.auth import current_caller
from services.dialogue.schemas import NotificationPageSchema
from services.kit.errors import Unauthenticated
from services.kit.schemas import load

# One's own follows, a collection of the person (keyed by account, docs/notifications.md): they
# change nothing of the city, so they live under /me, for any city one likes.
FOLLOW_CITY = "/me/follows/<city>"
FOLLOW = f"{FOLLOW_CITY}/<kind>/<target_id>"  # kind: idea, talk or topic
NOTIFICATIONS = "/me/notifications"


@bp.get("/me/follows")
@documented(
    "What I follow: ideas, talks, topics and cities, newest first, with title, German kind "
    "(target_text) and page path; automatic: followed by supporting, helping, hosting or "
    "commenting",
    TAG,
    auth=True,
    errors=(401,),
)
def my_follows() -> Response:
    return json_response(rpc("dialogue", "my_follows"))


@bp.get(FOLLOW)
@documented("Whether I follow this idea, talk or topic", TAG, errors=(404,))
def following(city: str, kind: str, target_id: str) -> Response:
    return json_response(rpc("dialogue", "following", city, kind, target_id))


@bp.put(FOLLOW)
@documented(
    "Follow an idea, a talk or a topic (kind: idea, talk, topic); repeating changes nothing",
    TAG,
    auth=True,
    errors=(401, 404, 422),
)
def follow(city: str, kind: str, target_id: str) -> Response:
    return json_response(rpc("dialogue", "follow", city, kind, target_id, True))


@bp.delete(FOLLOW)
@documented(
    "Stop following an idea, a talk or a topic; supporting or commenting later does not "
    "start it again",
    TAG,
    auth=True,
    errors=(401, 404, 422),
)
def unfollow(city: str, kind: str, target_id: str) -> Response:
    return json_response(rpc("dialogue", "follow", city, kind, target_id, False))


@bp.get(FOLLOW_CITY)
@documented("Whether I follow the whole city", TAG, errors=(404,))
def following_city(city: str) -> Response:
    return json_response(rpc("dialogue", "following", city, "city", city))


@bp.put(FOLLOW_CITY)
@documented(
    "Follow the whole city: the news of all its ideas and talks and its new topics",
    TAG,
    auth=True,
    errors=(401, 404),
)
def follow_city(city: str) -> Response:
    return json_response(rpc("dialogue", "follow", city, "city", city, True))


@bp.delete(FOLLOW_CITY)
@documented("Stop following the whole city", TAG, auth=True, errors=(401, 404))
def unfollow_city(city: str) -> Response:
    return json_response(rpc("dialogue", "follow", city, "city", city, False))


@bp.get(NOTIFICATIONS)
@documented(
    "My notifications, newest first, a page at a time (page, per_page up to 100; 50 by "
    "default): German text of the kind, title, detail, path, read; with total, pages, unread",
    TAG,
    query=NotificationPageSchema,
    auth=True,
    errors=(401, 422),
)
def my_notifications() -> Response:
    paging = load(NotificationPageSchema(), request.args.to_dict())
    return json_response(rpc("dialogue", "my_notifications", paging))


@bp.get(f"{NOTIFICATIONS}/unread")
@documented("How many of my notifications are unread", TAG, auth=True, errors=(401,))
def unread_notifications() -> Response:
    if not current_caller().authenticated:  # the header's RPC answers 0 to anyone
        raise Unauthenticated()
    return json_response({"unread": rpc("dialogue", "unread_notifications")})


@bp.post(f"{NOTIFICATIONS}/read")
@documented("Mark all my notifications read", TAG, auth=True, errors=(401,))
def mark_all_read() -> Response:
    return json_response(rpc("dialogue", "mark_notifications_read", None))


@bp.post(f"{NOTIFICATIONS}/<notification_id>/read")
@documented("Mark one of my notifications read", TAG, auth=True, errors=(401, 404))
def mark_one_read(notification_id: str) -> Response:
    return json_response(rpc("dialogue", "mark_notifications_read", notification_id))
