"""The dialogue pages' blueprint and what its journeys share: the names of formats, languages,
categories and idea statuses (in the page's language), the talk time filter, and the dialogue's
section of the city page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.city_reads import city_of
from gateway.pages.city import city_section
from gateway.pages.dialogue.forms import (
    LOCAL,
    field_labels,
)
from gateway.pages.rendering import account_url, render
from gateway.rpc import ServiceUnavailable
from gateway.schema_forms import N_
from services.kit.errors import DomainError

bp = Blueprint("pages_dialogue", __name__)

MODERATORS = ("city_admin", "facilitator")
TALK_TEXT_FIELDS = ("title", "description", "address", "district", "link", "accessibility")

FORMATS = {
    "in_person": N_("Vor Ort"),
    "online": N_("Online"),
    "hybrid": N_("Vor Ort und online"),
}
ACCESS = {"open": N_("Offen für alle"), "invitation_only": N_("Nur mit Einladung")}
LANGUAGE_NAMES = {
    "de": N_("Deutsch"),
    "en": N_("Englisch"),
    "tr": N_("Türkisch"),
    "ar": N_("Arabisch"),
    "uk": N_("Ukrainisch"),
    "ru": N_("Russisch"),
    "pl": N_("Polnisch"),
}
CATEGORIES = {
    "mobility": N_("Mobilität"),
    "environment": N_("Umwelt und Klima"),
    "housing": N_("Wohnen"),
    "social": N_("Soziales und Miteinander"),
    "culture": N_("Kultur"),
    "education": N_("Bildung"),
    "economy": N_("Wirtschaft und Arbeit"),
    "digital": N_("Digitales"),
    "participation": N_("Beteiligung"),
    "other": N_("Sonstiges"),
}
IDEA_STATUSES = {
    "proposed": N_("Vorgeschlagen"),
    "in_discussion": N_("In Diskussion"),
    "in_progress": N_("In Umsetzung"),
    "realised": N_("Umgesetzt"),
    "not_pursued": N_("Nicht weiterverfolgt"),
}
# Names of sub-fields and choices the forms' schemas leave without a title.
FORM_LABELS = {
    "question": N_("Leitfrage"),
    "answer": N_("Antwort"),
    "kind": N_("Art"),
    "text": N_("Text"),
    "observation": N_("Beobachtung"),
    "forecast": N_("Prognose"),
}


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "de"


@bp.app_template_filter("talk_time")
def talk_time(value: str | None) -> str:
    """An ISO time from the service, read in the cities' time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    pattern = "EEE, d. MMM y, HH:mm" if _lang() == "de" else "EEE d MMM y, HH:mm"
    text = format_datetime(moment, pattern, tzinfo=LOCAL, locale=_lang())
    return text + (" Uhr" if _lang() == "de" else "")


@bp.app_context_processor
def dialogue_names() -> dict[str, Any]:
    return {
        "talk_formats": _translated(FORMATS),
        "talk_access": _translated(ACCESS),
        "idea_categories": _translated(CATEGORIES),
        "idea_statuses": _translated(IDEA_STATUSES),
        "language_names": _translated(LANGUAGE_NAMES),
        "field_labels": field_labels,
    }


def _translated(names: dict[str, str]) -> dict[str, str]:
    return {key: _(text) for key, text in names.items()}


def _sign_in_first(text: str, next_path: str | None = None) -> tuple[str, int]:
    """A page for the signed-out; its link signs in and returns to ``next_path`` (default:
    this page when it was a GET, e.g. the host form)."""
    return render(
        "message.html",
        401,
        title=_("Bitte melde Dich an"),
        text=text,
        link=account_url("pages.login", next_path),
        link_text=_("Zur Anmeldung"),
    )


def _city(slug: str) -> dict[str, Any]:
    return city_of(slug)


def _district_options(slug: str, current: str | None = None) -> list[tuple[str, str]]:
    """The city's uploaded districts as choices ([] while none: the form asks for free
    text); a talk's district from before the districts were replaced stays choosable."""
    found = rpc("cities", "districts", slug, False)
    names = list(found["names"]) if found else []
    if names and current and current not in names:
        names.append(current)
    return [(name, name) for name in names]


def _labels() -> dict[str, str]:
    return _translated({**FORM_LABELS, **CATEGORIES})


# ---------------------------------------------------------------- the city page's section
@city_section("city_dialogue.html")
def city_dialogue(city: dict[str, Any]) -> dict[str, Any]:
    """Topics and the number of upcoming talks; the city page stands without them if the
    dialogue service cannot answer."""
    if city.get("phase") == "kickoff":
        return {"open": False}
    try:
        topics = rpc("dialogue", "list_topics", city["slug"])
        talks = rpc("dialogue", "list_talks", city["slug"], {"kind": "table_talk"})
        districts = rpc("cities", "districts", city["slug"], False)
    except (DomainError, ServiceUnavailable):
        return {"open": False}
    return {
        "open": True,
        "topics": [t for t in topics if not t.get("hidden")],
        "talks": len(talks),
        "free": sum(1 for t in talks if t["free_seats"] > 0),
        "districts": bool(districts),  # the link to the district map
    }
