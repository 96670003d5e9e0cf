"""The legal pages (Impressum, Datenschutz, Nutzungsbedingungen, Barrierefreiheit) of the
platform and of each city, their editing pages (the operator the platform's text, a city admin
the city's part), and the one-time request to take note of a changed privacy notice.

The texts live in the cities service (``services/cities/handlers/legal.py``); their HTML is
rendered and sanitised there, so the templates show it as it comes.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, redirect, request, session, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.cache import cached, public_cache
from gateway.pages.rendering import page_errors, render
from services.cities.legal import BY_PATH
from services.dialogue.retention import retention_days
from services.kit.errors import DomainError, NotFound

bp = Blueprint("pages_legal", __name__)

PAGES = "any(impressum, datenschutz, nutzungsbedingungen, barrierefreiheit)"
NOTED_KEY = "privacy_noted"  # the session remembers the version its person took note of
_VERSIONS_KEY = "rpc:cities.legal_versions"


def current_versions() -> dict[str, int]:
    """The platform texts' current versions, kept in the public cache as a lasting entry
    (emptied on every fact of the cities service, so also when a text changes, but not by
    the facts of other services: every page asks for these)."""
    cache = public_cache()
    hit = cache.get(_VERSIONS_KEY, lasting=True)
    if hit is not None:
        return json.loads(hit[0])
    generation = cache.lasting_generation
    versions = rpc("cities", "legal_versions")
    body = (json.dumps(versions).encode(), 200, "application/json")
    cache.put(_VERSIONS_KEY, body, generation, lasting=True)
    return versions


def pending_privacy_version() -> int | None:
    """The privacy notice's version a signed-in person has not yet taken note of, if any."""
    if request.path.startswith("/api/") or not current_caller().authenticated:
        return None
    current = int(current_versions()["privacy"])
    if int(session.get(NOTED_KEY, -1)) >= current:
        return None
    noted = rpc("identity", "consent_state")["privacy_version"]
    if noted is not None and noted >= current:
        session[NOTED_KEY] = noted  # asked once: the next pages need no question
        return None
    return current


@bp.app_context_processor
def legal_context() -> dict[str, Any]:
    return {
        "privacy_notice_pending": pending_privacy_version,
        "guest_retention_days": retention_days(),  # the guest-join form tells it
    }


@bp.get(f"/<{PAGES}:page>")
@cached
def platform_page(page: str) -> tuple[str, int]:
    text = rpc("cities", "legal_text", BY_PATH[page].code)
    return render("legal.html", text=text, page=page, cities=rpc("cities", "list_cities"))


@bp.get(f"/stadt/<slug>/<{PAGES}:page>")
@cached
def city_page(slug: str, page: str) -> tuple[str, int]:
    text = rpc("cities", "legal_text", BY_PATH[page].code, slug)
    return render(
        "legal.html", text=text, page=page, city={"slug": slug, "name": text["city_name"]}
    )


def _kind(page: str) -> str:
    # The editors' routes take any segment (a route converter would answer 404 before the
    # CSRF check of a forged POST); an unknown one is "not found" here.
    if page not in BY_PATH:
        raise NotFound("There is no such legal text.")
    return BY_PATH[page].code


def _editor(page: str, slug: str | None, status: int = 200, **extra: Any) -> tuple[str, int]:
    kind = _kind(page)
    history = rpc("cities", "legal_history", kind, slug)  # refuses whoever may not edit
    text = rpc("cities", "legal_text", kind, slug)
    current = text["city_part"] if slug else text["platform"]
    return render(
        "legal_edit.html",
        status,
        text=text,
        current=current,
        history=history,
        page=page,
        slug=slug,
        body=extra.pop("body", current["body"]),
        # A city's editor is one of the city's pages: its footer links the city's texts.
        city={"slug": slug, "name": text["city_name"]} if slug else None,
        **extra,
    )


def _save(page: str, slug: str | None) -> tuple[str, int] | Response:
    body = {"body": request.form.get("body", "")}
    if request.form.get("base_version", "").isdigit():
        body["base_version"] = int(request.form["base_version"])
    try:
        rpc("cities", "update_legal_text", _kind(page), slug, body)
    except DomainError as exc:
        return _editor(page, slug, exc.status, errors=page_errors(exc), body=body["body"])
    if slug:
        return redirect(url_for("pages_legal.city_edit", slug=slug, page=page, ok=1))
    return redirect(url_for("pages_legal.platform_edit", page=page, ok=1))


@bp.route("/betrieb/rechtstexte/<page>", methods=["GET", "POST"])
def platform_edit(page: str) -> tuple[str, int] | Response:
    if request.method == "POST":
        return _save(page, None)
    return _editor(page, None, notice=request.args.get("ok") and _("Neue Fassung gespeichert."))


@bp.route("/stadt/<slug>/verwaltung/rechtstexte/<page>", methods=["GET", "POST"])
def city_edit(slug: str, page: str) -> tuple[str, int] | Response:
    if request.method == "POST":
        return _save(page, slug)
    return _editor(page, slug, notice=request.args.get("ok") and _("Neue Fassung gespeichert."))


@bp.post("/datenschutz/zur-kenntnis-genommen")
def note_privacy() -> Response:
    """The banner's button: the person took note of the shown version of the notice."""
    version = request.form.get("version", "")
    result = rpc(
        "identity", "note_privacy_notice", {"version": int(version) if version.isdigit() else -1}
    )
    session[NOTED_KEY] = result["privacy_version"]
    back = request.form.get("next", "")
    # Only a path of this site: never an open redirect.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("pages.start")
    return redirect(back)
