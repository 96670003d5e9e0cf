"""The Abschluss pages' blueprint and what they share: labels of statuses and kinds, local time,
and who organises a city's closing events (city admins and partners)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_babel import gettext as _

from gateway.auth import current_caller
from gateway.city_reads import city_of
from gateway.schema_forms import N_
from services.kit.errors import Forbidden, Unauthenticated

bp = Blueprint("pages_events", __name__)

ORGANISERS = ("city_admin", "partner")
# Times on the forms are local wall-clock times of German cities.
LOCAL = ZoneInfo("Europe/Berlin")

IDEA_STATUS = {
    "proposed": N_("vorgeschlagen"),
    "in_discussion": N_("in Diskussion"),
    "in_progress": N_("in Umsetzung"),
    "realised": N_("umgesetzt"),
    "not_pursued": N_("nicht weiterverfolgt"),
}
STEP_STATUS = {
    "planned": N_("geplant"),
    "in_progress": N_("läuft"),
    "done": N_("erledigt"),
    "dropped": N_("eingestellt"),
}
PARTNER_KINDS = {
    "association": N_("Verein"),
    "initiative": N_("Initiative"),
    "foundation": N_("Stiftung"),
    "administration": N_("Verwaltung"),
    "business": N_("Unternehmen"),
    "media": N_("Medien"),
    "other": N_("Sonstige"),
}
# Who may sit in a working group (the cities service's ORGANISATION_KINDS).
ORGANISATION_KINDS = {
    k: PARTNER_KINDS[k] for k in ("association", "initiative", "foundation", "administration")
}
ACCESSIBILITY = {
    "step_free": N_("Stufenlos erreichbar"),
    "hearing_loop": N_("Induktionsschleife"),
    "sign_language": N_("Gebärdensprache"),
    "easy_language": N_("Leichte Sprache"),
    "childcare": N_("Kinderbetreuung"),
}


@bp.app_context_processor
def event_labels() -> dict[str, Any]:
    return {
        "idea_status_label": lambda code: _(IDEA_STATUS.get(code, code)),
        "step_status_label": lambda code: _(STEP_STATUS.get(code, code)),
        "partner_kind_label": lambda code: _(PARTNER_KINDS.get(code, code)),
        "local_time": local_time,
    }


def local_time(value: str | None, with_time: bool = True) -> str:
    """An ISO time as a German reader reads it: 12.06.2027, 18:30 (local time)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo:
        moment = moment.astimezone(LOCAL)
    return moment.strftime("%d.%m.%Y, %H:%M" if with_time else "%d.%m.%Y")


def _city(slug: str) -> dict[str, Any]:
    return city_of(slug)


def _is_organiser(slug: str) -> bool:
    caller = current_caller()
    return caller.authenticated and caller.has_role(slug, *ORGANISERS)


def _require_organiser(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *ORGANISERS):
        raise Forbidden()
