"""The results of a city (or a cohort) as tables for people: German labels and German values
(no codes), times as German local time; written as CSV and XLSX by ``gateway/spreadsheets.py``
(what German Excel opens without a dialogue) and as a printable report (``results_report``).
Pure: the results document and what the gateway gathered beside it in, tables out.

Every number comes from the same rows (``summary_rows``), so a spreadsheet carries by
construction the numbers of the JSON document; tests read the files back to check it.
This is the one results module of the gateway: pages, exports and the report take their
labels from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.pages.dialogue.base import CATEGORIES, IDEA_STATUSES
from gateway.pages.events.base import STEP_STATUS, local_time
from gateway.results_scenarios import assessments_table, scenarios_table
from gateway.spreadsheets import Cell, Table, spreadsheet_text
from gateway.spreadsheets import to_csv as table_csv
from gateway.spreadsheets import to_xlsx as tables_xlsx

__all__ = ["Extras", "spreadsheet_text", "summary_rows", "tables", "to_csv", "to_xlsx"]

Row = tuple[str, str, str, int]  # (section, key, German label, value)

LABELS: dict[tuple[str, str], str] = {
    ("talks", "planned"): "Geplante Tischgespräche",
    ("talks", "cancelled"): "Abgesagte Tischgespräche",
    ("talks", "held"): "Geführte Gespräche",
    ("talks", "documentations"): "Dokumentationen",
    ("talks", "participants"): "Teilnehmende der geführten Gespräche",
    ("talks", "scenario_conversations"): "Gespräche in der Szenarienphase",
    ("topics", "deep_dive_published"): "Veröffentlichte Vertiefungsthemen",
    ("topics", "own_proposed"): "Eigene Themen von Bürgerinnen und Bürgern",
    ("topics", "covered"): "Besprochene Themen",
    ("ideas", "total"): "Projektideen",
    ("ideas", "supports"): "Unterstützungen",
    ("ideas", "helpers"): "Menschen, die mitmachen",
    ("ideas", "organisations"): "Unterstützende Organisationen",
    ("ideas", "organisation_helpers"): "Organisationen, die mitmachen",
    ("closing", "events"): "Abschlussveranstaltungen",
    ("closing", "capacity"): "Plätze",
    ("closing", "confirmed"): "Bestätigte Anmeldungen",
    ("closing", "waiting"): "Auf der Warteliste",
    ("closing", "ideas_with_next_steps"): "Ideen mit nächsten Schritten",
}
SECTIONS: dict[str, str] = {
    "talks": "Tischgespräche",
    "topics": "Themen",
    "ideas": "Projektideen",
    "closing": "Abschluss",
    "ideas.by_status": "Ideen nach Stand",
    "ideas.by_category": "Ideen nach Kategorie",
    "ideas.by_district": "Ideen nach Stadtteil",
    "closing.next_steps": "Nächste Schritte nach Stand",
    "topics.items": "Geführte Gespräche je Thema",
}
GROUPS = (
    ("ideas", "by_status"),
    ("ideas", "by_category"),
    ("ideas", "by_district"),
    ("closing", "next_steps"),
)
CITY_COLUMNS: dict[str, str] = {
    "talks_held": "Geführte Gespräche",
    "participants": "Teilnehmende",
    "documentations": "Dokumentationen",
    "topics_covered": "Besprochene Themen",
    "ideas": "Projektideen",
    "supports": "Unterstützungen",
    "helpers": "Menschen, die mitmachen",
    "organisations": "Unterstützende Organisationen",
}
EVENT_STATUS = {"draft": "Entwurf", "published": "veröffentlicht", "cancelled": "abgesagt"}
NO_ANSWER = "ohne Angabe"


def value_label(group: str, key: str | None) -> str:
    """The German word for a code in a group (``environment`` → "Umwelt und Klima")."""
    if not key or key == "unknown":
        return NO_ANSWER
    names = {
        "by_status": IDEA_STATUSES,
        "by_category": CATEGORIES,
        "next_steps": STEP_STATUS,
        "status": IDEA_STATUSES,
        "category": CATEGORIES,
        "step": STEP_STATUS,
        "event": EVENT_STATUS,
    }.get(group, {})
    return str(names.get(key, key))


@dataclass(frozen=True)
class Extras:
    """What the gateway asks beside the results for a city's workbook (None: not asked)."""

    scenarios: list[dict[str, Any]] | None = None  # the scenario phase's published scenarios
    # their assessments in aggregate (scenarios' assessment_results: counts and means)
    assessments: dict[str, Any] | None = None
    assessments_hidden: bool = False  # refused: the working group's until the transfer is over
    topics: list[dict[str, Any]] | None = None  # the dialogue's topics (published ones too)
    next_steps: list[dict[str, Any]] | None = None  # the ideas with their next steps
    closing_events: list[dict[str, Any]] | None = None  # public closing events
    names: dict[str, str] = field(default_factory=dict)  # city slug → name (a cohort)


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """Every number of a results document as (section, key, German label, value)."""
    rows: list[Row] = []
    for (section, key), label in LABELS.items():
        if section in results and key in results[section]:
            rows.append((section, key, label, int(results[section][key])))
    for section, group in GROUPS:
        for key, value in (results.get(section, {}).get(group) or {}).items():
            rows.append((f"{section}.{group}", key, value_label(group, key), int(value)))
    return rows


def title(results: dict[str, Any]) -> str:
    if "year" in results:
        return f"Stadtdialog, Jahrgang {results['year']}"
    return f"Stadtdialog {results.get('name') or results.get('city')}"


def stamp(results: dict[str, Any]) -> str:
    """When the numbers were taken, as a German reader reads it: 04.12.2026, 15:45."""
    return local_time(results.get("generated_at"))


def _city_name(city: dict[str, Any], extras: Extras) -> str:
    return city.get("name") or extras.names.get(city["city"]) or city["city"]


def _topic_rows(results: dict[str, Any], extras: Extras) -> list[list[Cell]]:
    """Topics with their talks; a published topic without a talk yet is listed with 0."""
    held = {t["topic_id"]: t for t in results.get("topics", {}).get("items", [])}
    rows: list[list[Cell]] = [
        [t["title"] or "Thema ohne Titel", t["talks_held"], t["participants"]]
        for t in held.values()
    ]
    for topic in extras.topics or []:
        if topic.get("id") not in held and not topic.get("hidden"):
            rows.append([topic.get("title") or "Thema ohne Titel", 0, 0])
    return rows


def _overview(results: dict[str, Any], extras: Extras) -> Table:
    rows: list[list[Cell]] = [
        [SECTIONS.get(section, section), label, value]
        for section, _key, label, value in summary_rows(results)
    ]
    rows += [[SECTIONS["topics.items"], t, n] for t, n, _p in _topic_rows(results, extras)]
    for city in results.get("cities", []):
        name = _city_name(city, extras)
        rows += [[name, label, city.get(key, 0)] for key, label in CITY_COLUMNS.items()]
    rows.append(["Stand", "Zahlen vom", stamp(results)])
    return Table("Überblick", ["Bereich", "Kennzahl", "Wert"], rows, "A2", True, False)


def _all_ideas(results: dict[str, Any], extras: Extras) -> list[dict[str, Any]]:
    """Every visible idea of a city (the next-steps overview has them all), most supported
    first; a cohort's ten most supported otherwise."""
    if extras.next_steps is None or "year" in results:
        return results.get("ideas", {}).get("most_supported", [])
    return sorted(extras.next_steps, key=lambda i: (-i["supports"], -i["helpers"]))


def _ideas(results: dict[str, Any], extras: Extras) -> Table:
    cohort = "year" in results
    header = ["Idee", "Kategorie", "Stadtteil", "Stand", "Unterstützungen", "Machen mit"]
    header.append("Unterstützende Organisationen")
    rows: list[list[Cell]] = [
        [i["title"] or "Projektidee", value_label("category", i["category"])]
        + [i["district"] if i["district"] not in ("", None, "unknown") else NO_ANSWER]
        + [value_label("status", i["status"]), i["supports"], i["helpers"]]
        + [i.get("organisations", 0)]
        + ([extras.names.get(i["city"], i["city"])] if cohort else [])
        for i in _all_ideas(results, extras)
    ]
    return Table("Ideen", header + (["Stadt"] if cohort else []), rows, "A2", True, False)


def _next_steps(ideas: list[dict[str, Any]]) -> Table:
    header = ["Idee", "Nächster Schritt", "Zuständig", "Ansprechperson", "Fällig am", "Stand"]
    rows: list[list[Cell]] = [
        [idea.get("title") or "Projektidee", step["what"], step.get("owner_organisation")]
        + [step.get("contact_role"), local_time(step.get("due_date"), with_time=False)]
        + [value_label("step", step["status"]), step.get("note") or ""]
        + [local_time(step.get("updated_at"))]
        for idea in ideas
        for step in idea.get("next_steps", [])
    ]
    header += ["Notiz", "Zuletzt geändert"]
    return Table("Nächste Schritte", header, rows, "A2", True, False)


def _closing_events(events: list[dict[str, Any]]) -> Table:
    header = ["Veranstaltung", "Beginn", "Ende", "Ort", "Stadtteil", "Stand", "Plätze"]
    header += ["Angemeldet", "Warteliste", "Frei"]
    rows: list[list[Cell]] = []
    for event in events:
        places = event.get("registration", {})
        venue = event.get("venue", {})
        cancelled = event.get("status") == "cancelled"
        rows.append(
            [event["title"], local_time(event.get("starts_at")), local_time(event.get("ends_at"))]
            + [venue.get("name") or "", venue.get("district") or ""]
            + [value_label("event", event.get("status")), places.get("capacity", 0)]
            + [0 if cancelled else places.get(k, 0) for k in ("confirmed", "waiting", "free")]
        )
    return Table("Abschlussveranstaltungen", header, rows, "A2", True, False)


def tables(results: dict[str, Any], extras: Extras | None = None) -> list[Table]:
    """One sheet per subject, each a list with German headers."""
    extras = extras or Extras()
    topics = Table(
        "Themen",
        ["Thema", "Geführte Gespräche", "Teilnehmende"],
        _topic_rows(results, extras),
        "A2",
        True,
        False,
    )
    sheets = [_overview(results, extras)]
    if extras.scenarios is not None:
        sheets.append(scenarios_table(extras.scenarios))
    if extras.assessments is not None:
        sheets.append(assessments_table(extras.assessments))
    sheets += [topics, _ideas(results, extras)]
    if extras.next_steps is not None:
        sheets.append(_next_steps(extras.next_steps))
    if extras.closing_events is not None:
        sheets.append(_closing_events(extras.closing_events))
    if results.get("cities"):
        sheets.append(
            Table(
                "Städte",
                ["Stadt", *CITY_COLUMNS.values()],
                [
                    [_city_name(c, extras), *(c.get(k, 0) for k in CITY_COLUMNS)]
                    for c in results["cities"]
                ],  # fmt: skip
                "B2",
                True,
            )
        )
    return sheets


def to_csv(results: dict[str, Any], extras: Extras | None = None) -> bytes:
    """The overview (every number, topics and cities included) as one CSV table."""
    return table_csv(_overview(results, extras or Extras()))


def to_xlsx(results: dict[str, Any], extras: Extras | None = None) -> bytes:
    return tables_xlsx(tables(results, extras), f"{title(results)}: Ergebnisse")
