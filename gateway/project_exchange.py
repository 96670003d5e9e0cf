"""A whole scenario project as one XLSX workbook, a sheet per part, or as a ZIP archive of
one CSV file per sheet ("Projekt.csv", …: UTF-8 with byte-order mark, ``;``, decimal comma, as
German Excel opens them), and read back (pure).

Sheets: "Projekt" (title, description, method settings), "Einflussfaktoren" (with their
profile fields), "Einflussmatrix" (the raters' mean), "Schlüsselfaktoren", "Projektionen",
"Konsistenzmatrix" (the mean, each pair once), "Cross-Impact-Matrix" (the CIB judgements' mean,
directed, −3…+3), "Szenarien" (title, status, narrative and the projection per key factor;
imported as drafts without a run) and "Bewertungskriterien" (the facilitator's own assessment
criteria: title, description). Not in the file: who rated what (the raters' own matrices and
their versions), runs (computed again from the imported inputs) and observation links (they
name citizens' contributions of this city only).

Written and read with ``scenario_exchange`` (labels, matrices, German Excel, formula starts
neutralised). A mean with decimals (several raters disagreeing) is rounded to the scale on
import and counted, so the importer can say so. Everything is checked before anything is
written, so a broken file changes nothing; errors are German and name sheet, row and column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from gateway.scenario_exchange import (
    directed_blocks,
    matrix_table,
    unique_labels,
    upper_triangle,
)
from gateway.spreadsheets import Cell, Table, to_csv

FACTOR_FIELDS = [  # (key, column header, longest text the service takes)
    ("title", "Titel", 200),
    ("description", "Beschreibung", 4000),
    ("indicators", "Indikatoren", 2000),
    ("current_state", "Heutiger Stand", 4000),
    ("sources", "Quellen", 2000),
]
SETTINGS = {  # project setting → (German row label, its values in German)
    "influence_threshold": (
        "Schwelle der Einflussanalyse",
        {"mean": "Mittelwert", "median": "Median"},
    ),
    "rank_by": (
        "Rangfolge der Schlüsselfaktoren nach",
        {"dynamics": "Dynamik", "active": "Aktivsumme", "impulse": "Impuls", "micmac": "MICMAC"},
    ),
    "aggregation": (
        "Zusammenfassung der Konsistenzwerte",
        {"median": "Median", "mean": "Mittelwert", "min": "Minimum"},
    ),
}
SCENARIOS, CRITERIA = "Szenarien", "Bewertungskriterien"  # optional: older files lack them
SCENARIO_STATUS = {"draft": "Entwurf", "published": "veröffentlicht", "withdrawn": "zurückgezogen"}
SHEETS = ["Projekt", "Einflussfaktoren", "Einflussmatrix", "Schlüsselfaktoren", "Projektionen"]


@dataclass
class ProjectFile:
    """What an import writes, in the file's order (factor and projection indices)."""

    project: dict[str, Any]
    factors: list[dict[str, str]]
    influence: list[list[int | None]]
    key: list[int]
    projections: list[dict[str, Any]]  # factor (index), title, description, probability
    consistency: list[list[int | None]]
    rounded: int = 0  # mean values rounded to the scale
    cross_impact: list[list[int | None]] = field(default_factory=list)  # in projection order
    # title, narrative, projections (indices into ``projections``): imported as drafts
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, str]] = field(default_factory=list)  # title, description


# ------------------------------------------------------------------ writing
def project_tables(
    project: dict[str, Any],
    factors: list[dict[str, Any]],
    influence: dict[str, Any],
    projections: dict[str, Any],
    consistency: dict[str, Any] | None,
    scenarios: list[dict[str, Any]],
    cross_impact: dict[str, Any] | None = None,
    criteria: list[dict[str, Any]] | None = None,
) -> list[Table]:
    """The workbook's sheets from the service's views (``get_project``, ``list_factors``,
    ``influence``, ``list_projections``, ``consistency``, ``list_scenarios``,
    ``cross_impacts``, the own ones of ``criteria``)."""
    settings = project["settings"]
    rows: list[list[Cell]] = [["Titel", project["title"]], ["Beschreibung", project["description"]]]
    rows.append(["Anzahl Schlüsselfaktoren", settings["key_factor_count"]])
    rows += [[label, names[settings[key]]] for key, (label, names) in SETTINGS.items()]
    tables = [Table("Projekt", ["Angabe", "Wert"], rows, "A2", False)]
    header = ["Nr.", *(h for _, h, _ in FACTOR_FIELDS)]
    factor_rows: list[list[Cell]] = [
        [k, *(f.get(key) or "" for key, _, _ in FACTOR_FIELDS)] for k, f in enumerate(factors, 1)
    ]
    tables.append(Table("Einflussfaktoren", header, factor_rows, "C2", True, False))
    labels = unique_labels([f["title"] for f in factors])
    label_of = dict(zip((f["id"] for f in factors), labels, strict=True))
    rated = [f["id"] for f in influence["factors"]]
    mean = {(a, b): v for a, row in zip(rated, influence["matrix"], strict=True)
            for b, v in zip(rated, row, strict=True)}  # fmt: skip
    values = [[mean.get((a["id"], b["id"])) for b in factors] for a in factors]
    tables.append(matrix_table("Einflussmatrix", "wirkt auf →", labels, values))
    key = projections["key_factors"]
    tables.append(
        Table(
            "Schlüsselfaktoren",
            ["Nr.", "Schlüsselfaktor"],
            [[k, label_of.get(kf["id"], kf["title"])] for k, kf in enumerate(key, 1)],
            "A2",
            False,
            False,
        )  # fmt: skip
    )
    p_rows: list[list[Cell]] = [
        [label_of.get(kf["id"], kf["title"]), p["title"], p["description"] or "", p["probability"]]
        for kf in key
        for p in kf["projections"]
    ]
    p_header = ["Schlüsselfaktor", "Projektion", "Beschreibung", "Wahrscheinlichkeit"]
    tables.append(Table("Projektionen", p_header, p_rows, "C2", True))
    ordered = [(kf, p) for kf in key for p in kf["projections"]]
    p_labels = unique_labels(
        [f"{label_of.get(kf['id'], kf['title'])}: {p['title']}" for kf, p in ordered]
    )
    by_id = {}
    if consistency is not None:
        ids = consistency["projection_ids"]
        by_id = {(a, b): v for a, row in zip(ids, consistency["matrix"], strict=True)
                 for b, v in zip(ids, row, strict=True)}  # fmt: skip
    full = [[by_id.get((a["id"], b["id"])) for _, b in ordered] for _, a in ordered]
    upper = upper_triangle(full, [kf["id"] for kf, _ in ordered])
    tables.append(matrix_table("Konsistenzmatrix", "passt zu →", p_labels, upper))
    directed = {}
    if cross_impact is not None:
        ids = cross_impact["projection_ids"]
        directed = {(a, b): v for a, row in zip(ids, cross_impact["matrix"], strict=True)
                    for b, v in zip(ids, row, strict=True)}  # fmt: skip
    cross = [[directed.get((a["id"], b["id"])) for _, b in ordered] for _, a in ordered]
    cross = directed_blocks(cross, [kf["id"] for kf, _ in ordered])
    tables.append(matrix_table("Cross-Impact-Matrix", "wirkt auf →", p_labels, cross))
    s_header = [
        "Titel",
        "Status",
        "Erzählung",
        *(label_of.get(kf["id"], kf["title"]) for kf in key),
    ]
    status = SCENARIO_STATUS
    current = {p["id"]: p["title"] for kf in key for p in kf["projections"]}
    s_rows: list[list[Cell]] = []
    for s in scenarios:
        # the projections as they are now (a run's scenario names them as frozen in the run;
        # one renamed since would not be found on import, one removed since is left out)
        chosen = {p["factor_id"]: current[p["projection_id"]] for p in s["projections"]
                  if p.get("projection_id") in current}  # fmt: skip
        s_rows.append([s["title"], status.get(s["status"], s["status"]), s["narrative"] or "",
                       *(chosen.get(kf["id"]) for kf in key)])  # fmt: skip
    tables.append(Table("Szenarien", s_header, s_rows, "B2", True))
    own = [c for c in criteria or [] if c.get("source") == "project"]
    c_rows: list[list[Cell]] = [[c["title_de"], c.get("description_de") or ""] for c in own]
    tables.append(Table(CRITERIA, ["Titel", "Beschreibung"], c_rows, "B2", True))
    return tables


def to_csv_zip(tables: list[Table]) -> bytes:
    """The workbook's sheets as one CSV file each, named after the sheet, in one ZIP archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", to_csv(table))
    return out.getvalue()
