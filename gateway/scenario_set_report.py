"""The scenario set for the council as one PDF (A4, German): the published scenarios side by
side (key factor → projection), the scenario map with its legend, then each scenario on a page
of its own with its narrative and profile. Rendered by WeasyPrint like the results report
(``results_report``: its styles, map figure, legend and fetch guard are reused), from data the
gateway already has — nothing is fetched while rendering."""

from __future__ import annotations

import html
from typing import Any

from gateway.pdf_render import render_pdf
from gateway.results_report import MAP_HEADING, STYLE, _legend, _plot

OVERVIEW = "Die Szenarien im Vergleich"
NONE_YET = "Noch sind keine Szenarien veröffentlicht."
INTRO = (
    "Die Arbeitsgruppen haben Einflussfaktoren gesammelt, bewertet und daraus denkbare "
    "Zukünfte der Stadt entwickelt. Keines der Szenarien ist eine Vorhersage: Sie zeigen, "
    "worauf sich die Stadt vorbereiten kann."
)
# one scenario per page; the comparison table as wide as the page, its first column the factors
OWN_STYLE = (
    "section.scenario{break-before:page}h1{font-size:20pt}h2{font-size:15pt}"
    "p.narrative{white-space:pre-line}th[scope=row]{width:32%}"
)


def key_factors(scenarios: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(id, title) of every key factor any scenario names, in the order of their runs."""
    seen: dict[str, str] = {}
    for s in scenarios:
        for p in s["projections"]:
            seen.setdefault(p["factor_id"], p["factor_title"])
    return list(seen.items())


def _overview(scenarios: list[dict[str, Any]]) -> list[str]:
    """Key factors as rows, scenarios as columns: which projection each scenario assumes."""
    e = html.escape
    head = "".join(f"<th scope='col'>{e(s['title'])}</th>" for s in scenarios)
    rows = []
    for factor_id, factor in key_factors(scenarios):
        cells = []
        for s in scenarios:
            chosen = next((p for p in s["projections"] if p["factor_id"] == factor_id), None)
            cells.append(f"<td>{e(chosen['title']) if chosen else '–'}</td>")
        rows.append(f"<tr><th scope='row'>{e(factor)}</th>{''.join(cells)}</tr>")
    return [
        f"<h2>{OVERVIEW}</h2>",
        f"<table><thead><tr><th scope='col'>Schlüsselfaktor</th>{head}</tr></thead>",
        f"<tbody>{''.join(rows)}</tbody></table>",
    ]


def _scenario(number: int, s: dict[str, Any]) -> list[str]:
    e = html.escape
    parts = [f"<section class='scenario'><h2>Szenario {number}: {e(s['title'])}</h2>"]
    if s.get("narrative"):
        parts.append(f"<p class='narrative'>{e(s['narrative'])}</p>")
    parts.append("<h3>So sieht es in diesem Szenario aus</h3>")
    if s["projections"]:
        rows = "".join(
            f"<tr><th scope='row'>{e(p['factor_title'])}</th><td>{e(p['title'])}</td></tr>"
            for p in s["projections"]
        )
        parts.append(
            "<table><thead><tr><th scope='col'>Schlüsselfaktor</th>"
            f"<th scope='col'>Zukunftsprojektion</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        parts.append("<p>Keine Projektionen gewählt.</p>")
    parts.append("</section>")
    return parts


def to_html(
    city_name: str, scenarios: list[dict[str, Any]], map_svg: str | None, stamp: str
) -> str:
    """The document; ``scenarios``: the published ones (``list_scenarios`` views)."""
    e = html.escape
    heading = f"Zukunftsszenarien für {city_name}"
    parts = [
        "<!doctype html>",
        '<html lang="de"><head><meta charset="utf-8">',
        f"<title>{e(heading)}</title><style>{STYLE}{OWN_STYLE}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
        f"<p>Stand: {e(stamp)}</p>",
        f"<p>{INTRO}</p>",
    ]
    if not scenarios:
        parts.append(f"<p>{NONE_YET}</p>")
    else:
        parts += _overview(scenarios)
        if map_svg:
            parts.append(_plot(MAP_HEADING, map_svg, "map-"))
            parts += _legend(scenarios)
        for number, s in enumerate(scenarios, start=1):
            parts += _scenario(number, s)
    parts.append("</body></html>")
    return "\n".join(parts)


def to_pdf(
    city_name: str, scenarios: list[dict[str, Any]], map_svg: str | None, stamp: str
) -> bytes:
    """The same document as PDF (WeasyPrint, once per distinct document: ``pdf_render.py``)."""
    document = to_html(city_name, scenarios, map_svg, stamp)
    printed = html.escape(stamp)
    return render_pdf(document, stamp=printed, report=f"scenario set:{city_name}")
