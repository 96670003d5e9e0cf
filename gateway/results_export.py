"""Results as CSV, XLSX and a printable HTML report (pure: the results dict in, bytes out).

Every export is made from the same rows (``summary_rows``), so the numbers in a spreadsheet
are by construction the numbers of the JSON document; a test opens the XLSX to check it.
Labels are German first, English second, as everything a person reads.

Titles and districts are typed by people, and a spreadsheet runs a cell that starts with
``=`` (``=HYPERLINK(…)``, ``=cmd|…``): every text cell goes through ``spreadsheet_text``
(OWASP's advice on CSV injection: a leading ``'``), and XLSX cells are written as strings,
so no formula is ever stored. Real numbers stay numbers.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

Row = tuple[str, str, str, int]  # (section, key, "Deutsch / English", value)

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def spreadsheet_text(value: str) -> str:
    """A text a spreadsheet shows and never runs: formula starts get a leading ``'``
    (defusedcsv does the same for CSV only; one rule here serves CSV and XLSX alike)."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _cells(row: Iterable[Any]) -> list[Any]:
    return [spreadsheet_text(v) if isinstance(v, str) else v for v in row]


LABELS: dict[tuple[str, str], str] = {
    ("talks", "planned"): "Geplante Tischgespräche / Planned table talks",
    ("talks", "cancelled"): "Abgesagte Tischgespräche / Cancelled table talks",
    ("talks", "held"): "Geführte Gespräche / Talks held",
    ("talks", "documentations"): "Dokumentationen / Documentations",
    ("talks", "participants"): "Teilnehmende / Participants",
    ("talks", "scenario_conversations"): "Gespräche in der Szenarienphase / Scenario conversations",
    ("topics", "deep_dive_published"): "Vertiefungsthemen / Deep-dive topics published",
    ("topics", "own_proposed"): "Eigene Themen / Citizens' own topics",
    ("topics", "covered"): "Besprochene Themen / Topics covered",
    ("ideas", "total"): "Projektideen / Project ideas",
    ("ideas", "supports"): "Unterstützungen / Supports",
    ("ideas", "helpers"): "Mitmachende / Helpers signed up",
    ("closing", "events"): "Abschlussveranstaltungen / Closing events",
    ("closing", "capacity"): "Plätze / Places",
    ("closing", "confirmed"): "Angemeldete / Registrations confirmed",
    ("closing", "waiting"): "Warteliste / Waiting list",
    ("closing", "ideas_with_next_steps"): "Ideen mit nächsten Schritten / Ideas with next steps",
}
SECTIONS: dict[str, str] = {
    "talks": "Tischgespräche / Table talks",
    "topics": "Themen / Topics",
    "ideas": "Projektideen / Project ideas",
    "closing": "Abschluss / Closing",
    "ideas.by_status": "Ideen nach Status / Ideas by status",
    "ideas.by_category": "Ideen nach Kategorie / Ideas by category",
    "ideas.by_district": "Ideen nach Stadtteil / Ideas by district",
    "closing.next_steps": "Nächste Schritte / Next steps",
}
GROUPS: dict[str, str] = {
    "by_status": "Ideen nach Status / Ideas by status",
    "by_category": "Ideen nach Kategorie / Ideas by category",
    "by_district": "Ideen nach Stadtteil / Ideas by district",
    "next_steps": "Nächste Schritte nach Status / Next steps by status",
}


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """Every number of a results document as (section, key, label, value)."""
    rows: list[Row] = []
    for (section, key), label in LABELS.items():
        if section in results and key in results[section]:
            rows.append((section, key, label, int(results[section][key])))
    for section, group in (
        ("ideas", "by_status"),
        ("ideas", "by_category"),
        ("ideas", "by_district"),
        ("closing", "next_steps"),
    ):
        for key, value in (results.get(section, {}).get(group) or {}).items():
            rows.append((f"{section}.{group}", key, f"{GROUPS[group]}: {key}", int(value)))
    return rows


def _title(results: dict[str, Any]) -> str:
    if "year" in results:
        return f"Stadtdialog Jahrgang {results['year']} / Cohort {results['year']}"
    return f"Stadtdialog {results.get('name') or results.get('city')}"


def to_csv(results: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "label", "value"])
    writer.writerows(_cells(row) for row in summary_rows(results))
    for topic in results.get("topics", {}).get("items", []):
        writer.writerow(
            _cells(["topics.items", topic["topic_id"], topic["title"] or "", topic["talks_held"]])
        )
    for city in results.get("cities", []):
        for key, value in city.items():
            if key != "city":
                writer.writerow(_cells([f"cities.{city['city']}", key, "", value]))
    return out.getvalue()


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string, whatever openpyxl guessed from the text
    for column, width in zip("ABCDEFGH", (28, 40, 16, 16, 16, 16, 16, 16), strict=False):
        sheet.column_dimensions[column].width = width


def to_xlsx(results: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "Summary",
        ["section", "key", "Kennzahl / metric", "Wert / value"],
        [list(row) for row in summary_rows(results)],
    )
    topics = results.get("topics", {}).get("items", [])
    _sheet(
        workbook,
        "Topics",
        ["topic_id", "Thema / topic", "Gespräche / talks held", "Teilnehmende / participants"],
        [[t["topic_id"], t["title"] or "", t["talks_held"], t["participants"]] for t in topics],
    )
    ideas = results.get("ideas", {}).get("most_supported", [])
    _sheet(
        workbook,
        "Ideas",
        [
            "idea_id",
            "Idee / idea",
            "Kategorie",
            "Stadtteil",
            "Status",
            "Unterstützung",
            "Mitmachende",
        ]
        + (["city"] if "year" in results else []),
        [
            [i["idea_id"], i["title"] or "", i["category"], i["district"], i["status"]]
            + [i["supports"], i["helpers"]]
            + ([i["city"]] if "year" in results else [])
            for i in ideas
        ],
    )
    if results.get("cities"):
        keys = [k for k in results["cities"][0] if k != "city"]
        _sheet(
            workbook,
            "Cities",
            ["city", *keys],
            [[c["city"], *(c[k] for k in keys)] for c in results["cities"]],
        )
    workbook.properties.title = _title(results)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_html(results: dict[str, Any]) -> str:
    """A printable report (A4, no scripts): headline numbers, topics, most supported ideas."""
    e = html.escape
    title = _title(results)
    sections: dict[str, list[Row]] = {}
    for row in summary_rows(results):
        sections.setdefault(row[0], []).append(row)
    parts = [
        "<!doctype html>",
        '<html lang="de"><head><meta charset="utf-8">',
        f"<title>{e(title)} – Ergebnisse / Results</title>",
        "<style>@page{size:A4;margin:18mm}body{font-family:sans-serif;font-size:11pt}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.2em}"
        "th,td{border:1px solid #999;padding:3px 6px;text-align:left}"
        "td.n{text-align:right}h2{break-after:avoid}table{break-inside:avoid}</style>",
        "</head><body>",
        f"<h1>{e(title)}: Ergebnisse <span lang='en'>/ Results</span></h1>",
        f"<p>Stand / as of {e(str(results.get('generated_at', '')))}</p>",
    ]
    for section, rows in sections.items():
        parts.append(f"<h2>{e(SECTIONS.get(section, section))}</h2><table>")
        parts.extend(f"<tr><td>{e(r[2])}</td><td class='n'>{r[3]}</td></tr>" for r in rows)
        parts.append("</table>")
    topics = results.get("topics", {}).get("items", [])
    if topics:
        parts.append("<h2>Themen / Topics</h2><table><tr><th>Thema</th><th>Gespräche</th>")
        parts.append("<th>Teilnehmende</th></tr>")
        parts.extend(
            f"<tr><td>{e(t['title'] or t['topic_id'])}</td><td class='n'>{t['talks_held']}</td>"
            f"<td class='n'>{t['participants']}</td></tr>"
            for t in topics
        )
        parts.append("</table>")
    ideas = results.get("ideas", {}).get("most_supported", [])
    if ideas:
        parts.append("<h2>Meistunterstützte Ideen / Most supported ideas</h2><table>")
        parts.append(
            "<tr><th>Idee</th><th>Status</th><th>Unterstützung</th><th>Mitmachende</th></tr>"
        )
        parts.extend(
            f"<tr><td>{e(i['title'] or i['idea_id'])}</td><td>{e(i['status'])}</td>"
            f"<td class='n'>{i['supports']}</td><td class='n'>{i['helpers']}</td></tr>"
            for i in ideas
        )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
