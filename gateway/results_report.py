"""The results as a printable report (A4, no scripts): the same German tables as the
spreadsheets (``results_export.tables``), one section each, stamped in German local time."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from gateway.pages.events.base import ORGANISATION_KINDS
from gateway.pdf_render import render_pdf
from gateway.results_export import Extras, stamp, tables, title
from gateway.results_scenarios import ASSESSMENTS
from gateway.spreadsheets import Cell, Table

UNAVAILABLE = "nicht verfügbar"
HIDDEN = (
    "Die Bewertungen gehören bis zum Ende der Transferphase der Arbeitsgruppe; danach stehen "
    "sie hier."
)
MAP_HEADING = "Szenariokarte: wie ähnlich sich die möglichen Zukünfte sind"
PORTFOLIO_HEADING = "Szenario-Portfolio: Wahrscheinlichkeit und Auswirkung im Mittel"
# WeasyPrint styles an inline SVG only from a <style> inside it; a smaller type than on the site
# keeps long labels ("nicht weiterverfolgt") inside the label column in the PDF's font.
SVG_STYLE = (
    "<style>.chart__bar{fill:#1a4a8a}"
    ".chart__label,.chart__value{fill:#171a1c;font-size:12px;font-family:sans-serif}</style>"
)


@dataclass(frozen=True)
class Phases:
    """What a city's report shows beyond the spreadsheets' tables, phase by phase (None: the
    service did not answer, and the section says so instead of failing)."""

    working_groups: list[dict[str, Any]] | None = None
    charts: list[tuple[str, str]] = field(default_factory=list)  # (heading with unit, SVG)
    scenario_map: str | None = None  # the published scenarios' map (SVG), None: none yet


STYLE = (
    "@page{size:A4;margin:18mm}body{font-family:sans-serif;font-size:11pt}"
    # a long table runs over pages (its header repeated), only a row stays whole
    "table{border-collapse:collapse;width:100%;margin-bottom:1.2em}tr{break-inside:avoid}"
    # wide tables (next steps: eight columns) stay inside A4: smaller type, German hyphenation
    "th,td{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:top;"
    "font-size:9.5pt;hyphens:auto;overflow-wrap:break-word}"
    "td.n{text-align:right}h2{break-after:avoid}"
    # the page's SVG charts (gateway/pages/events/charts.py), styled as on the site
    "figure{margin:0 0 1em;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:.3em}"
    ".chart{width:12cm;height:auto}"
    # the scenario phase's drawings (640 × 480 units) fill the width of A4 inside the margins
    "figure.plot svg{width:100%;max-width:16cm;height:auto}.chart{max-width:100%}"
    ".legend{margin:-.5em 0 1em}"
    # on a screen (the HTML version on a phone): a readable column, wide tables scroll inside
    # their own focusable region rather than the page
    "@media screen{body{max-width:62rem;margin:1rem auto;padding:0 1rem}"
    ".table-scroll{overflow-x:auto}}"
)


def _cell(value: Cell, tag: str = "td") -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<{tag} class='n'>{value:n}</{tag}>".replace(".", ",")
    return f"<{tag}>{html.escape(str(value or ''))}</{tag}>"


def _section(table: Table) -> list[str]:
    parts = [f"<h2>{html.escape(table.name)}</h2>"]
    if not table.rows:
        return [*parts, "<p>Noch keine Einträge.</p>"]
    name = html.escape(table.name)
    parts.append(f"<div class='table-scroll' role='region' tabindex='0' aria-label='{name}'>")
    parts.append("<table><thead><tr>")
    parts.append("".join(f"<th>{html.escape(h)}</th>" for h in table.header))
    parts.append("</tr></thead>")
    parts.extend("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
    parts.append("</table></div>")
    return parts


def _working_groups(groups: list[dict[str, Any]]) -> Table:
    """The working groups' composition: members who joined, counted by kind of organisation
    (no names, no e-mail addresses), and whether every kind sits at the table."""
    header = ["Arbeitsgruppe", *ORGANISATION_KINDS.values(), "Alle vertreten"]
    rows: list[list[Cell]] = [
        [
            g.get("name") or "Arbeitsgruppe",
            *(int(g.get("composition", {}).get(k, 0)) for k in ORGANISATION_KINDS),
            "ja" if g.get("formed") else "nein",
        ]
        for g in groups
    ]
    return Table("Arbeitsgruppen", header, rows, "A2", True, False)


def _unavailable(name: str) -> list[str]:
    return [f"<h2>{html.escape(name)}</h2>", f"<p>{UNAVAILABLE.capitalize()}.</p>"]


def _plot(heading: str, svg: str, prefix: str) -> str:
    """A drawing of the scenarios service (services/scenarios/plots.py: texts escaped there) in
    a figure; its title and description ids made unique in the page."""
    svg = svg.replace("id='t'", f"id='{prefix}t'").replace("id='d'", f"id='{prefix}d'")
    svg = svg.replace("aria-labelledby='t d'", f"aria-labelledby='{prefix}t {prefix}d'")
    return f"<figure class='plot'><figcaption>{html.escape(heading)}</figcaption>{svg}</figure>"


def _legend(scenarios: list[dict[str, Any]] | None) -> list[str]:
    """Which scenario each marked point of the map is (1, 2 …: the raw scenarios of the run the
    latest published scenario was written from, the run the map is drawn of). The map's large
    points carry the bare number; the legend said "R1", a name found nowhere on the map."""
    published = [s for s in scenarios or [] if s.get("status", "published") == "published"]
    published = [s for s in published if s.get("run_id")]  # imported ones are not on the map
    if not published:
        return []
    latest = max(published, key=lambda s: (s.get("published_at") or "", s.get("id") or ""))
    named = sorted(
        (s["cluster"], s.get("title") or "Szenario")
        for s in published
        if s.get("run_id") == latest.get("run_id") and s.get("cluster") is not None
    )
    items = "".join(f"<li>Punkt {n}: {html.escape(title)}</li>" for n, title in named)
    return [
        f"<p class='legend'>Die markierten Punkte der Karte:</p><ul class='legend'>{items}</ul>"
    ]


def _scenario_phase(table: Table, extras: Extras, phases: Phases | None) -> list[str]:
    """What follows a scenario phase table: the map under the scenarios, the portfolio map
    under their assessments."""
    if table.name == "Szenarien" and phases is not None and phases.scenario_map:
        return [_plot(MAP_HEADING, phases.scenario_map, "karte-"), *_legend(extras.scenarios)]
    if table.name == ASSESSMENTS and extras.assessments and extras.assessments.get("map_svg"):
        return [_plot(PORTFOLIO_HEADING, extras.assessments["map_svg"], "portfolio-")]
    return []


def _assessments_missing(extras: Extras) -> list[str]:
    if extras.assessments_hidden:
        return [f"<h2>{ASSESSMENTS}</h2>", f"<p>{HIDDEN}</p>"]
    return _unavailable(ASSESSMENTS)


def _sections(results: dict[str, Any], extras: Extras | None, phases: Phases | None) -> list[str]:
    """The tables in the order of the dialogue's phases: working groups, scenarios (with the
    scenario map) and their assessments, topics and talks, ideas and next steps, closing
    events."""
    sheets = tables(results, extras)
    parts = _section(sheets[0])  # the overview first
    if phases is not None and phases.charts:
        parts.append("<h2>In Grafiken</h2>")
        parts += [
            f"<figure><figcaption>{html.escape(heading)}</figcaption>"
            f"{svg.replace('<title', SVG_STYLE + '<title', 1)}</figure>"
            for heading, svg in phases.charts  # svg: drawn by bar_chart, its texts escaped
        ]
    if phases is not None:
        groups = phases.working_groups
        parts += (
            _unavailable("Arbeitsgruppen") if groups is None else _section(_working_groups(groups))
        )
        if extras is not None and extras.scenarios is None:
            parts += _unavailable("Szenarien")
            if extras.assessments is None:
                parts += _assessments_missing(extras)
    for table in sheets[1:]:
        parts.extend(_section(table))
        if extras is not None:
            parts += _scenario_phase(table, extras, phases)
            if table.name == "Szenarien" and extras.assessments is None and phases is not None:
                parts += _assessments_missing(extras)
    return parts


def to_html(
    results: dict[str, Any], extras: Extras | None = None, phases: Phases | None = None
) -> str:
    e = html.escape
    heading = f"{title(results)}: Ergebnisse"
    parts = [
        "<!doctype html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(heading)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
        f"<p>Stand: {e(stamp(results))}</p>",
    ]
    parts += _sections(results, extras, phases)
    parts.append("</body></html>")
    return "\n".join(parts)


def to_pdf(
    results: dict[str, Any], extras: Extras | None = None, phases: Phases | None = None
) -> bytes:
    """The same report as PDF (A4), rendered by WeasyPrint from ``to_html`` (once per distinct
    report, whatever minute its stamp says: ``gateway/pdf_render.py``)."""
    report = f"results:{results.get('city') or results.get('year')}"
    printed = html.escape(stamp(results))  # in "Stand: …" and in the overview's "Zahlen vom"
    return render_pdf(to_html(results, extras, phases), stamp=printed, report=report)
