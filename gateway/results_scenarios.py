"""The scenario phase in the results: the published scenarios and their assessments as tables
for people (German labels, no codes), for the workbook and the report (``results_export``).
Pure: what the scenarios service answered in, tables out."""

from __future__ import annotations

from typing import Any

from gateway.spreadsheets import Cell, Table

ASSESSMENTS = "Bewertungen der Szenarien"
# The portfolio's quadrants (services/scenarios/transfer.py), as the portfolio map names them.
QUADRANTS = {
    "prepare": "vorbereiten",
    "watch": "beobachten",
    "monitor": "im Blick behalten",
    "note": "zur Kenntnis",
}
NOT_YET = "noch nicht bewertet"


def scenarios_table(scenarios: list[dict[str, Any]]) -> Table:
    """The published scenarios: title, narrative and each key factor's projection."""
    rows: list[list[Cell]] = [
        [s.get("title") or "Szenario", s.get("narrative") or ""]
        + ["; ".join(f"{p['factor_title']}: {p['title']}" for p in s.get("projections", []))]
        for s in scenarios
        if s.get("status", "published") == "published"
    ]
    header = ["Szenario", "Beschreibung", "Projektionen (Schlüsselfaktor: Projektion)"]
    return Table("Szenarien", header, rows, "A2", True, False)


def _mean(summary: dict[str, Any]) -> Cell:
    mean = summary.get("mean")
    return None if mean is None else round(float(mean), 1)


def assessments_table(results: dict[str, Any]) -> Table:
    """One row per scenario and criterion: how many rated it and the mean (1 to 5), with the
    scenario's place in the portfolio. Counts and means only: no rater, no single rating."""
    titles = {c["id"]: c.get("title_de") or "Kriterium" for c in results.get("criteria", [])}
    rows: list[list[Cell]] = []
    for scenario in results.get("scenarios", []):
        place = QUADRANTS.get(scenario.get("quadrant") or "", NOT_YET)
        for key, title in titles.items():
            summary = scenario.get("criteria", {}).get(key, {})
            rows.append(
                [scenario.get("title") or "Szenario", title, int(summary.get("n") or 0)]
                + [_mean(summary), place]
            )
    header = ["Szenario", "Kriterium", "Bewertungen", "Mittelwert (1 bis 5)"]
    header.append("Einordnung im Portfolio")
    return Table(ASSESSMENTS, header, rows, "A2", True, False)
