"""Charts of a city's results, drawn here as SVG on the server (pure: no request, no RPC); each
chart has a table of the same numbers beside it on the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from gateway.pages.events.base import IDEA_STATUS


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart as inline SVG: role img, its title and a summary as description.

    The numbers are also printed at each bar, and the page shows them as a table as well, so
    nothing is only in the picture.
    """
    # Narrow on purpose: on a 360 px phone the text stays about as large as the page's own.
    row, label_width, bar_width, pad = 30, 150, 170, 8
    height = max(len(bars), 1) * row + pad
    width = label_width + bar_width + 50
    top = max((b.value for b in bars), default=0) or 1
    summary = "; ".join(f"{b.label}: {b.value}" for b in bars) or _("Noch keine Zahlen.")
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = pad / 2 + index * row
        length = round(bar_width * bar.value / top) if bar.value else 0
        # 18 characters fit the label column (a longer topic title lost its first letters).
        label = bar.label if len(bar.label) <= 18 else bar.label[:17] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 5:.0f}" text-anchor="end" '
            f'class="chart__label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4:.0f}" width="{max(length, 2)}" '
            f'height="{row - 10}" class="chart__bar"></rect>'
            f'<text x="{label_width + max(length, 2) + 6}" y="{y + row / 2 + 5:.0f}" '
            f'class="chart__value">{bar.value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]

    @property
    def svg(self) -> Markup:
        return bar_chart(self.id, self.title, self.bars)


def result_charts(results: dict[str, Any]) -> list[Chart]:
    talks, ideas, topics = results["talks"], results["ideas"], results["topics"]
    charts = [
        Chart(
            "chart-talks",
            _("Tischgespräche"),
            [
                Bar(_("geplant"), talks["planned"]),
                Bar(_("geführt"), talks["held"]),
                Bar(_("abgesagt"), talks["cancelled"]),
                Bar(_("Teilnehmende"), talks["participants"]),
            ],
        ),
        Chart(
            "chart-status",
            _("Projektideen nach Status"),
            [Bar(_(IDEA_STATUS.get(k, k)), v) for k, v in ideas["by_status"].items()],
        ),
    ]
    if ideas["by_category"]:
        charts.append(
            Chart(
                "chart-category",
                _("Projektideen nach Kategorie"),
                [Bar(_unknown(k), v) for k, v in ideas["by_category"].items()],
            )
        )
    if ideas["by_district"]:
        charts.append(
            Chart(
                "chart-district",
                _("Projektideen nach Stadtteil"),
                [Bar(_unknown(k), v) for k, v in ideas["by_district"].items()],
            )
        )
    if topics.get("items"):
        charts.append(
            Chart(
                "chart-topics",
                _("Geführte Gespräche je Thema"),
                [
                    Bar(t["title"] or _("Thema ohne Titel"), t["talks_held"])
                    for t in topics["items"]
                ],
            )
        )
    return charts


def _unknown(key: str) -> str:
    return _("ohne Angabe") if key == "unknown" else key
