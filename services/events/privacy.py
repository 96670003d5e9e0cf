"""What the events service holds about a person (``services/kit/personal_data.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from mongoengine import Document

from services.events.models import ClosingEvent, NextStep, Registration
from services.kit.personal_data import Holds

PERSONAL_DATA: Mapping[type[Document], Holds] = {
    Registration: Holds(
        label="Anmeldungen zu Abschlussveranstaltungen",
        by=("account_id",),
        show={
            "display_name": "Name",
            "needs": "Bedarfe (Barrierefreiheit)",
            "created_at": "Angemeldet am",
        },
        details={
            "event_title": "Veranstaltung",
            "starts_at": "Beginn",
            "status": "Stand",
            "position": "Platz auf der Warteliste",
        },
    ),
    ClosingEvent: Holds(
        label="Angelegte Abschlussveranstaltungen",
        by=("created_by",),
        show={"title": "Titel", "starts_at": "Beginn", "status": "Stand", "created_at": "Am"},
        # Venue, partner and speaker names are published event details, not this person's.
        not_a_person=("venue.name", "partners.name", "agenda.speakers"),
    ),
    NextStep: Holds(
        label="Nächste Schritte von Projektideen",
        by=("created_by", "updated_by"),
        show={
            "idea_id": "Projektidee",
            "what": "Was",
            "owner_organisation": "Verantwortlich",
            "status": "Stand",
            "updated_at": "Zuletzt geändert",
        },
    ),
}
