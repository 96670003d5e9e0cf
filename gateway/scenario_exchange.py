"""Rating matrices and run results as CSV and XLSX, and matrices read back from them (pure).

The workshop's facilitators keep working in Excel: a matrix goes out with the factors' (or
"key factor: projection") names as row and column labels and comes back from the same
layout, in any row or column order, as the importing person's own rating. What German Excel
opens without a dialogue: CSV with a UTF-8 byte-order mark, ``;`` between cells and a
decimal comma; XLSX with a frozen header row and label column.

Names are typed by people: every text cell goes through ``spreadsheet_text`` (a leading
``'`` before a formula start; gateway/spreadsheets.py writes every export), and on import a
label matches its name as typed or as neutralised, so a hostile name survives the round trip
unchanged.
Import errors name the row and the column as the spreadsheet shows them ("Zeile 3, Spalte D")
and say why, in German; nothing here raises anything but ``ExchangeError``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from itertools import islice

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

# The writing side is shared with every export (gateway/spreadsheets.py); imported here under
# the names this module's callers know.
from gateway.spreadsheets import BOM, Cell, Table, spreadsheet_text, to_csv, to_xlsx

__all__ = ["Cell", "ExchangeError", "Table", "matrix_table", "parse_matrix", "read_grid",
           "to_csv", "to_xlsx", "unique_labels", "upper_triangle", "directed_blocks"]  # fmt: skip
MAX_CELLS = 200  # rows or columns read from a file: a workshop matrix has a few dozen
MAX_UNPACKED = 20 * 1024 * 1024  # bytes of an XLSX file once unpacked
MAX_LINE = 1_000_000  # characters of one CSV line (200 cells of long text fit many times)


class ExchangeError(ValueError):
    """A file that cannot be imported; ``messages`` are German, one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names as labels; a name given twice gets " (2)", " (3)" so every label finds its row."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = " ".join(str(name).split()) or "–"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def upper_triangle(values: list[list[Cell]], factor_of: Sequence[str]) -> list[list[Cell]]:
    """A symmetric (consistency) matrix with each pair once, above the diagonal, and the pairs
    of one key factor empty: the triangle the page rates and the files carry."""
    n = len(values)
    return [
        [values[i][j] if j > i and factor_of[i] != factor_of[j] else None for j in range(n)]
        for i in range(n)
    ]


def directed_blocks(values: list[list[Cell]], factor_of: Sequence[str]) -> list[list[Cell]]:
    """A directed (cross-impact) matrix with only the judged blocks: a value inside a key
    factor's own block never goes out."""
    n = len(values)
    return [[values[i][j] if factor_of[i] != factor_of[j] else None for j in range(n)]
            for i in range(n)]  # fmt: skip


def matrix_table(
    name: str, corner: str, labels: Sequence[str], values: Sequence[Sequence[float | None]]
) -> Table:
    rows: list[list[Cell]] = [[label, *row] for label, row in zip(labels, values, strict=True)]
    return Table(name, [corner, *labels], rows)


# ------------------------------------------------------------------ reading
def _decode(data: bytes) -> str:
    if data.startswith(BOM.encode("utf-8")):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # German Excel's "CSV (Trennzeichen)"


def _lines(text: str) -> Iterator[str]:
    """``text`` line by line (ends kept), each cut after MAX_LINE characters, without a copy
    of the whole (``io.StringIO`` holds four bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start : min(end, start + MAX_LINE)]
        start = end


def _read_csv(data: bytes) -> list[list[Cell]]:
    text = _decode(data)
    first = next(_lines(text), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    # At most MAX_CELLS rows, as from an XLSX sheet: reading every row first let a 20 kB ZIP
    # of 19 MB of line breaks cost the gateway 1.6 GB and 11 s before the cut. A line is read
    # up to MAX_LINE characters: one line of 19 MB of ";" made a list of 19 million cells.
    rows = csv.reader(_lines(text), delimiter=delimiter)
    return [row[:MAX_CELLS] for row in islice(rows, MAX_CELLS)]


def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _read_xlsx(data: bytes) -> list[list[Cell]]:
    try:
        if _unpacked_size(data) > MAX_UNPACKED:  # a zip bomb is refused before it is read
            raise ExchangeError(["Die XLSX-Datei ist zu groß für eine Matrix."])
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            list(row)
            for row in sheet.iter_rows(max_row=MAX_CELLS, max_col=MAX_CELLS, values_only=True)
        ]
        workbook.close()
    except ExchangeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any broken file is the person's, not a 500
        raise ExchangeError(["Die Datei lässt sich nicht als XLSX-Tabelle lesen."]) from exc
    return rows


def read_grid(filename: str, data: bytes) -> list[list[Cell]]:
    """The first sheet of an XLSX file or a CSV file (``;``, ``,`` or tab) as rows of cells."""
    if not data:
        raise ExchangeError(["Bitte eine Datei auswählen (CSV oder XLSX)."])
    if data.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(data)
    elif filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ExchangeError(["Die Datei ist keine XLSX-Tabelle (bitte als .xlsx oder .csv)."])
    else:
        rows = _read_csv(data)
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ExchangeError(["Die Datei ist leer."])
    return rows


# ------------------------------------------------------------------ matrices from a grid
def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "–", "-", "×"))


def _where(row: int, col: int) -> str:
    return f"Zeile {row + 1}, Spalte {get_column_letter(col + 1)}"


def _number(value: Cell) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    # German Excel and typed text may use the typographic minus (−3) and an explicit +3
    text = str(value).strip().replace(",", ".").replace("\u2212", "-")
    try:
        return float(text)
    except ValueError:
        return None


def _label_index(labels: Sequence[str]) -> dict[str, int]:
    """A label as written and as neutralised for a spreadsheet both name the same row."""
    index: dict[str, int] = {}
    for k, label in enumerate(labels):
        index[label] = k
        index[spreadsheet_text(label)] = k
    return index


def _match(
    found: Sequence[Cell], labels: Sequence[str], what: str, where: Callable[[int], str]
) -> tuple[list[int | None], list[str]]:
    index = _label_index(labels)
    positions: list[int | None] = []
    errors: list[str] = []
    taken: dict[int, int] = {}
    for k, cell in enumerate(found):
        if _blank(cell):
            positions.append(None)
            continue
        text = " ".join(str(cell).split())
        pos = index.get(text)
        if pos is None:
            errors.append(f"{where(k)}: „{text[:80]}“ ist {what}.")
        elif pos in taken:
            errors.append(f"{where(k)}: „{text[:80]}“ steht zweimal in der Datei.")
        else:
            taken[pos] = k
        positions.append(pos if pos is not None and taken.get(pos) == k else None)
    return positions, errors


def parse_matrix(
    grid: Sequence[Sequence[Cell]],
    labels: Sequence[str],
    scale: tuple[int, int],
    rated: Callable[[int, int], bool],
    what: str,
    symmetric: bool = False,
) -> list[list[int | None]]:
    """The matrix of a grid laid out as ``matrix_table`` writes it, in ``labels`` order.

    Row and column labels may come in any order and may be left out (their cells stay
    unrated). ``rated(i, j)`` says which cells take a value (others must be empty); values are
    whole numbers of the scale. ``symmetric``: a pair may be given in either triangle, the
    same value where both are. ``what`` completes "„X“ ist …" for an unknown label."""
    low, high = scale
    n = len(labels)
    header = list(grid[0])[1:]
    cols, errors = _match(header, labels, what, lambda k: _where(0, k + 1))
    body = list(grid[1:])
    rows, row_errors = _match(
        [r[0] if r else None for r in body], labels, what, lambda k: _where(k + 1, 0)
    )
    errors += row_errors
    out: list[list[int | None]] = [[None] * n for _ in range(n)]
    source: dict[tuple[int, int], str] = {}
    for r, (i, line) in enumerate(zip(rows, body, strict=True)):
        for c, value in enumerate(list(line)[1:]):
            if _blank(value):
                continue
            here = _where(r + 1, c + 1)
            j = cols[c] if c < len(cols) else None
            if i is None or j is None:
                errors.append(f"{here}: Wert ohne bekannte Zeile oder Spalte.")
                continue
            if not rated(i, j):
                errors.append(f"{here}: Dieses Feld wird nicht bewertet, bitte leer lassen.")
                continue
            number = _number(value)
            if number is None or not number.is_integer() or not low <= number <= high:
                errors.append(
                    f"{here}: „{str(value)[:20]}“ ist kein Wert von {low} bis {high} "
                    "(ganze Zahl, leer = nicht bewertet)."
                )
                continue
            a, b = (min(i, j), max(i, j)) if symmetric else (i, j)
            if out[a][b] is not None and out[a][b] != int(number):
                errors.append(f"{here}: weicht vom gespiegelten Feld {source[(a, b)]} ab.")
                continue
            out[a][b] = int(number)
            source[(a, b)] = here
    if errors:
        raise ExchangeError(errors)
    return out
