"""Reading a project file's cells, and its sheets "Szenarien" and "Bewertungskriterien" (pure;
``project_import.parse_project`` calls them after the projections are read).

A scenario names its projection per key factor by the key factor's column and the projection's
title, as the export writes it; it is taken over as a draft without a run (its "Status" column
is for reading: publishing is the facilitator's confirmed act). Every problem is German and names
sheet, row and column.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter

from gateway.scenario_exchange import _blank
from gateway.spreadsheets import FORMULA_STARTS, Cell
from services.kit.i18n import german
from services.scenarios.schemas import CriterionSchema, ImportedScenarioSchema

Grid = list[list[Cell]]
MAX_SCENARIOS, MAX_CRITERIA = 60, 10  # as the service (handlers/criteria.py: MAX_OWN)
FIXED = ("Titel", "Status", "Erzählung")  # the scenario sheet's columns before the key factors


def _text(value: Cell) -> str:
    """A cell as the text that was exported (the ``'`` before a formula start taken off)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _checked(schema, values: dict, labels: dict[str, str], here: str, errors: list[str]) -> None:  # noqa: ANN001
    """The service's own checks (lengths, control characters, line breaks in a title …) before
    anything is written, each problem in German with its column."""
    for name, messages in sorted(schema.validate(values).items()):
        for message in messages if isinstance(messages, list) else [str(messages)]:
            errors.append(f"{here}: „{labels.get(name, name)}“: {german(str(message))}")


def _same(title: str) -> str:
    return " ".join(title.split()).casefold()


def _columns(header: list[str], index: dict[str, int], key: list[int],
             errors: list[str]) -> dict[int, int]:  # fmt: skip
    """Column → key factor (its index among the file's factors), from the header row."""
    found: dict[int, int] = {}
    for c, name in enumerate(header):
        if c < len(FIXED) or not name:
            continue
        k = index.get(name)
        if k is None or k not in key:
            errors.append(
                f"Blatt „Szenarien“, Spalte {get_column_letter(c + 1)}: „{name[:80]}“ ist kein "
                "Schlüsselfaktor der Datei."
            )
        else:
            found[c] = k
    return found


def read_scenarios(
    rows: Grid,
    index: dict[str, int],
    key: list[int],
    projections: list[dict[str, Any]],
    errors: list[str],
) -> list[dict[str, Any]]:
    """The sheet's scenarios: title, narrative and the chosen projections (indices into
    ``projections``); ``index``: a factor's label (as written, or neutralised) → its index."""
    if not rows:
        return []
    header = [_text(h) for h in rows[0]]
    if [*header[: len(FIXED)]] != list(FIXED):
        errors.append(
            "Blatt „Szenarien“: die ersten Spalten sind nicht „Titel“, „Status“, „Erzählung“."
        )
        return []
    columns = _columns(header, index, key, errors)
    scenarios: list[dict[str, Any]] = []
    for r, row in enumerate(rows[1:], start=2):
        padded = [*row, *([None] * len(header))]
        if all(_blank(v) for v in padded):
            continue
        here = f"Blatt „Szenarien“, Zeile {r}"
        values = {"title": _text(padded[0]), "narrative": _text(padded[2])}
        if not values["title"]:
            errors.append(f"{here}: der Titel fehlt.")
        checked = values if values["title"] else {"narrative": values["narrative"]}
        _checked(ImportedScenarioSchema(), checked, {"title": "Titel", "narrative": "Erzählung"},
                 here, errors)  # fmt: skip
        chosen: dict[int, int] = {}  # key factor → projection
        for c, k in columns.items():
            title = _text(padded[c])
            if not title:
                continue
            at = f"{here}, Spalte {get_column_letter(c + 1)}"
            found = (j for j, p in enumerate(projections)
                     if p["factor"] == k and _same(p["title"]) == _same(title))  # fmt: skip
            match = next(found, None)
            if match is None:
                errors.append(
                    f"{at}: „{title[:80]}“ ist keine Projektion des Schlüsselfaktors "
                    f"„{header[c][:80]}“ in der Datei."
                )
            elif k in chosen:
                errors.append(
                    f"{at}: eine zweite Projektion des Schlüsselfaktors „{header[c][:80]}“ "
                    "(je Schlüsselfaktor höchstens eine)."
                )
            else:
                chosen[k] = match
        scenarios.append({**values, "projections": list(chosen.values())})
    if len(scenarios) > MAX_SCENARIOS:
        errors.append(f"Blatt „Szenarien“: höchstens {MAX_SCENARIOS} Szenarien.")
    return scenarios


def read_criteria(rows: Grid, errors: list[str]) -> list[dict[str, str]]:
    """The facilitator's own assessment criteria: title and description."""
    if not rows:
        return []
    header = [_text(h) for h in rows[0]]
    if "Titel" not in header:
        errors.append("Blatt „Bewertungskriterien“: die Spalte „Titel“ fehlt.")
        return []
    t, d = header.index("Titel"), header.index("Beschreibung") if "Beschreibung" in header else None
    criteria: list[dict[str, str]] = []
    seen: set[str] = set()
    for r, row in enumerate(rows[1:], start=2):
        padded = [*row, *([None] * len(header))]
        values = {
            "title": _text(padded[t]),
            "description": _text(padded[d]) if d is not None else "",
        }
        here = f"Blatt „Bewertungskriterien“, Zeile {r}"
        if not values["title"]:
            if values["description"]:
                errors.append(f"{here}: der Titel fehlt.")
            continue
        _checked(CriterionSchema(), values, {"title": "Titel", "description": "Beschreibung"},
                 here, errors)  # fmt: skip
        if _same(values["title"]) in seen:
            errors.append(f"{here}: „{values['title'][:80]}“ steht zweimal da.")
        seen.add(_same(values["title"]))
        criteria.append(values)
    if len(criteria) > MAX_CRITERIA:
        errors.append(f"Blatt „Bewertungskriterien“: höchstens {MAX_CRITERIA} eigene Kriterien.")
    return criteria
