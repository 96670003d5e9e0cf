"""A project workbook (``project_exchange.project_tables``; XLSX, or a ZIP of its sheets as CSV
files) read back and checked (pure): every
sheet, label and value is checked before the importer writes anything, so a broken file changes
nothing (scenarios and own criteria: ``project_import_parts``). Errors are German and name the
sheet, and the row and column where there is one."""

from __future__ import annotations

import io
import zipfile
from math import floor

from openpyxl import load_workbook

from gateway.project_exchange import (
    CRITERIA,
    FACTOR_FIELDS,
    SCENARIOS,
    SETTINGS,
    SHEETS,
    ProjectFile,
)
from gateway.project_import_parts import _checked, _same, _text, read_criteria, read_scenarios
from gateway.scenario_exchange import (
    MAX_CELLS,
    MAX_UNPACKED,
    ExchangeError,
    _blank,
    _number,
    _read_csv,
    _unpacked_size,
    parse_matrix,
    unique_labels,
)
from gateway.spreadsheets import Cell, spreadsheet_text
from services.scenarios.schemas import FactorSchema, ProjectionSchema, ProjectUpdateSchema

Grid = list[list[Cell]]
MAX_FACTORS, MAX_PER_KEY_FACTOR = 60, 6  # as the service (services/scenarios/schemas.py)


def _xlsx_sheets(data: bytes) -> dict[str, Grid]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {
        ws.title: [
            list(row)
            for row in ws.iter_rows(max_row=MAX_CELLS, max_col=MAX_CELLS, values_only=True)
        ]
        for ws in book.worksheets
    }
    book.close()
    return sheets


def _csv_sheets(archive: zipfile.ZipFile) -> dict[str, Grid]:
    """A ZIP of CSV files (``to_csv_zip``): each file one sheet, named as the file without
    ``.csv`` (folders a packer adds are ignored)."""
    sheets: dict[str, Grid] = {}
    for info in archive.infolist():
        name = info.filename.rsplit("/", 1)[-1]
        if name.lower().endswith(".csv") and not info.is_dir():
            rows = _read_csv(archive.read(info))[:MAX_CELLS]
            sheets[name[:-4]] = [list(r) for r in rows]
    return sheets


def read_workbook(data: bytes) -> dict[str, Grid]:
    """Every sheet of an XLSX file, or every CSV file of a ZIP archive, by name, trailing
    empty rows left out."""
    if not data:
        raise ExchangeError(["Bitte eine Datei auswählen (XLSX oder ZIP mit CSV-Dateien)."])
    if not data.startswith(b"PK\x03\x04"):
        raise ExchangeError(
            [
                "Die Datei ist keine XLSX-Arbeitsmappe und kein ZIP-Archiv (bitte die exportierte "
                "Datei)."
            ]  # fmt: skip
        )
    try:
        if _unpacked_size(data) > MAX_UNPACKED:
            raise ExchangeError(["Die Datei ist zu groß für ein Projekt."])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_xlsx = "[Content_Types].xml" in archive.namelist()
            sheets = _xlsx_sheets(data) if is_xlsx else _csv_sheets(archive)
    except ExchangeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any broken file is the person's, not a 500
        raise ExchangeError(
            ["Die Datei lässt sich weder als XLSX-Arbeitsmappe noch als ZIP-Archiv lesen."]
        ) from exc
    missing = [f"Das Blatt „{name}“ fehlt." for name in [*SHEETS, "Konsistenzmatrix"]
               if name not in sheets]  # fmt: skip
    if missing:
        raise ExchangeError(missing)
    for rows in sheets.values():
        while rows and all(_blank(v) for v in rows[-1]):
            rows.pop()
    return sheets


def _rounded(grid: Grid) -> tuple[Grid, int]:
    """A mean matrix with its decimals rounded half up (1,5 → 2), and how many were."""
    out, count = [], 0
    for r, row in enumerate(grid):
        new = list(row)
        for c in range(1, len(new)) if r else ():
            x = None if _blank(new[c]) else _number(new[c])
            if x is not None and not x.is_integer():
                new[c], count = floor(x + 0.5), count + 1
        out.append(new)
    return out, count


def _project(rows: Grid, errors: list[str]) -> dict:
    given = {_text(r[0]): r[1] if len(r) > 1 else None for r in rows[1:] if r}
    project: dict = {
        "title": _text(given.get("Titel")),
        "description": _text(given.get("Beschreibung")),
    }
    texts = {"title": "Titel", "description": "Beschreibung"}
    _checked(ProjectUpdateSchema(), dict(project), texts, "Blatt „Projekt“", errors)
    if not project["title"]:
        errors.append("Blatt „Projekt“: „Titel“ fehlt.")
    count = _number(given.get("Anzahl Schlüsselfaktoren") or "")
    if count is None or not count.is_integer() or not 2 <= count <= 30:
        errors.append(
            "Blatt „Projekt“: „Anzahl Schlüsselfaktoren“ ist keine ganze Zahl von 2 bis 30."
        )
    else:
        project["key_factor_count"] = int(count)
    for key, (label, names) in SETTINGS.items():
        wanted = {v: k for k, v in names.items()}.get(_text(given.get(label)))
        if wanted is None:
            choices = ", ".join(names.values())
            errors.append(f"Blatt „Projekt“: „{label}“ ist keine der Möglichkeiten ({choices}).")
        else:
            project[key] = wanted
    return project


def _factors(rows: Grid, errors: list[str]) -> list[dict[str, str]]:
    header = [_text(h) for h in rows[0]] if rows else []
    where = {h: header.index(h) for _, h, _ in FACTOR_FIELDS if h in header}
    if "Titel" not in where:
        errors.append("Blatt „Einflussfaktoren“: die Spalte „Titel“ fehlt.")
        return []
    factors, seen = [], set()
    for r, row in enumerate(rows[1:], start=2):
        padded = [*row, *([None] * len(FACTOR_FIELDS))]
        factor = {key: _text(padded[where[h]]) if h in where else "" for key, h, _ in FACTOR_FIELDS}
        if not factor["title"]:
            if any(factor.values()):
                errors.append(f"Blatt „Einflussfaktoren“, Zeile {r}: der Titel fehlt.")
            continue
        labels = {key: h for key, h, _ in FACTOR_FIELDS}
        _checked(FactorSchema(), factor, labels, f"Blatt „Einflussfaktoren“, Zeile {r}", errors)
        if _same(factor["title"]) in seen:
            errors.append(
                f"Blatt „Einflussfaktoren“, Zeile {r}: „{factor['title'][:80]}“ steht zweimal da."
            )
        seen.add(_same(factor["title"]))
        factors.append(factor)
    if len(factors) > MAX_FACTORS:
        errors.append(f"Blatt „Einflussfaktoren“: höchstens {MAX_FACTORS} Einflussfaktoren.")
    return factors


def _index(labels: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for k, label in enumerate(labels):
        found[label] = found[spreadsheet_text(label)] = k
    return found


def _matrix(sheets: dict[str, Grid], name: str, labels: list[str], scale: tuple[int, int],
            rated, what: str, errors: list[str], symmetric: bool = False):  # fmt: skip
    """A mean matrix in ``labels`` order (decimals rounded) and how many were rounded."""
    n = len(labels)
    grid, rounded = _rounded(sheets[name])
    if len(grid) < 2:
        return [[None] * n for _ in range(n)], 0
    try:
        return parse_matrix(grid, labels, scale, rated, what, symmetric), rounded
    except ExchangeError as exc:
        errors.extend(f"Blatt „{name}“, {m}" for m in exc.messages)
        return [[None] * n for _ in range(n)], 0


def parse_project(data: bytes) -> ProjectFile:
    """The file's project; ``ExchangeError`` with every problem found."""
    sheets = read_workbook(data)
    errors: list[str] = []
    project = _project(sheets["Projekt"], errors)
    factors = _factors(sheets["Einflussfaktoren"], errors)
    labels = unique_labels([f["title"] for f in factors])
    index = _index(labels)
    influence, rounded = _matrix(sheets, "Einflussmatrix", labels, (0, 3), lambda i, j: i != j,
                                 "kein Einflussfaktor der Datei", errors)  # fmt: skip
    key: list[int] = []
    for r, row in enumerate(sheets["Schlüsselfaktoren"][1:], start=2):
        title = _text(row[1]) if len(row) > 1 else ""
        if title and (k := index.get(title)) is None:
            errors.append(
                f"Blatt „Schlüsselfaktoren“, Zeile {r}: „{title[:80]}“ ist kein "
                "Einflussfaktor der Datei."
            )
        elif title and k not in key:
            key.append(k)
    if key and not 2 <= len(key) <= 30:
        errors.append("Blatt „Schlüsselfaktoren“: 2 bis 30 Schlüsselfaktoren.")
    projections: list[dict] = []
    for r, row in enumerate(sheets["Projektionen"][1:], start=2):
        row = [*row, None, None, None, None]
        factor, title, description = _text(row[0]), _text(row[1]), _text(row[2])
        k = index.get(factor)
        here = f"Blatt „Projektionen“, Zeile {r}"
        if k is None or k not in key:
            errors.append(f"{here}: „{factor[:80]}“ ist kein Schlüsselfaktor der Datei.")
            continue
        p = None if _blank(row[3]) else _number(row[3])
        typed = _text(row[3]) if p is None and not _blank(row[3]) else p  # "viel": named
        values = {
            "factor_id": "x",
            "title": title,
            "description": description,
            "probability": typed,
        }
        words = {"title": "Projektion", "description": "Beschreibung",
                 "probability": "Wahrscheinlichkeit"}  # fmt: skip
        _checked(ProjectionSchema(), values, words, here, errors)
        projections.append(
            {"factor": k, "title": title, "description": description, "probability": p}
        )
        if sum(1 for q in projections if q["factor"] == k) == MAX_PER_KEY_FACTOR + 1:
            errors.append(
                f"{here}: höchstens {MAX_PER_KEY_FACTOR} Projektionen je Schlüsselfaktor."
            )
    p_labels = unique_labels([f"{labels[p['factor']]}: {p['title']}" for p in projections])
    factor_of = [p["factor"] for p in projections]
    consistency, more = _matrix(sheets, "Konsistenzmatrix", p_labels, (1, 5),
                                lambda i, j: factor_of[i] != factor_of[j],
                                "keine Projektion der Datei", errors, symmetric=True)  # fmt: skip
    cross, rounded_cross = [[None] * len(p_labels) for _ in p_labels], 0
    if "Cross-Impact-Matrix" in sheets:  # files from before it was exported have none
        cross, rounded_cross = _matrix(sheets, "Cross-Impact-Matrix", p_labels, (-3, 3),
                                       lambda i, j: factor_of[i] != factor_of[j],
                                       "keine Projektion der Datei", errors)  # fmt: skip
    scenarios = read_scenarios(sheets.get(SCENARIOS, []), index, key, projections, errors)
    criteria = read_criteria(sheets.get(CRITERIA, []), errors)
    if errors:
        raise ExchangeError(errors)
    return ProjectFile(project, factors, influence, key, projections, consistency,
                       rounded + more + rounded_cross, cross, scenarios, criteria)  # fmt: skip
