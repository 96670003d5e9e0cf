"""What the cities service holds about a person (``services/kit/personal_data.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from mongoengine import Document

from services.cities.models import (
    AuditEntry,
    BarrierReport,
    City,
    CityDistricts,
    LegalVersion,
    Membership,
    NewsletterIssue,
    NewsletterSubscription,
    PluginEnablement,
    SignVideo,
    StepCompletion,
    Transition,
    UsedInvitation,
    WorkingGroup,
)
from services.kit.personal_data import Holds

PERSONAL_DATA: Mapping[type[Document], Holds] = {
    City: Holds(
        label="Angelegte Städte",
        by=("created_by",),
        show={"name": "Stadt", "created_at": "Angelegt am"},
        # The city's published contact person is the city's, not this account's data.
        others=("contact.name", "contact.email"),
    ),
    Transition: Holds(
        label="Phasenwechsel",
        by=("by",),
        show={"from_phase": "Von", "to_phase": "Nach", "at": "Am", "reason": "Begründung"},
    ),
    StepCompletion: Holds(
        label="Erledigte Schritte",
        by=("done_by",),
        show={"phase": "Phase", "step_id": "Schritt", "done_at": "Am", "note": "Notiz"},
    ),
    WorkingGroup: Holds(
        label="Angelegte Arbeitsgruppen",
        by=("created_by",),
        show={"name": "Name", "description": "Beschreibung", "created_at": "Angelegt am"},
    ),
    Membership: Holds(
        label="Mitgliedschaften in Arbeitsgruppen",
        by=("account_id",),
        show={
            "group_id": "Arbeitsgruppe",
            "email": "E-Mail-Adresse",
            "organisation": "Organisation",
            "kind": "Art",
            "role": "Rolle",
            "status": "Stand",
            "joined_at": "Beigetreten am",
        },
        others=("invited_by",),  # who invited: someone else
    ),
    UsedInvitation: Holds(
        label="Angenommene Einladungen",
        by=("account_id",),
        show={"purpose": "Art", "used_at": "Angenommen am"},
    ),
    PluginEnablement: Holds(
        label="Eingeschaltete Erweiterungen",
        by=("enabled_by",),
        show={"plugin": "Erweiterung", "enabled_at": "Am"},
    ),
    AuditEntry: Holds(
        label="Verwaltungshandlungen (Protokoll der Stadt)",
        by=("by",),
        show={"act": "Handlung", "at": "Am", "reason": "Begründung"},
        names=("by_name",),
    ),
    BarrierReport: Holds(
        label="Gemeldete Barrieren",
        by=("account_id",),
        show={
            "id": "Aktenzeichen",
            "page": "Seite",
            "description": "Beschreibung",
            "email": "E-Mail-Adresse für die Antwort",
            "created_at": "Gemeldet am",
            "answered": "Beantwortet",
            "answered_at": "Beantwortet am",
        },
        others=("answered_by",),  # the admin who answered: someone else
    ),
    SignVideo: Holds(
        label="Hochgeladene Gebärdensprach-Videos",
        by=("uploaded_by",),
        show={"filename": "Datei", "size": "Größe in Bytes", "uploaded_at": "Hochgeladen am"},
    ),
    LegalVersion: Holds(
        label="Geänderte Rechtstexte",
        by=("changed_by",),
        show={"kind": "Text", "version": "Fassung", "changed_at": "Geändert am"},
    ),
    CityDistricts: Holds(
        label="Hochgeladene Stadtteile",
        by=("uploaded_by",),
        show={"city": "Stadt", "filename": "Datei", "uploaded_at": "Hochgeladen am"},
    ),
    NewsletterSubscription: Holds(
        label="Newsletter-Abonnements",
        by=("account_id",),
        show={
            "email": "E-Mail-Adresse",
            "created_at": "Bestellt am",
            "confirmed_at": "Bestätigt am",
        },
    ),
    NewsletterIssue: Holds(
        label="Geschriebene Newsletter-Ausgaben",
        by=("created_by",),
        show={"title": "Titel", "status": "Stand", "created_at": "Angelegt am"},
        others=("sent_by",),
    ),
}
