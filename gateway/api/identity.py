"""``/api/v1`` routes of the identity service."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.auth import bearer_token, forget_token, require_caller
from gateway.calendar_feed import private_feed_url
from gateway.my_area import my_area
from gateway.personal_export import collect
from services.identity.schemas import (
    AccountOut,
    DeleteAccountSchema,
    DisplayNameSchema,
    EmailChangeSchema,
    EmailSchema,
    LoginOut,
    LoginSchema,
    MailSettingsOut,
    MailSettingsSchema,
    OrganisationSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    RegisterSchema,
    RoleGrantSchema,
    SessionListOut,
    TokenSchema,
)

bp = Blueprint("api_identity", __name__, url_prefix="/api/v1")
TAG = "identity"


@bp.post("/accounts")
@documented(
    "Register an account; a verification mail is sent (the same answer for an address that "
    "has an account already: its owner gets a mail saying so)",
    TAG,
    body=RegisterSchema,
    response=AccountOut,
    status=201,
    errors=(422,),
)
def register() -> Response:
    return json_response(rpc("identity", "register", json_body()), 201)


@bp.post("/accounts/verify")
@documented(
    "Verify the e-mail address with the mailed token",
    TAG,
    body=TokenSchema,
    response=AccountOut,
    errors=(422,),
)
def verify() -> Response:
    return json_response(rpc("identity", "verify_email", json_body()))


@bp.post("/accounts/verify/resend")
@documented("Send the verification mail again", TAG, body=EmailSchema, status=202, errors=(422,))
def resend_verification() -> Response:
    return json_response(rpc("identity", "resend_verification", json_body()), 202)


@bp.post("/sessions")
@documented(
    "Log in: returns a bearer token",
    TAG,
    body=LoginSchema,
    response=LoginOut,
    status=201,
    errors=(401, 403, 422, 429),
)
def login() -> Response:
    return json_response(rpc("identity", "login", json_body()), 201)


@bp.delete("/sessions/current")
@documented("Log out: the bearer token stops working", TAG, auth=True, errors=(401,))
def logout() -> Response:
    require_caller()
    try:
        return json_response(rpc("identity", "logout", bearer_token()))
    finally:
        forget_token(bearer_token(), "api")  # at once in this process; elsewhere on the fact


@bp.get("/me")
@documented("The signed-in account", TAG, response=AccountOut, auth=True, errors=(401,))
def me() -> Response:
    require_caller()
    return json_response(rpc("identity", "me"))


@bp.post("/password-reset")
@documented("Ask for a password-reset mail", TAG, body=EmailSchema, status=202, errors=(422,))
def request_password_reset() -> Response:
    return json_response(rpc("identity", "request_password_reset", json_body()), 202)


@bp.post("/password-reset/confirm")
@documented(
    "Set a new password with the mailed token", TAG, body=PasswordResetSchema, errors=(422,)
)
def reset_password() -> Response:
    return json_response(rpc("identity", "reset_password", json_body()))


@bp.get("/me/export")
@documented(
    "Download everything every service holds about me as JSON", TAG, auth=True, errors=(401,)
)
def export() -> Response:
    require_caller()
    response = json_response(collect())
    response.headers["Content-Disposition"] = 'attachment; filename="stadtdialog-meine-daten.json"'
    return response


@bp.delete("/me")
@documented(
    "Delete my account; contributions are anonymised",
    TAG,
    body=DeleteAccountSchema,
    auth=True,
    errors=(401, 403, 422),
)
def delete_account() -> Response:
    require_caller()
    return json_response(rpc("identity", "delete_account", json_body()))


@bp.post("/me/organisations")
@documented(
    "Add an organisation I represent",
    TAG,
    body=OrganisationSchema,
    response=AccountOut,
    status=201,
    auth=True,
    errors=(401, 422),
)
def add_organisation() -> Response:
    require_caller()
    return json_response(rpc("identity", "add_organisation", json_body()), 201)


@bp.delete("/me/organisations/<int:index>")
@documented(
    "Remove an organisation I represent", TAG, response=AccountOut, auth=True, errors=(401, 404)
)
def remove_organisation(index: int) -> Response:
    require_caller()
    return json_response(rpc("identity", "remove_organisation", index))


@bp.post("/roles")
@documented(
    "Grant a role in a city (city admins and operators)",
    TAG,
    body=RoleGrantSchema,
    response=AccountOut,
    auth=True,
    errors=(401, 403, 404, 422),
)
def grant_role() -> Response:
    require_caller()
    return json_response(rpc("identity", "grant_role", json_body()))


@bp.delete("/roles")
@documented(
    "Revoke a role in a city (city admins and operators)",
    TAG,
    body=RoleGrantSchema,
    response=AccountOut,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def revoke_role() -> Response:
    require_caller()
    return json_response(rpc("identity", "revoke_role", json_body()))


# ---------------------------------------------------------------- Mein Bereich
@bp.get("/me/area")
@documented(
    "Mein Bereich: my hosted talks, registrations (with waiting position), documentation "
    "drafts, ideas, supports, observations and closing-event registrations, each with its path",
    TAG,
    auth=True,
    errors=(401,),
)
def area() -> Response:
    require_caller()
    return json_response(my_area())


@bp.put("/me/display-name")
@documented(
    "Change my display name", TAG, body=DisplayNameSchema, response=AccountOut, auth=True,
    errors=(401, 422),
)  # fmt: skip
def change_display_name() -> Response:
    require_caller()
    return json_response(rpc("identity", "change_display_name", json_body()))


@bp.put("/me/mail-settings")
@documented(
    "Which reminders and summaries I want (true: send it): the host's daily summary and the "
    "reminder the day before a talk; transactional mails always go out",
    TAG, body=MailSettingsSchema, response=MailSettingsOut, auth=True, errors=(401, 422),
)  # fmt: skip
def change_mail_settings() -> Response:
    require_caller()
    return json_response(rpc("identity", "set_mail_settings", json_body()))


@bp.post("/me/email")
@documented(
    "Ask to change my e-mail address (the current password is required): a link goes to the "
    "new address, which takes effect once the link is opened",
    TAG,
    body=EmailChangeSchema,
    status=202,
    auth=True,
    errors=(401, 403, 422, 429),
)
def request_email_change() -> Response:
    require_caller()
    return json_response(rpc("identity", "request_email_change", json_body()), 202)


@bp.post("/me/email/confirm")
@documented(
    "Confirm a new e-mail address with the mailed token",
    TAG,
    body=TokenSchema,
    response=AccountOut,
    errors=(409, 422),
)
def confirm_email_change() -> Response:
    return json_response(rpc("identity", "confirm_email_change", json_body()))


@bp.put("/me/password")
@documented(
    "Change my password (the current one is required); every other session ends",
    TAG,
    body=PasswordChangeSchema,
    auth=True,
    errors=(401, 403, 422),
)
def change_password() -> Response:
    require_caller()
    return json_response(rpc("identity", "change_password", json_body(), bearer_token()))


@bp.get("/me/sessions")
@documented(
    "My sessions (browsers and API tokens); current marks this token",
    TAG,
    response=SessionListOut,
    auth=True,
    errors=(401,),
)
def list_sessions() -> Response:
    require_caller()
    return json_response(rpc("identity", "list_sessions", bearer_token()))


@bp.delete("/me/sessions/<handle>")
@documented("End one of my sessions", TAG, auth=True, errors=(401, 404, 422))
def end_session(handle: str) -> Response:
    require_caller()
    return json_response(rpc("identity", "end_session", {"session": handle}))


@bp.post("/me/sessions/end-others")
@documented("End every session of mine but this one", TAG, auth=True, errors=(401,))
def end_other_sessions() -> Response:
    require_caller()
    return json_response(rpc("identity", "end_other_sessions", bearer_token()))


@bp.get("/me/calendar-feed")
@documented("Whether my private calendar link is active (since when, until when)", TAG, auth=True)
def calendar_feed_state() -> Response:
    require_caller()
    return json_response(rpc("identity", "calendar_feed_state"))


@bp.post("/me/calendar-feed")
@documented(
    "A new private calendar link (shown once; an earlier one stops working)",
    TAG,
    status=201,
    auth=True,
    errors=(401,),
)
def create_calendar_feed() -> Response:
    require_caller()
    made = rpc("identity", "create_calendar_feed")
    link = private_feed_url(current_app.config["SETTINGS"].public_base_url, made["token"])
    return json_response({**made, "link": link}, 201)


@bp.delete("/me/calendar-feed")
@documented("End my private calendar link", TAG, auth=True, errors=(401,))
def end_calendar_feed() -> Response:
    require_caller()
    return json_response(rpc("identity", "end_calendar_feed"))
