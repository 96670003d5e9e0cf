"""What the dialogue service holds about a person (``services/kit/personal_data.py``).

Other people are never exported: a hosted talk shows how many guests it has, not who they
are; an idea shows its own text, not its supporters."""

from __future__ import annotations

from collections.abc import Mapping

from mongoengine import Document

from services.dialogue.models import (
    Comment,
    Documentation,
    Follow,
    GuestRequest,
    HostSummary,
    Idea,
    IdeaSupport,
    Invitation,
    Notification,
    NotificationMail,
    OrganisationSupport,
    Registration,
    Reminder,
    Report,
    Talk,
    Topic,
)
from services.kit.personal_data import Holds

_OF_TALK = {"talk_title": "Gespräch", "talk_starts_at": "Beginn"}

PERSONAL_DATA: Mapping[type[Document], Holds] = {
    Talk: Holds(
        label="Gespräche, die Du ausrichtest",
        by=("host_id",),
        show={
            "title": "Titel",
            "host_name": "Gastgeber-Name",
            "format": "Format",
            "address": "Adresse",
            "district": "Stadtteil",
            "link": "Link",
            "starts_at": "Beginn",
            "ends_at": "Ende",
            "capacity": "Plätze",
            "access": "Zugang",
            "status": "Stand",
            "cancel_reason": "Grund der Absage",
        },
        details={
            "confirmed_guests": "Bestätigte Gäste",
            "waiting_guests": "Auf der Warteliste",
            "draft_saved_at": "Entwurf der Dokumentation gespeichert am",
        },
    ),
    Registration: Holds(
        label="Anmeldungen zu Gesprächen",
        by=("account_id",),
        show={"display_name": "Name", "created_at": "Angemeldet am"},
        names=("person", "email"),  # "account:<id>"; e-mail only for guests without account
        details={**_OF_TALK, "status": "Stand", "seat": "Platz", "position": "Wartelisten-Platz"},
    ),
    # A guest without an account asking to join: name and address stay until the request's
    # links expire (retention pass), then the document goes; it belongs to no account.
    GuestRequest: Holds(
        label="Gast-Anfragen", by=(), show={}, names=("name", "email"), without_account=True
    ),
    HostSummary: Holds(
        label="Tägliche Zusammenfassungen an mich als Gastgeber/in",
        by=("host_id",),
        show={"day": "Tag", "at": "Gesendet am"},
    ),
    Reminder: Holds(
        label="Erinnerungen an Gespräche",
        by=("account_id",),
        show={"at": "Gesendet am"},
        names=("person_key",),  # a hash of "account:<id>" or of a guest's address
    ),
    Invitation: Holds(
        label="Erstellte Einladungen",
        by=("created_by",),
        show={"created_at": "Erstellt am", "revoked_at": "Zurückgezogen am"},
        details=_OF_TALK,
    ),
    Documentation: Holds(
        label="Dokumentationen",
        by=("submitted_by",),
        show={"values": "Inhalt", "tags": "Schlagworte", "submitted_at": "Eingereicht am"},
        details=_OF_TALK,
    ),
    Idea: Holds(
        label="Projektideen",
        by=("proposed_by",),
        show={
            "title": "Titel",
            "description": "Beschreibung",
            "category": "Kategorie",
            "district": "Stadtteil",
            "needs": "Was gebraucht wird",
            "extra": "Weitere Angaben",
            "status": "Stand",
            "created_at": "Eingereicht am",
        },
    ),
    IdeaSupport: Holds(
        label="Unterstützungen und Mithilfe-Angebote",
        by=("account_id",),
        show={"kind": "Art", "at": "Am"},
        details={"idea_title": "Projektidee"},
    ),
    # An organisation's support is the organisation's: it stays when the member's account is
    # deleted (its other members may withdraw it); only the link to the member goes.
    OrganisationSupport: Holds(
        label="Unterstützungen im Namen einer Organisation",
        by=("given_by",),
        show={"organisation_name": "Organisation", "kind": "Art", "at": "Am"},
        details={"idea_title": "Projektidee"},
    ),
    Topic: Holds(
        label="Eigene Themen",
        by=("proposed_by",),
        show={"title": "Titel", "description": "Beschreibung", "created_at": "Am"},
        others=("hidden_by",),  # the moderator: someone else
    ),
    Report: Holds(
        label="Meldungen an die Moderation",
        by=("account_id",),
        show={"target": "Gemeldet", "reason": "Grund", "at": "Am"},
    ),
    Follow: Holds(
        label="Wem ich folge",
        by=("account_id",),
        show={
            "target_kind": "Art",
            "target_id": "Kennung",
            "active": "Folge ich noch",
            "automatic": "Automatisch begonnen",
            "at": "Seit",
        },
    ),
    Notification: Holds(
        label="Benachrichtigungen",
        by=("account_id",),
        show={
            "kind": "Art",
            "title": "Worum es geht",
            "detail": "Einzelheit",
            "at": "Am",
            "read_at": "Gelesen am",
            "mailed_at": "Gemailt am",
        },
    ),
    NotificationMail: Holds(
        label="Benachrichtigungs-Mails",
        by=("account_id",),
        # the period key ("d:2026-12-06", "w:2026-W49") is internal: the date sent says it
        show={"count": "Anzahl", "at": "Gesendet am"},
    ),
    Comment: Holds(
        label="Kommentare",
        by=("author_id",),
        show={
            "target_kind": "Kommentiert",
            "body": "Text",
            "created_at": "Geschrieben am",
            "edited_at": "Geändert am",
            "hidden_reason": "Ausgeblendet, Grund",
        },
        names=("author_name",),
        others=("hidden_by",),  # the moderator: someone else
    ),
}
