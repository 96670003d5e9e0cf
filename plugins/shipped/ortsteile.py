"""Ortsteile: district-level reporting of the dialogue.

A partner lists the city's districts. Table-talk documentations and project ideas then name
the district they concern in a "Stadtteil" choice (required, one of the configured
districts) and optionally further districts, so results can be reported per district;
working groups rate scenarios by their relevance for the districts, and the closing phase
gets a step to report per district.

Citizens read "Stadtteil" (the word most German cities use); the plugin keeps its name
"Ortsteile" because that is what it is enabled and stored under.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from plugins.hookspecs import FORM_PROJECT_IDEA, FORM_TALK_DOCUMENTATION, FORMS, hookimpl

TITLE_DE = "Ortsteile"
TITLE_EN = "Districts"
DESCRIPTION_DE = (
    "Auswertung nach Stadtteilen (Ortsteilen): Tischgespräche und Projektideen nennen ihren "
    "Stadtteil aus der Liste der Stadt, Szenarien werden nach ihrer Relevanz für die "
    "Stadtteile bewertet."
)
DESCRIPTION_EN = (
    "Reporting by district: table talks and project ideas name their district, scenarios are "
    "rated by their relevance for the districts."
)

MSG_DUPLICATE_DISTRICT = "Each district may be listed only once."
MSG_MAIN_DISTRICT_REPEATED = "The main district must not be repeated among further districts."
MESSAGES_DE = {
    MSG_DUPLICATE_DISTRICT: "Jeder Stadtteil darf nur einmal genannt werden.",
    MSG_MAIN_DISTRICT_REPEATED: (
        "Der gewählte Stadtteil darf bei den weiteren Stadtteilen nicht noch einmal stehen."
    ),
}


def _unique(values: list[str]) -> None:
    # Case-insensitive: "Altstadt" and "altstadt" would split one district's results in two.
    folded = [value.strip().casefold() for value in values]
    if len(folded) != len(set(folded)):
        raise ValidationError(MSG_DUPLICATE_DISTRICT)


class OrtsteileConfig(Schema):
    """What a partner configures for the city."""

    districts = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        required=True,
        validate=[validate.Length(min=1, max=200), _unique],
        metadata={
            "description": (
                "Die Stadtteile (Ortsteile) der Stadt, wie Bürgerinnen und Bürger sie kennen: "
                "die Auswahl im Feld „Stadtteil“"
            )
        },
    )
    forms = fields.List(
        fields.String(validate=validate.OneOf(FORMS)),
        load_default=lambda: [FORM_TALK_DOCUMENTATION, FORM_PROJECT_IDEA],
        metadata={"description": "Formulare, die nach dem Stadtteil fragen"},
    )


@hookimpl
def stadtdialog_config_schema() -> type[Schema]:
    return OrtsteileConfig


@hookimpl
def stadtdialog_form_fields(form: str, config: Mapping[str, Any]) -> dict[str, fields.Field] | None:
    if form not in config["forms"]:
        return None
    districts = list(config["districts"])
    return {
        "district": fields.String(
            required=True,
            validate=validate.OneOf(districts),
            metadata={"title_de": "Stadtteil", "title_en": "District", "choices": districts},
        ),
        "further_districts": fields.List(
            fields.String(validate=validate.OneOf(districts)),
            load_default=list,
            metadata={
                "title_de": "Weitere betroffene Stadtteile",
                "title_en": "Further districts concerned",
                "choices": districts,
            },
        ),
    }


@hookimpl
def stadtdialog_validate_form(
    form: str, data: Mapping[str, Any], config: Mapping[str, Any]
) -> dict[str, list[str]] | None:
    if form not in config["forms"]:
        return None
    further = list(data.get("further_districts") or [])
    messages: list[str] = []
    if len(further) != len(set(further)):
        messages.append(MSG_DUPLICATE_DISTRICT)
    if data.get("district") in further:
        messages.append(MSG_MAIN_DISTRICT_REPEATED)
    return {"further_districts": messages} if messages else None


@hookimpl
def stadtdialog_assessment_criteria(config: Mapping[str, Any]) -> list[dict[str, str]]:
    names = ", ".join(config["districts"])
    return [
        {
            "key": "district_relevance",
            "title_de": "Relevanz für die Stadtteile",
            "title_en": "Relevance for the districts",
            "description_de": (
                "Wie stark würde dieses Szenario das Leben in den einzelnen Stadtteilen "
                f"verändern ({names})? Gilt es für alle gleich oder trifft es einige besonders?"
            ),
            "description_en": (
                "How strongly would this scenario change life in the individual districts "
                f"({names})? Does it affect all alike or some in particular?"
            ),
        }
    ]


@hookimpl
def stadtdialog_phase_steps(phase: str) -> list[dict[str, str]] | None:
    if phase != "closing":
        return None
    return [
        {
            "key": "report_by_district",
            "title_de": "Ergebnisse nach Stadtteilen auswerten",
            "title_en": "Report results by district",
            "description_de": (
                "Tischgespräche und Projektideen je Stadtteil zusammenfassen und Stadtteile "
                "ohne Beteiligung für die nächsten Schritte gezielt ansprechen."
            ),
            "description_en": (
                "Summarise table talks and project ideas per district and reach out to "
                "districts without participation for the next steps."
            ),
        }
    ]
