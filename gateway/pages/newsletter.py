"""A city's newsletter for everyone: the subscribe form (on the city page and the newsletter
page), the confirmation page of the double opt-in, and the public archive of sent issues.
The admins' pages are in ``newsletter_admin.py``; unsubscribing is the one-click page of
``unsubscribe.py`` (the newsletter's links name it too).

The subscribe form sits on cached public pages, which cannot carry a person's CSRF token, so
its POST is exempt from the check (``app.py``): a forged post can do no more than the form
itself, ask an address for a confirmation (rate-limited per address in the service).
The confirmation link opens a page with a button: a GET changes nothing (mail scanners open
links).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.cache import cached
from gateway.city_reads import city_of
from gateway.pages.city import city_section
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError

bp = Blueprint("pages_newsletter", __name__)


@city_section("city_newsletter.html")
def _section(city: dict[str, Any]) -> dict[str, Any]:
    return {"archive": rpc("cities", "newsletter_archive", city["slug"])[:3]}


def _page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    city = city_of(slug)
    archive = rpc("cities", "newsletter_archive", slug)
    return render("newsletter.html", status, city=city, archive=archive, **extra)


@bp.get("/stadt/<slug>/newsletter")
@cached
def newsletter(slug: str) -> tuple[str, int]:
    return _page(slug)


@bp.post("/stadt/<slug>/newsletter")
def subscribe(slug: str) -> tuple[str, int]:
    email = request.form.get("email", "")
    try:
        rpc("cities", "newsletter_subscribe", slug, {"email": email})
    except DomainError as exc:
        return _page(slug, exc.status, errors=page_errors(exc), email=email)
    # The same answer whatever the address's state: nobody learns who subscribed.
    return render(
        "message.html",
        title=_("Fast geschafft: bitte bestätigen"),
        text=_(
            "Wenn diese Adresse den Newsletter noch nicht bekommt, schicken wir ihr jetzt eine "
            "Mail mit einem Link zur Bestätigung. Erst nach der Bestätigung bekommst Du den "
            "Newsletter."
        ),
        link=url_for("pages_city.city", slug=slug),
        link_text=_("Zurück zur Stadt"),
    )


@bp.get("/stadt/<slug>/newsletter/<issue_id>")
@cached
def issue(slug: str, issue_id: str) -> tuple[str, int]:
    city = city_of(slug)
    return render(
        "newsletter_issue.html", city=city, issue=rpc("cities", "newsletter_issue", slug, issue_id)
    )


def _failed(exc: DomainError) -> tuple[str, int]:
    return render(
        "message.html",
        exc.status if 400 <= exc.status < 500 else 422,
        title=_("Bestätigung nicht möglich"),
        text=page_errors(exc)["summary"],
    )


@bp.get("/newsletter/bestaetigen")
def confirm_page() -> tuple[str, int]:
    return render("newsletter_confirm.html", token=request.args.get("token", ""))


@bp.post("/newsletter/bestaetigen")
def confirm() -> tuple[str, int]:
    try:
        done = rpc("cities", "newsletter_confirm", {"token": request.form.get("token", "")})
    except DomainError as exc:
        return _failed(exc)
    return render(
        "message.html",
        title=_("Newsletter bestätigt"),
        text=_(
            "Danke! Du bekommst ab jetzt den Newsletter des Stadtdialogs %(city)s. Jede "
            "Ausgabe enthält einen Link zum Abbestellen.",
            city=done["city_name"],
        ),
        link=url_for("pages_city.city", slug=done["city"]),
        link_text=_("Zur Stadt"),
    )
