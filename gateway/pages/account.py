"""Server-rendered account pages (German). The full citizen site grows in the web-pages issue;
these are the pages every mail links to, plus sign-in and sign-out with CSRF protection."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import PAGE_SESSION_KEY, current_caller, forget_token
from gateway.cache import cached
from gateway.demo.people import DEMO_CITIES, PASSWORD
from gateway.device_names import device_name
from gateway.next_path import safe_next
from gateway.pages.legal import current_versions
from gateway.pages.my_area import render_my_area
from gateway.pages.rendering import account_url, error_links, page_errors, render
from gateway.personal_export import collect, readable
from gateway.security import remember_retry_after
from services.kit.context import ANONYMOUS
from services.kit.errors import DomainError

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    return {
        "caller": current_caller(),
        "current_locale": str(get_locale()),
        "error_links": error_links,
        "sign_in_url": lambda next_path=None: account_url("pages.login", next_path),
        "register_url": lambda next_path=None: account_url("pages.register", next_path),
    }


# Where a person registering goes after confirming: the session remembers the page they came
# from, so the sign-in after the mail's link returns them there (same browser).
NEXT_AFTER_VERIFY = "next_after_verify"


def _next() -> str | None:
    """The ``next`` of this request (query or form), if it is a local path."""
    return safe_next(request.values.get("next"))


@bp.get("/")
@cached
def start() -> tuple[str, int]:
    by_year: dict[int, list[dict[str, Any]]] = {}
    demo_year = None
    for city in rpc("cities", "list_cities"):
        by_year.setdefault(city["cohort_year"], []).append(city)
    # The demo cohort (gateway/demo/) gets a short tour for a newcomer when it is all there.
    present = {c["slug"]: c["cohort_year"] for cities in by_year.values() for c in cities}
    if all(slug in present for slug in DEMO_CITIES):
        demo_year = present[DEMO_CITIES[0]]
    return render(
        "start.html",
        cohorts=sorted(by_year.items(), reverse=True),
        demo_year=demo_year,
        demo_password=PASSWORD,
    )


@bp.route("/registrieren", methods=["GET", "POST"])
def register() -> tuple[str, int]:
    next_path = _next()
    if request.method == "GET":
        return render(
            "register.html",
            form={},
            next_path=next_path,
            privacy_version=current_versions()["privacy"],
        )
    form: dict[str, Any] = {
        k: request.form.get(k, "") for k in ("email", "display_name", "password")
    }
    # An unticked box sends nothing: the service refuses that with a German message at the box.
    form["privacy_consent"] = request.form.get("privacy_consent") == "1"
    shown = request.form.get("privacy_version", "")
    body = {**form, "privacy_version": int(shown)} if shown.isdigit() else form
    try:
        rpc("identity", "register", body)
    except DomainError as exc:
        return render(
            "register.html",
            422 if exc.status == 422 else exc.status,
            form={k: v for k, v in form.items() if k != "password"},
            errors=page_errors(exc),
            next_path=next_path,
            privacy_version=current_versions()["privacy"],
        )
    if next_path:
        session[NEXT_AFTER_VERIFY] = next_path
    return render(
        "message.html",
        title=_("Fast geschafft"),
        text=_("Wir haben Dir eine E-Mail geschickt. Bitte bestätige darin Deine Adresse."),
    )


@bp.get("/konto/bestaetigen")
def verify() -> tuple[str, int]:
    try:
        rpc("identity", "verify_email", {"token": request.args.get("token", "")})
    except DomainError as exc:
        return render(
            "message.html",
            exc.status,
            title=_("Bestätigung fehlgeschlagen"),
            text=page_errors(exc)["summary"],
        )
    return render(
        "message.html",
        title=_("E-Mail-Adresse bestätigt"),
        text=_("Danke! Du kannst Dich jetzt anmelden."),
        link=account_url("pages.login", session.get(NEXT_AFTER_VERIFY)),
        link_text=_("Zur Anmeldung"),
    )


@bp.route("/anmelden", methods=["GET", "POST"])
def login() -> tuple[str, int] | Response:
    next_path = _next()
    if request.method == "GET":
        return render("login.html", form={}, next_path=next_path)
    form = {k: request.form.get(k, "") for k in ("email", "password")}
    try:
        # A page session, no API token; the browser's short name for the list of sessions.
        device = device_name(request.user_agent.string)
        result = rpc("identity", "login", form, "page", device)
    except DomainError as exc:
        remember_retry_after(exc)  # a locked sign-in (429) says when to try again
        return render(
            "login.html",
            exc.status,
            form={"email": form["email"]},
            errors=page_errors(exc),
            next_path=next_path,
            # The right password but an unconfirmed address: offer the mail again.
            unverified=exc.status == 403 and "email" in exc.fields,
        )
    next_path = next_path or safe_next(session.get(NEXT_AFTER_VERIFY))
    session.clear()  # a new session id at sign-in: no fixation
    session[PAGE_SESSION_KEY] = result["token"]
    session.permanent = True
    return redirect(next_path or url_for("pages.start"))


@bp.route("/konto/bestaetigung-erneut", methods=["GET", "POST"])
def resend_verification() -> tuple[str, int]:
    """The confirmation mail once more (limited like every mail route: gateway/mail_limits.py);
    the same answer whether or not the address has an unconfirmed account."""
    next_path = _next()
    if request.method == "GET":
        return render(
            "resend.html", form={"email": request.args.get("email", "")[:254]}, next_path=next_path
        )
    form = {"email": request.form.get("email", "").strip()}
    try:
        rpc("identity", "resend_verification", form)
    except DomainError as exc:
        return render(
            "resend.html", exc.status, form=form, errors=page_errors(exc), next_path=next_path
        )
    if next_path:
        session[NEXT_AFTER_VERIFY] = next_path
    return render(
        "message.html",
        title=_("E-Mail unterwegs"),
        text=_(
            "Wenn zu dieser Adresse ein Konto auf seine Bestätigung wartet, bekommst Du gleich "
            "eine neue E-Mail mit dem Link zur Bestätigung."
        ),
    )


@bp.post("/abmelden")
def logout() -> Response:
    page_session = session.pop(PAGE_SESSION_KEY, None)
    if page_session:
        try:
            rpc("identity", "logout", page_session)  # ended server-side, not only forgotten here
        finally:
            forget_token(page_session, "page")  # at once in this process; elsewhere on the fact
    session.clear()
    return redirect(url_for("pages.start"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
def forgot_password() -> tuple[str, int]:
    if request.method == "GET":
        return render("forgot.html", form={})
    form = {"email": request.form.get("email", "")}
    try:
        rpc("identity", "request_password_reset", form)
    except DomainError as exc:
        return render("forgot.html", exc.status, form=form, errors=page_errors(exc))
    return render(
        "message.html",
        title=_("E-Mail unterwegs"),
        text=_("Wenn es ein Konto mit dieser Adresse gibt, bekommst Du gleich eine E-Mail."),
    )


@bp.route("/konto/passwort-neu", methods=["GET", "POST"])
def reset_password() -> tuple[str, int]:
    token = request.values.get("token", "")
    if request.method == "GET":
        return render("reset.html", token=token)
    try:
        rpc(
            "identity",
            "reset_password",
            {"token": token, "password": request.form.get("password", "")},
        )
    except DomainError as exc:
        return render("reset.html", exc.status, token=token, errors=page_errors(exc))
    return render(
        "message.html",
        title=_("Passwort geändert"),
        text=_("Dein neues Passwort gilt ab sofort."),
        link=url_for("pages.login"),
        link_text=_("Zur Anmeldung"),
    )


@bp.get("/konto")
def account() -> tuple[str, int]:
    """Mein Bereich (``gateway/pages/my_area.py`` holds its forms)."""
    return render_my_area()


@bp.get("/konto/meine-daten")
def my_data() -> Response | tuple[str, int]:
    """Everything every service holds about me: a JSON file, or the page (``?format=html``)."""
    data = collect()
    if request.args.get("format") == "html":
        return render("my_data.html", export=data, readable=readable)
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="stadtdialog-meine-daten.json"'
    return response


@bp.post("/konto/loeschen")
def delete_account() -> tuple[str, int] | Response:
    try:
        rpc("identity", "delete_account", {"password": request.form.get("password", "")})
    except DomainError as exc:
        return render_my_area(exc.status, errors=page_errors(exc))
    session.clear()
    g.caller = ANONYMOUS  # this very page already shows the person signed out
    return render(
        "message.html",
        title=_("Konto gelöscht"),
        text=_("Dein Konto ist gelöscht. Deine Beiträge bleiben ohne Deinen Namen erhalten."),
    )
