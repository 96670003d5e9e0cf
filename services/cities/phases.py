"""The phase state machine of a city (pure: no I/O).

``kickoff → scenarios → transfer → table_talks → closing → archived``. A city moves one phase
forward at a time; each transition has guards, and each failing guard is a reason the admin
can read. The facts the guards need are gathered by the service and passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.kit.phase_titles import PHASE_TITLES  # noqa: F401 - the phases' names, kept in the kit

PHASES: tuple[str, ...] = ("kickoff", "scenarios", "transfer", "table_talks", "closing", "archived")
WORKING_PHASES: tuple[str, ...] = PHASES[:-1]  # phases with a window and steps


# Tallies the default rules read (counts of public facts, see services/cities/tallies).
TOPICS_PUBLISHED = "scenarios.topic.published"
TOPICS_WITHDRAWN = "scenarios.topic.withdrawn"
KEY_FACTORS_DECIDED = "scenarios.key_factors.decided"
SCENARIOS_PUBLISHED = "scenarios.scenario.published"
SCENARIOS_WITHDRAWN = "scenarios.scenario.withdrawn"

ORGANISATION_KINDS: tuple[str, ...] = ("association", "initiative", "foundation", "administration")


@dataclass(frozen=True)
class DefaultStep:
    key: str
    title_de: str
    title_en: str
    # "working_group", "key_factors", "scenarios" and "topics" complete by themselves from
    # the workshop's state; None means marked done by hand.
    rule: str | None = None


DEFAULT_STEPS: dict[str, tuple[DefaultStep, ...]] = {
    "kickoff": (
        DefaultStep(
            "working_group_formed",
            "Arbeitsgruppe gebildet (Vereine, Initiativen, Stiftungen, Verwaltung)",
            "Working group formed (associations, initiatives, foundations, administration)",
            rule="working_group",
        ),
        DefaultStep("kickoff_meeting", "Auftakttreffen durchgeführt", "Kickoff meeting held"),
    ),
    "scenarios": (
        DefaultStep(
            "key_factors", "Schlüsselfaktoren ausgewählt", "Key factors chosen", rule="key_factors"
        ),
        DefaultStep(
            "citizen_talks",
            "Gespräche mit Bürgerinnen und Bürgern geführt",
            "Conversations with citizens held",
        ),
        DefaultStep(
            "scenarios_written", "Szenarien beschrieben", "Scenarios written", rule="scenarios"
        ),
    ),
    "transfer": (
        DefaultStep(
            "scenarios_assessed",
            "Szenarien vor Ort bewertet",
            "Scenarios assessed against local conditions",
        ),
        DefaultStep(
            "topics_published",
            "Vertiefungsthemen veröffentlicht",
            "Deep-dive topics published",
            rule="topics",
        ),
    ),
    "table_talks": (
        DefaultStep("talks_announced", "Tischgespräche angekündigt", "Table talks announced"),
    ),
    "closing": (
        DefaultStep(
            "closing_event_held", "Abschlussveranstaltung durchgeführt", "Closing event held"
        ),
        DefaultStep("results_published", "Ergebnisse veröffentlicht", "Results published"),
    ),
}


def published_now(tallies: dict[str, int], published: str, withdrawn: str) -> int:
    """How many are public now: each publication (again) and each withdrawal is one fact."""
    return max(0, tallies.get(published, 0) - tallies.get(withdrawn, 0))


def automatic_step(rule: str, tallies: dict[str, int]) -> dict[str, Any] | None:
    """The state of a step that completes by itself from the scenario workshop's facts
    (``None`` for a rule this function does not know)."""
    if rule == "key_factors":
        done = tallies.get(KEY_FACTORS_DECIDED, 0) >= 1
        return {
            "done": done,
            "progress_de": "Die Schlüsselfaktoren sind gewählt."
            if done
            else "Noch keine Schlüsselfaktoren gewählt.",
            "progress_en": "The key factors are chosen." if done else "No key factors chosen yet.",
        }
    if rule == "scenarios":
        count = published_now(tallies, SCENARIOS_PUBLISHED, SCENARIOS_WITHDRAWN)
        return {
            "done": count >= 1,
            "progress_de": _counted(count, "Szenario", "Szenarien") + " veröffentlicht",
            "progress_en": _counted(count, "scenario", "scenarios") + " published",
        }
    if rule == "topics":
        count = published_now(tallies, TOPICS_PUBLISHED, TOPICS_WITHDRAWN)
        return {
            "done": count >= 1,
            "progress_de": _counted(count, "Vertiefungsthema", "Vertiefungsthemen")
            + " veröffentlicht",
            "progress_en": _counted(count, "deep-dive topic", "deep-dive topics") + " published",
        }
    return None


def _counted(count: int, one: str, many: str) -> str:
    """'1 Szenario', '0 Szenarien', '3 Szenarien' (German and English both use the plural for 0)."""
    return f"{count} {one if count == 1 else many}"


def next_phase(current: str) -> str | None:
    index = PHASES.index(current)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


@dataclass
class GuardFacts:
    """What the guards of a transition look at, gathered by the service."""

    working_group_formed: bool
    topics_published: int
    table_talks_end: datetime | None
    now: datetime


@dataclass
class GuardResult:
    allowed: bool
    reasons: dict[str, list[str]] = field(default_factory=dict)  # field -> English messages


def check_transition(
    current: str, target: str, facts: GuardFacts, override_reason: str | None = None
) -> GuardResult:
    """May a city in ``current`` move to ``target``? Reasons name the field to fix."""
    if target not in PHASES:
        return GuardResult(False, {"to": ["Unknown phase."]})
    if target != next_phase(current):
        return GuardResult(
            False, {"to": [f"The next phase after {current} is {next_phase(current)}."]}
        )
    reasons: dict[str, list[str]] = {}
    if current == "kickoff" and not facts.working_group_formed:
        reasons["working_group_formed"] = [
            "The kickoff needs a formed working group (all four kinds, or a recorded reason)."
        ]
    if target == "table_talks" and facts.topics_published < 1:
        reasons["topics_published"] = ["Table talks need at least one published deep-dive topic."]
    if target == "closing":
        ended = facts.table_talks_end is not None and facts.table_talks_end <= facts.now
        if not ended and not (override_reason and override_reason.strip()):
            reasons["override_reason"] = [
                "The table-talk window has not ended: give a reason to close early."
            ]
    return GuardResult(not reasons, reasons)


SCHEDULE_ORDER = "The window must start after the window of the phase before it ends."


def check_schedule(schedule: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Windows must have start before end and follow the phase order without overlap."""
    errors: dict[str, list[str]] = {}
    previous_end: datetime | None = None
    for phase in WORKING_PHASES:
        window = schedule.get(phase)
        if not window:
            continue
        start, end = window.get("start"), window.get("end")
        if start and end and end <= start:
            errors.setdefault(f"{phase}.end", []).append("The end must be after the start.")
        if start and previous_end and start < previous_end:
            # No phase code in the message: a person reads it next to the phase's own field.
            errors.setdefault(f"{phase}.start", []).append(SCHEDULE_ORDER)
        if end:
            previous_end = end
    return errors


def composition(kinds: list[str]) -> dict[str, int]:
    """How many members of each organisation kind sit at the table."""
    counts = dict.fromkeys(ORGANISATION_KINDS, 0)
    for kind in kinds:
        if kind in counts:
            counts[kind] += 1
    return counts


def all_kinds_represented(kinds: list[str]) -> bool:
    return all(composition(kinds).values())
