"""Tables as German Excel opens them without a dialogue (pure: tables in, bytes out).

CSV: UTF-8 with a byte-order mark, ``;`` between cells, CRLF, a decimal comma. XLSX: a bold,
frozen header row (and label column where a table has one), an autofilter on lists. Every
export of the platform (results, matrices, runs) writes through here, so each follows the
same rules.

Texts are typed by people, and a spreadsheet runs a cell that starts with ``=``
(``=HYPERLINK(…)``, ``=cmd|…``): every text cell goes through ``spreadsheet_text`` (OWASP's
advice on CSV injection: a leading ``'``), and XLSX cells are written as strings, so no
formula is ever stored. Real numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | None
BOM = "\ufeff"
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def spreadsheet_text(value: str) -> str:
    """A text a spreadsheet shows and never runs: formula starts get a leading ``'``
    (defusedcsv does the same for CSV only; one rule here serves CSV and XLSX alike)."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    """One sheet: a header row and rows of text or numbers (None = empty)."""

    name: str
    header: list[str]
    rows: list[list[Cell]]
    freeze: str = "B2"  # the header row and the first column stay in view
    filters: bool = False  # an autofilter on the header row (lists, not matrices)
    label_column: bool = True  # the first column names its row (bold)


def _number_text(value: float) -> str:
    """A number as German Excel reads it: 2 → "2", 1.5 → "1,5" (at most three decimals)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").replace(".", ",")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float):
        return _number_text(value)
    return spreadsheet_text(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in table.header])
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


def to_xlsx(tables: Sequence[Table], title: str = "") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append([_xlsx_value(h) for h in table.header])
        for row in table.rows:
            sheet.append([_xlsx_value(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a string, whatever openpyxl guessed from the text
        if table.label_column:
            for cell in sheet["A"]:
                cell.font = Font(bold=True)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = table.freeze
        if table.filters and table.header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{sheet.max_row}"
        sheet.column_dimensions["A"].width = 36
        for k in range(2, len(table.header) + 1):
            sheet.column_dimensions[get_column_letter(k)].width = 14 if table.label_column else 22
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
