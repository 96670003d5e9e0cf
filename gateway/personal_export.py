"""The person's data export: one answer joined from every service's ``personal_data_export``
(``services/kit/personal_data.py``), served as a JSON file and as a readable German page.

Every service in ``services/kit/registry.py`` is asked; if one does not answer, the export
fails (503) rather than leaving a part out unnoticed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import (
    ACCESS,
    CATEGORIES,
    FORMATS,
    IDEA_STATUSES,
    LANGUAGE_NAMES,
    LOCAL,
)
from services.cities.phases import DEFAULT_STEPS, PHASE_TITLES
from services.dialogue.news import NEWS_TEXTS
from services.kit.errors import Unauthenticated
from services.kit.mail_choices import MAIL_KIND_LABELS
from services.kit.registry import SERVICES

FORMAT = "stadtdialog.personal-data.v1"


def collect() -> dict[str, Any]:
    """Everything every service holds about the signed-in person."""
    account_id = current_caller().user_id
    if not account_id:
        raise Unauthenticated()
    parts = {name: rpc(name, "personal_data_export", account_id) for name in SERVICES}
    accounts = next(
        (s["items"] for s in parts["identity"]["sections"] if s["name"] == "accounts"), []
    )
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "account_id": account_id,
        "account": accounts[0] if accounts else None,
        "services": parts,
    }


# The German words of the codes the services export (the JSON file keeps the codes). A unit
# test fails when a choice of an exported field has none here: no raw key on the page.
CODES: dict[str, str] = {
    **FORMATS,
    **ACCESS,
    **CATEGORIES,
    **IDEA_STATUSES,
    **LANGUAGE_NAMES,
    **{code: titles[0] for code, titles in PHASE_TITLES.items()},
    **{step.key: step.title_de for steps in DEFAULT_STEPS.values() for step in steps},
    **MAIL_KIND_LABELS,  # mails a person switched off
    **NEWS_TEXTS,  # what a notification tells
    # what a comment is about, or what a person follows
    "idea": "Idee",
    "topic": "Thema",
    "scenario": "Szenario",
    "talk": "Tischgespräch",
    "city": "Stadt",  # a city followed as a whole
    # talks, registrations, closing events, next steps, runs, scenarios
    "scheduled": "Geplant",
    "cancelled": "Abgesagt",
    "documented": "Dokumentiert",
    "confirmed": "Platz sicher",
    "waitlisted": "Auf der Warteliste",
    "promoted": "Von der Warteliste nachgerückt",
    "draft": "Entwurf",
    "published": "Veröffentlicht",
    "planned": "Geplant",
    "done": "Erledigt",
    "dropped": "Verworfen",
    "queued": "Wartet auf Berechnung",
    "running": "Wird berechnet",
    "finished": "Berechnet",
    "failed": "Fehlgeschlagen",
    "review": "In Prüfung",
    "withdrawn": "Zurückgezogen",
    "influence": "Einflussmatrix",
    "consistency": "Konsistenzmatrix",
    "cross_impact": "Cross-Impact-Matrix",
    # working groups, plugins, ideas, observations
    "invited": "Eingeladen",
    "joined": "Beigetreten",
    "lead": "Leitung",
    "member": "Mitglied",
    "association": "Verein",
    "initiative": "Initiative",
    "foundation": "Stiftung",
    "administration": "Verwaltung",
    "enabled": "Eingeschaltet",
    "disabled": "Ausgeschaltet",
    "reconfigured": "Neu eingestellt",
    "support": "Unterstützung",
    "helper": "Ich mache mit",
    "observation": "Beobachtung",
    "forecast": "Prognose",
    # roles and invitations
    "city_admin": "Stadt-Admin",
    "partner": "Partner",
    "facilitator": "Szenario-Begleitung",
    "working_group_member": "Mitglied einer Arbeitsgruppe",
    "citizen": "Bürgerin oder Bürger",
    "invite-city-admin": "Einladung als Stadt-Admin",
    "invite-working-group": "Einladung in eine Arbeitsgruppe",
    "invite-role": "Einladung in eine Rolle",
    # acts of the city's audit log (cities: AuditEntry.act)
    "phase.changed": "Phase gewechselt",
    "schedule.changed": "Zeitplan geändert",
    "step.completed": "Schritt abgehakt",
    "step.reopened": "Schritt wieder geöffnet",
    "plugin.enabled": "Plugin eingeschaltet",
    "plugin.reconfigured": "Plugin neu eingestellt",
    "plugin.disabled": "Plugin ausgeschaltet",
    "role.invited": "Rolle per E-Mail vergeben (Einladung)",
    "role.granted": "Rolle vergeben",
    "role.revoked": "Rolle entzogen",
    "topic.hidden": "Thema ausgeblendet",
    "idea.hidden": "Idee ausgeblendet",
    "comment.hidden": "Kommentar ausgeblendet",
    "idea.status_changed": "Status einer Idee geändert",
    "observation.hidden": "Beobachtung ausgeblendet",
    "topic.published": "Vertiefungsthema veröffentlicht",
    "scenario.published": "Szenario veröffentlicht",
    "closing_event.published": "Abschlussveranstaltung veröffentlicht",
    "organisation.confirmed": "Organisation bestätigt",
    "organisation.hidden": "Organisation ausgeblendet",
    "organisation.shown": "Organisation wieder gezeigt",
    # barrier reports and sign-language videos (cities): the platform as a whole
    "_plattform": "Ganze Plattform",
    "video/mp4": "Video (MP4)",
    "video/webm": "Video (WebM)",
    # legal texts and consents
    "imprint": "Impressum",
    "privacy": "Datenschutzerklärung",
    "terms": "Nutzungsbedingungen",
    "accessibility": "Erklärung zur Barrierefreiheit",
    "registration": "Zustimmung bei der Registrierung",
    "notice_update": "Neue Fassung zur Kenntnis genommen",
    # newsletter issues a city admin wrote (cities)
    "sending": "Wird verschickt",
    "sent": "Verschickt",
}
# Keys of values that are dicts (a role: city, role, since when), named as the page names them.
KEYS: dict[str, str] = {"city": "Stadt", "role": "Rolle", "granted_at": "Seit"}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def readable(value: Any) -> str:
    """A value as one line of German text for the page (codes as words, times in the cities'
    time zone, lists and dicts spelled out)."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dict):
        return "; ".join(f"{KEYS.get(k, readable(k))}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(readable(v) for v in value)
    if isinstance(value, str):
        if value in CODES:
            return str(CODES[value])
        if _ISO_TIME.match(value):
            return _local_time(value)
    return str(value)


def _local_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "d. MMMM y, HH:mm", tzinfo=LOCAL, locale="de") + " Uhr"
