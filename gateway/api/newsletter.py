"""``/api/v1`` routes of a city's newsletter (cities service): subscribe (anyone; double
opt-in), confirm and unsubscribe with the mailed tokens, the public archive, and the city
admins' issues (write, test mail, send to the confirmed subscribers)."""

from __future__ import annotations

from flask import Blueprint, Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from services.cities.schemas import (
    NewsletterIssueSchema,
    NewsletterSendSchema,
    NewsletterSubscribeSchema,
    NewsletterTokenSchema,
)

bp = Blueprint("api_newsletter", __name__, url_prefix="/api/v1")
TAG = "newsletter"
CITY = "/cities/<slug>/newsletter"


@bp.post(f"{CITY}/subscriptions")
@documented(
    "Ask for the newsletter (anyone): a confirmation mail follows; the same answer for every "
    "address (limited per address and per client, as every request that mails)",
    TAG,
    body=NewsletterSubscribeSchema,
    status=202,
    errors=(404, 409, 422, 429),
)
def subscribe(slug: str) -> Response:
    return json_response(rpc("cities", "newsletter_subscribe", slug, json_body()), 202)


@bp.post("/newsletter/confirm")
@documented("Confirm a subscription with the mailed token", TAG, body=NewsletterTokenSchema,
            errors=(404, 422))  # fmt: skip
def confirm() -> Response:
    return json_response(rpc("cities", "newsletter_confirm", json_body()))


@bp.post("/newsletter/unsubscribe")
@documented("Unsubscribe with the token of a newsletter's link (no sign-in)", TAG,
            body=NewsletterTokenSchema, errors=(422,))  # fmt: skip
def unsubscribe() -> Response:
    return json_response(rpc("cities", "newsletter_unsubscribe", json_body()))


@bp.get(f"{CITY}/archive")
@documented("The sent issues of a city, newest first", TAG, errors=(404,))
def archive(slug: str) -> Response:
    return json_response(rpc("cities", "newsletter_archive", slug))


@bp.get(f"{CITY}/issues")
@documented("All issues of a city (its admins)", TAG, auth=True, errors=(401, 403, 404))
def issues(slug: str) -> Response:
    return json_response(rpc("cities", "newsletter_issues", slug))


@bp.post(f"{CITY}/issues")
@documented("Write a new draft (the city's admins)", TAG, body=NewsletterIssueSchema,
            auth=True, status=201, errors=(401, 403, 404, 409, 422))  # fmt: skip
def new_issue(slug: str) -> Response:
    return json_response(rpc("cities", "newsletter_save_issue", slug, json_body()), 201)


@bp.get(f"{CITY}/issues/<issue_id>")
@documented("One issue: a sent one for anyone, a draft for the city's admins", TAG,
            errors=(404,))  # fmt: skip
def issue(slug: str, issue_id: str) -> Response:
    return json_response(rpc("cities", "newsletter_issue", slug, issue_id))


@bp.put(f"{CITY}/issues/<issue_id>")
@documented("Change a draft (the city's admins)", TAG, body=NewsletterIssueSchema, auth=True,
            errors=(401, 403, 404, 409, 422))  # fmt: skip
def change_issue(slug: str, issue_id: str) -> Response:
    return json_response(rpc("cities", "newsletter_save_issue", slug, json_body(), issue_id))


@bp.get(f"{CITY}/recipients")
@documented("How many confirmed addresses an issue reaches now (the city's admins)", TAG,
            auth=True, errors=(401, 403, 404))  # fmt: skip
def recipients(slug: str) -> Response:
    return json_response(rpc("cities", "newsletter_recipients", slug))


@bp.post(f"{CITY}/issues/<issue_id>/test-mail")
@documented("Send the issue as a test to the admin's own address", TAG, auth=True,
            errors=(401, 403, 404, 409))  # fmt: skip
def test_mail(slug: str, issue_id: str) -> Response:
    return json_response(rpc("cities", "newsletter_test_mail", slug, issue_id))


@bp.post(f"{CITY}/issues/<issue_id>/send")
@documented(
    "Send a draft to every confirmed subscriber (``recipients``: the number the admin "
    "confirmed; 409 when it changed)",
    TAG,
    body=NewsletterSendSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def send(slug: str, issue_id: str) -> Response:
    return json_response(rpc("cities", "newsletter_send", slug, issue_id, json_body()))
