"""Barrierefreiheit: accessibility of the dialogue's venues and table talks.

Adds a step "Barrierefreiheit prüfen" to the kickoff and the table-talk phase, asks hosts in
the table-talk documentation whether the place was step-free and which support guests
needed, and tells admins and hosts whom to ask about accessibility when a phase begins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from plugins.hookspecs import FORM_TALK_DOCUMENTATION, hookimpl

TITLE_DE = "Barrierefreiheit"
TITLE_EN = "Accessibility"
DESCRIPTION_DE = (
    "Prüfschritte zur Barrierefreiheit in Auftakt und Tischgesprächen, Angaben zur "
    "Barrierefreiheit in der Dokumentation von Tischgesprächen und eine Ansprechperson."
)
DESCRIPTION_EN = (
    "Accessibility checks in the kickoff and table talks, accessibility details in the "
    "table-talk documentation, and a contact person."
)

# Support a guest may have needed; stored as codes, labelled by the gateway.
SUPPORT = ("sign_language", "easy_language", "induction_loop", "large_print", "personal_assistance")

MSG_DESCRIBE_BARRIER = "Please describe the barrier when the place was not step-free."
MSG_DUPLICATE_SUPPORT = "Each kind of support may be named only once."
MSG_SIGN_LANGUAGE_LISTED = "Sign language was needed, so list it among the support needed."
MESSAGES_DE = {
    MSG_DESCRIBE_BARRIER: "Bitte beschreibe die Barriere, wenn der Ort nicht stufenlos war.",
    MSG_DUPLICATE_SUPPORT: "Jede Unterstützung darf nur einmal genannt werden.",
    MSG_SIGN_LANGUAGE_LISTED: (
        "Gebärdensprache wurde gebraucht, bitte nenne sie auch bei der Unterstützung."
    ),
}


class BarrierefreiConfig(Schema):
    """What a partner configures for the city."""

    contact_email = fields.Email(
        required=True,
        metadata={"description": "E-Mail-Adresse für Fragen zur Barrierefreiheit"},
    )
    contact_phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "Telefonnummer für Fragen zur Barrierefreiheit"},
    )
    interpreting_offered = fields.Boolean(
        load_default=False,
        metadata={"description": "Die Stadt vermittelt Gebärdensprachdolmetschung"},
    )


@hookimpl
def stadtdialog_config_schema() -> type[Schema]:
    return BarrierefreiConfig


def _contact(config: Mapping[str, Any]) -> str:
    phone = config.get("contact_phone")
    return f"{config['contact_email']}, {phone}" if phone else str(config["contact_email"])


@hookimpl
def stadtdialog_phase_steps(phase: str, config: Mapping[str, Any]) -> list[dict[str, str]] | None:
    contact = _contact(config)
    if phase == "kickoff":
        return [
            {
                "key": "check_venues",
                "title_de": "Barrierefreiheit prüfen",
                "title_en": "Check accessibility",
                "description_de": (
                    "Prüft, ob die Orte für Auftakt und Arbeitsgruppen stufenlos erreichbar "
                    "sind, ob es eine Hörschleife gibt und ob die Einladung in Leichter Sprache "
                    f"vorliegt. Fragen an: {contact}."
                ),
                "description_en": (
                    "Check that the venues of the kickoff and the working groups are step-free, "
                    "have an induction loop, and that the invitation exists in easy language. "
                    f"Questions to: {contact}."
                ),
            }
        ]
    if phase == "table_talks":
        return [
            {
                "key": "check_talk_access",
                "title_de": "Barrierefreiheit prüfen",
                "title_en": "Check accessibility",
                "description_de": (
                    "Gastgeberinnen und Gastgeber fragen ihre Gäste nach Unterstützung und geben "
                    "in der Dokumentation an, ob der Ort stufenlos war. "
                    f"Fragen an: {contact}."
                ),
                "description_en": (
                    "Hosts ask their guests which support they need and state in the "
                    f"documentation whether the place was step-free. Questions to: {contact}."
                ),
            }
        ]
    return None


@hookimpl
def stadtdialog_form_fields(form: str) -> dict[str, fields.Field] | None:
    if form != FORM_TALK_DOCUMENTATION:
        return None
    return {
        "step_free_access": fields.Boolean(
            required=True,
            metadata={
                "title_de": "Der Ort war stufenlos erreichbar",
                "title_en": "The place was step-free",
            },
        ),
        "barrier_notes": fields.String(
            load_default=None,
            allow_none=True,
            validate=validate.Length(max=1000),
            metadata={
                "title_de": "Welche Barriere gab es?",
                "title_en": "Which barrier was there?",
                "multiline": True,  # shown as a text area; every other text is one line
            },
        ),
        "sign_language_needed": fields.Boolean(
            load_default=False,
            metadata={
                "title_de": "Gebärdensprache wurde gebraucht",
                "title_en": "Sign language was needed",
            },
        ),
        "support_needed": fields.List(
            fields.String(validate=validate.OneOf(SUPPORT)),
            load_default=list,
            validate=validate.Length(max=len(SUPPORT)),
            metadata={
                "title_de": "Unterstützung, die Gäste gebraucht haben",
                "title_en": "Support guests needed",
            },
        ),
    }


@hookimpl
def stadtdialog_validate_form(form: str, data: Mapping[str, Any]) -> dict[str, list[str]] | None:
    if form != FORM_TALK_DOCUMENTATION:
        return None
    errors: dict[str, list[str]] = {}
    notes = (data.get("barrier_notes") or "").strip()
    if data.get("step_free_access") is False and not notes:
        errors["barrier_notes"] = [MSG_DESCRIBE_BARRIER]
    support = list(data.get("support_needed") or [])
    if len(support) != len(set(support)):
        errors.setdefault("support_needed", []).append(MSG_DUPLICATE_SUPPORT)
    if data.get("sign_language_needed") and "sign_language" not in support:
        errors.setdefault("support_needed", []).append(MSG_SIGN_LANGUAGE_LISTED)
    return errors or None


@hookimpl
def stadtdialog_phase_changed(new: str, config: Mapping[str, Any]) -> list[dict[str, str]] | None:
    contact = _contact(config)
    if new == "kickoff":
        return [
            {
                "audience": "city_admins",
                "text_de": (
                    "Bitte prüft vor dem Auftakt die Barrierefreiheit der Veranstaltungsorte. "
                    f"Ansprechperson: {contact}."
                ),
                "text_en": (
                    "Please check the accessibility of the venues before the kickoff. "
                    f"Contact: {contact}."
                ),
            }
        ]
    if new == "table_talks":
        interpreting_de = interpreting_en = ""
        if config.get("interpreting_offered"):
            interpreting_de = " Gebärdensprachdolmetschung vermitteln wir auf Anfrage."
            interpreting_en = " We arrange sign-language interpreting on request."
        return [
            {
                "audience": "hosts",
                "text_de": (
                    "Frag Deine Gäste, welche Unterstützung sie brauchen, und gib in der "
                    f"Dokumentation an, ob der Ort stufenlos war. Fragen an: {contact}."
                    + interpreting_de
                ),
                "text_en": (
                    "Ask your guests which support they need and state in the documentation "
                    f"whether the place was step-free. Questions to: {contact}." + interpreting_en
                ),
            }
        ]
    return None
