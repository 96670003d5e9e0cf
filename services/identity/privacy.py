"""What the identity service holds about a person (``services/kit/personal_data.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from mongoengine import Document

from services.identity.models import Account, Consent, Session
from services.kit.personal_data import Holds

PERSONAL_DATA: Mapping[type[Document], Holds] = {
    Account: Holds(
        label="Konto",
        by=("id",),
        show={
            "email": "E-Mail-Adresse",
            "display_name": "Angezeigter Name",
            "locale": "Sprache",
            "mail_off": "Abbestellte E-Mails",
            "verified_at": "Bestätigt am",
            "operator": "Betreiberkonto",
            "created_at": "Angelegt am",
        },
        details={"roles": "Rollen", "organisations": "Organisationen"},
        others=("roles.granted_by",),  # the admin who granted a role: someone else
        not_a_person=("organisations.name",),  # an organisation's name
    ),
    Session: Holds(
        label="Anmeldungen (Sitzungen)",
        by=("account_id",),
        show={"created_at": "Angemeldet am", "expires_at": "Gültig bis", "device": "Gerät"},
    ),
    Consent: Holds(
        label="Einwilligungen und Kenntnisnahmen",
        by=("account_id",),
        show={"document": "Dokument", "version": "Fassung", "context": "Anlass", "at": "Am"},
    ),
}
