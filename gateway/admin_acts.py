"""The city's audit log in words: one German sentence per entry (English on ``?lang=en``),
the time in the cities' local time, and the consequences a phase change has, named on its
confirmation page. No raw code reaches the page: an act this module does not know is shown as
"Sonstige Änderung"."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.pages.my_area import ROLE_NAMES
from services.cities.phases import PHASE_TITLES

LOCAL = ZoneInfo("Europe/Berlin")  # what people read is the cities' local time


def current_language() -> str:
    return "en" if str(get_locale()) == "en" else "de"


def phase_name(code: str | None) -> str:
    titles = PHASE_TITLES.get(code or "")
    if titles is None:
        return _("unbekannte Phase")
    return titles[1] if current_language() == "en" else titles[0]


def role_name(code: str | None) -> str:
    return _(ROLE_NAMES[code]) if code in ROLE_NAMES else _("unbekannte Rolle")


def local_time(value: str | None) -> str:
    """``2026-12-05T11:15:00+00:00`` → ``05.12.2026, 12:15 Uhr`` (Europe/Berlin)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if current_language() == "en":
        return format_datetime(moment, "d MMM y, HH:mm", tzinfo=LOCAL, locale="en")
    return format_datetime(moment, "dd.MM.y, HH:mm", tzinfo=LOCAL, locale="de") + " Uhr"


def _quoted(text: str | None) -> str:
    return f"„{text}“" if text else _("(ohne Titel)")


def describe(entry: dict[str, Any]) -> str:
    """What one entry of the audit log says happened."""
    act, detail = entry.get("act"), entry.get("detail") or {}
    if act == "phase.changed":
        if detail.get("to") == "archived":
            return _(
                "Stadt archiviert (Phase %(old)s → Archiviert)", old=phase_name(detail.get("from"))
            )
        return _(
            "Phase gewechselt: %(old)s → %(new)s",
            old=phase_name(detail.get("from")),
            new=phase_name(detail.get("to")),
        )
    if act == "schedule.changed":
        phases = ", ".join(phase_name(p) for p in (detail.get("windows") or {}))
        return _("Zeitplan geändert: %(phases)s", phases=phases)
    if act in ("role.granted", "role.revoked"):
        person = detail.get("person") or _("ein gelöschtes Konto")
        text = (
            _("Rolle „%(role)s“ an %(person)s vergeben")
            if act == "role.granted"
            else _("Rolle „%(role)s“ von %(person)s entzogen")
        )
        return text % {"role": role_name(detail.get("role")), "person": person}
    if act == "role.invited":
        return _(
            "Als „%(role)s“ eingeladen: %(email)s",
            role=role_name(detail.get("role")),
            email=detail.get("email") or "",
        )
    simple = {
        "plugin.enabled": _("Plugin eingeschaltet: %(name)s"),
        "plugin.reconfigured": _("Plugin neu eingestellt: %(name)s"),
        "plugin.disabled": _("Plugin ausgeschaltet: %(name)s"),
        "topic.hidden": _("Thema ausgeblendet (Moderation): %(name)s"),
        "idea.hidden": _("Idee ausgeblendet (Moderation): %(name)s"),
        "comment.hidden": _("Kommentar ausgeblendet (Moderation): %(name)s"),
        "observation.hidden": _("Beobachtung ausgeblendet (Moderation): %(name)s"),
        "topic.published": _("Vertiefungsthema veröffentlicht: %(name)s"),
        "scenario.published": _("Szenario veröffentlicht: %(name)s"),
        "closing_event.published": _("Abschlussveranstaltung veröffentlicht: %(name)s"),
        "organisation.confirmed": _("Organisation von der Stadt bestätigt: %(name)s"),
        "organisation.hidden": _("Organisation ausgeblendet: %(name)s"),
        "organisation.shown": _("Organisation wieder gezeigt: %(name)s"),
    }
    if act in simple:
        name = detail.get("plugin") if act.startswith("plugin.") else _quoted(detail.get("title"))
        return simple[act] % {"name": name}
    if act == "idea.status_changed":
        from gateway.pages.dialogue.base import IDEA_STATUSES  # the words of the idea page

        status = detail.get("status")
        return _(
            "Status der Idee %(name)s: %(status)s",
            name=_quoted(detail.get("title")),
            status=_(IDEA_STATUSES[status]) if status in IDEA_STATUSES else _("unbekannt"),
        )
    if act in ("step.completed", "step.reopened"):
        text = (
            _("Schritt abgehakt (%(phase)s)")
            if act == "step.completed"
            else _("Schritt wieder geöffnet (%(phase)s)")
        )
        return text % {"phase": phase_name(detail.get("phase"))}
    if act in ("districts.uploaded", "districts.replaced"):
        text = (
            _("Stadtteile hochgeladen: %(n)s")
            if act == "districts.uploaded"
            else _("Stadtteile ersetzt: %(n)s")
        )
        return text % {"n": detail.get("districts", 0)}
    if act == "districts.removed":
        return _("Stadtteile entfernt")
    return _("Sonstige Änderung")


def consequences(current: str, target: str) -> list[str]:
    """What a move from ``current`` to ``target`` does, in words, for its confirmation page."""
    named = {
        "scenarios": [
            _("Die Szenario-Werkstatt öffnet für die Szenario-Begleitung und die Arbeitsgruppen."),
            _("Bürgerinnen und Bürger können Beobachtungen und Prognosen einreichen."),
        ],
        "transfer": [
            _("Die Arbeit an Faktoren und Szenarien endet."),
            _("Die Szenarien werden vor Ort bewertet."),
            _("Die Arbeitsgruppen schreiben Vertiefungsthemen."),
        ],
        "table_talks": [
            _("Die veröffentlichten Vertiefungsthemen werden zu Themen der Tischgespräche."),
            _("Alle Angemeldeten können Tischgespräche anbieten und sich dazu anmelden."),
        ],
        "closing": [
            _("Neue Tischgespräche und Anmeldungen dazu sind nicht mehr möglich."),
            _("Jetzt zählen die Abschlussveranstaltungen und die nächsten Schritte der Ideen."),
        ],
        "archived": [
            _("Phase und Status der Stadt werden „Archiviert“."),
            _("Die Stadt erscheint nicht mehr in der Liste der teilnehmenden Städte."),
            _("Rollen, Zeitplan, Plugins und Einladungen lassen sich danach nicht mehr ändern."),
            _("Angeschlossene Systeme erfahren, dass die Stadt archiviert ist."),
        ],
    }.get(target, [])
    common = [
        _("Der Wechsel lässt sich nicht rückgängig machen."),
        _("Er wird mit Deinem Namen, der Uhrzeit und der Begründung im Protokoll festgehalten."),
    ]
    if target != "archived":
        common.append(_("Die eingeschalteten Plugins der Stadt erfahren vom Wechsel."))
    return [*named, *common]
