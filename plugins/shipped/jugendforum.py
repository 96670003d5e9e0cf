"""Jugendforum: a youth forum within the table talks.

A partner sets how many table talks with mostly young participants the city aims for and up
to which age a participant counts as young. Hosts then mark a documented talk as a youth
talk; such talks carry the public tag ``youth``, the cities service counts them, and the
table-talk step "Jugendforum" completes by itself once the configured number is reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from plugins.hookspecs import FORM_TALK_DOCUMENTATION, TALLY_TAG_SEPARATOR, hookimpl

TITLE_DE = "Jugendforum"
TITLE_EN = "Youth forum"
DESCRIPTION_DE = (
    "Ein Jugendforum in den Tischgesprächen: Gastgeberinnen und Gastgeber kennzeichnen "
    "Gespräche mit überwiegend jungen Menschen, und der Schritt „Jugendforum“ ist erledigt, "
    "sobald die vereinbarte Zahl solcher Gespräche dokumentiert ist."
)
DESCRIPTION_EN = (
    "A youth forum within the table talks: hosts mark talks with mostly young participants, "
    "and the step “Youth forum” completes once the agreed number of such talks is documented."
)
# The plugin returns no validation messages of its own; the host still reads the attribute.
MESSAGES_DE: dict[str, str] = {}

STEP_KEY = "jugendforum"
FIELD_YOUTH_TALK = "youth_talk"
TAG_YOUTH = "youth"
# What the cities service counts for every documented talk that the dialogue service's
# public event tagged "youth" (via stadtdialog_form_tags below).
TALLY_YOUTH_TALKS = f"dialogue.talk.documented{TALLY_TAG_SEPARATOR}{TAG_YOUTH}"

# Youth work in Germany speaks of "junge Menschen" up to 27 (SGB VIII section 7), so
# partners get that unless their own youth forum draws the line elsewhere.
DEFAULT_MAX_AGE = 27


class JugendforumConfig(Schema):
    """What a partner configures for the city."""

    required_talks = fields.Integer(
        required=True,
        strict=True,  # 2.5 talks or "5" is a partner's typo, not something to round
        validate=validate.Range(min=1),
        metadata={"description": "So viele Jugendgespräche sollen dokumentiert werden"},
    )
    max_age = fields.Integer(
        load_default=DEFAULT_MAX_AGE,
        strict=True,
        validate=validate.Range(min=14, max=30),
        metadata={"description": "Bis zu diesem Alter (in Jahren) zählen Teilnehmende als jung"},
    )


@hookimpl
def stadtdialog_config_schema() -> type[Schema]:
    return JugendforumConfig


@hookimpl
def stadtdialog_phase_steps(phase: str, config: Mapping[str, Any]) -> list[dict[str, str]] | None:
    if phase != "table_talks":
        return None
    required, max_age = config["required_talks"], config["max_age"]
    return [
        {
            "key": STEP_KEY,
            "title_de": "Jugendforum: Tischgespräche mit jungen Menschen",
            "title_en": "Youth forum: table talks with young people",
            "description_de": (
                f"Mindestens {_talks_de(required)} mit überwiegend Teilnehmenden bis "
                f"{max_age} Jahre führen und dokumentieren. Gastgeberinnen und Gastgeber "
                "kreuzen dazu in der Dokumentation „Jugendgespräch“ an; der Schritt ist "
                "erledigt, sobald genug Jugendgespräche dokumentiert sind."
            ),
            "description_en": (
                f"Hold and document at least {_talks_en(required)} with mostly participants "
                f"aged up to {max_age}. Hosts tick “Youth talk” in the documentation; the step "
                "completes once enough youth talks are documented."
            ),
        }
    ]


@hookimpl
def stadtdialog_step_status(
    step_key: str, tallies: Mapping[str, int], config: Mapping[str, Any]
) -> dict[str, Any] | None:
    if step_key != STEP_KEY:
        return None
    required = config["required_talks"]
    documented = tallies.get(TALLY_YOUTH_TALKS, 0)
    # The count is shown as it is, also beyond the target: "7 von 5" tells the city more
    # than a capped "5 von 5".
    return {
        "done": documented >= required,
        "progress_de": f"{documented} von {_talks_de(required, dative=True)} dokumentiert",
        "progress_en": f"{documented} of {_talks_en(required)} documented",
    }


@hookimpl
def stadtdialog_form_fields(form: str, config: Mapping[str, Any]) -> dict[str, fields.Field] | None:
    if form != FORM_TALK_DOCUMENTATION:
        return None
    max_age = config["max_age"]
    return {
        FIELD_YOUTH_TALK: fields.Boolean(
            # Optional with a default: most talks are not youth talks, and hosts who did not
            # hear of the youth forum must still be able to submit their documentation.
            load_default=False,
            metadata={
                "title_de": f"Jugendgespräch: überwiegend Teilnehmende bis {max_age} Jahre",
                "title_en": f"Youth talk: mostly participants aged up to {max_age}",
            },
        )
    }


@hookimpl
def stadtdialog_form_tags(form: str, data: Mapping[str, Any]) -> list[str] | None:
    if form != FORM_TALK_DOCUMENTATION or data.get(FIELD_YOUTH_TALK) is not True:
        return None
    return [TAG_YOUTH]


@hookimpl
def stadtdialog_phase_changed(new: str, config: Mapping[str, Any]) -> list[dict[str, str]] | None:
    if new != "table_talks":
        return None
    required, max_age = config["required_talks"], config["max_age"]
    return [
        {
            "audience": "hosts",
            "text_de": (
                f"Jugendforum: Sind an Deinem Tisch überwiegend Menschen bis {max_age} Jahre, "
                "kreuze in der Dokumentation „Jugendgespräch“ an. Unser Ziel: "
                f"{_talks_de(required)}."
            ),
            "text_en": (
                f"Youth forum: if most people at your table are aged up to {max_age}, tick "
                f"“Youth talk” in the documentation. Our goal: {_talks_en(required)}."
            ),
        }
    ]


def _talks_de(count: int, *, dative: bool = False) -> str:
    # "1 Jugendgespräch", "5 Jugendgespräche", and after "von" the dative "5 Jugendgesprächen".
    if count == 1:
        return "1 Jugendgespräch"
    return f"{count} Jugendgespräche{'n' if dative else ''}"


def _talks_en(count: int) -> str:
    return "1 youth talk" if count == 1 else f"{count} youth talks"
