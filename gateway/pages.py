"""Server-rendered account pages (German). The full citizen site grows in the web-pages issue;
these are the pages every mail links to, plus sign-in and sign-out with CSRF protection."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from gateway.api.common import rpc
from gateway.auth import current_caller
from services.kit.errors import DomainError
from services.kit.i18n import german

bp = Blueprint("pages", __name__)


def _errors(exc: DomainError) -> dict[str, Any]:
    """Field errors in German for the template: {field: [messages]} and a summary."""
    return {
        "summary": german(exc.message),
        "fields": {name: [german(m) for m in msgs] for name, msgs in exc.fields.items()},
    }


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("caller", current_caller())
    return render_template(template, **context), status


@bp.get("/")
def start() -> tuple[str, int]:
    return _render("start.html")


@bp.route("/registrieren", methods=["GET", "POST"])
def register() -> tuple[str, int]:
    if request.method == "GET":
        return _render("register.html", form={})
    form = {k: request.form.get(k, "") for k in ("email", "display_name", "password")}
    try:
        rpc("identity", "register", form)
    except DomainError as exc:
        return _render(
            "register.html",
            422 if exc.status == 422 else exc.status,
            form=form,
            errors=_errors(exc),
        )
    return _render(
        "message.html",
        title="Fast geschafft",
        text="Wir haben Dir eine E-Mail geschickt. Bitte bestätige darin Deine Adresse.",
    )


@bp.get("/konto/bestaetigen")
def verify() -> tuple[str, int]:
    try:
        rpc("identity", "verify_email", {"token": request.args.get("token", "")})
    except DomainError as exc:
        return _render(
            "message.html", exc.status, title="Bestätigung fehlgeschlagen", text=german(exc.message)
        )
    return _render(
        "message.html",
        title="E-Mail-Adresse bestätigt",
        text="Danke! Du kannst Dich jetzt anmelden.",
        link=url_for("pages.login"),
        link_text="Zur Anmeldung",
    )


@bp.route("/anmelden", methods=["GET", "POST"])
def login() -> tuple[str, int] | Response:
    if request.method == "GET":
        return _render("login.html", form={})
    form = {k: request.form.get(k, "") for k in ("email", "password")}
    try:
        result = rpc("identity", "login", form)
    except DomainError as exc:
        return _render("login.html", exc.status, form={"email": form["email"]}, errors=_errors(exc))
    session.clear()  # a new session id at sign-in: no fixation
    session["token"] = result["token"]
    session.permanent = True
    return redirect(url_for("pages.start"))


@bp.post("/abmelden")
def logout() -> Response:
    token = session.pop("token", None)
    if token:
        rpc("identity", "logout", token)
    session.clear()
    return redirect(url_for("pages.start"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
def forgot_password() -> tuple[str, int]:
    if request.method == "GET":
        return _render("forgot.html", form={})
    form = {"email": request.form.get("email", "")}
    try:
        rpc("identity", "request_password_reset", form)
    except DomainError as exc:
        return _render("forgot.html", exc.status, form=form, errors=_errors(exc))
    return _render(
        "message.html",
        title="E-Mail unterwegs",
        text="Wenn es ein Konto mit dieser Adresse gibt, bekommst Du gleich eine E-Mail.",
    )


@bp.route("/konto/passwort-neu", methods=["GET", "POST"])
def reset_password() -> tuple[str, int]:
    token = request.values.get("token", "")
    if request.method == "GET":
        return _render("reset.html", token=token)
    try:
        rpc(
            "identity",
            "reset_password",
            {"token": token, "password": request.form.get("password", "")},
        )
    except DomainError as exc:
        return _render("reset.html", exc.status, token=token, errors=_errors(exc))
    return _render(
        "message.html",
        title="Passwort geändert",
        text="Dein neues Passwort gilt ab sofort.",
        link=url_for("pages.login"),
        link_text="Zur Anmeldung",
    )
