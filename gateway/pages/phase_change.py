"""The page that asks a city admin to confirm a phase change: what the change does, which steps
of the current phase are still open, and the reason typed (carried on hidden to the change)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import render


def _what_happens(current: str, target: str) -> list[str]:
    """What a change from ``current`` to ``target`` does, in words (German first)."""
    by_target = {
        "scenarios": [
            _(
                "Die Szenario-Werkstatt öffnet: Einflussfaktoren, Bewertungen, Projektionen und "
                "Berechnungen sind jetzt möglich."
            ),
            _("Bürgerinnen und Bürger können Beobachtungen und Prognosen einreichen."),
        ],
        "transfer": [
            _(
                "Einflussfaktoren, Matrizen, Projektionen und Berechnungen werden nicht mehr "
                "geändert; veröffentlichte Szenarien können noch zurückgezogen und erneut "
                "veröffentlicht werden."
            ),
            _(
                "Die Arbeitsgruppe bewertet die veröffentlichten Szenarien und schreibt "
                "Vertiefungsthemen."
            ),
        ],
        "table_talks": [
            _("Bewertungen und Vertiefungsthemen werden nicht mehr geändert."),
            _(
                "Alle können Tischgespräche zu den veröffentlichten Vertiefungsthemen oder eigenen "
                "Themen anbieten und besuchen."
            ),
        ],
        "closing": [
            _("Neue Tischgespräche können nicht mehr angelegt werden."),
            _("Abschlussveranstaltungen und Ergebnisse stehen im Mittelpunkt."),
        ],
        "archived": [
            _(
                "Die Stadt wird archiviert: Sie wird nicht mehr öffentlich aufgeführt und nimmt "
                "keine Änderungen mehr an."
            ),
            _("Das lässt sich nicht rückgängig machen."),
        ],
    }
    return [
        *by_target.get(target, []),
        _(
            "Alle Beteiligten sehen die neue Phase; der Wechsel wird mit der Begründung im Verlauf "
            "gespeichert und als öffentliches Ereignis gemeldet."
        ),
    ]


def confirmation(slug: str, form: dict[str, str]) -> tuple[str, int]:
    city = rpc("cities", "get_city", slug)
    phases = rpc("cities", "phases", slug)["phases"]
    current = next((p for p in phases if p["status"] == "current"), None)
    target = next((p for p in phases if p["phase"] == form["to"]), None)
    target_title = target["title"] if target else {"de": _("Archiviert"), "en": "Archived"}
    open_steps = [s for s in (current or {}).get("steps", []) if not s["done"]]
    return render(
        "phase_confirm.html",
        city=city,
        form=form,
        target_title=target_title,
        consequences=_what_happens(city["phase"], form["to"]),
        open_steps=open_steps,
        back=url_for("pages_city.admin", slug=slug, _anchor="phase"),
    )


def wants_confirmation(form: dict[str, Any]) -> bool:
    return form.get("confirmed") != "1"
