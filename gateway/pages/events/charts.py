"""Charts of a city's results, drawn here as SVG on the server (pure: no request, no RPC); each
chart has a table of the same numbers beside it on the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from gateway.pages.dialogue.base import CATEGORIES
from gateway.pages.events.base import IDEA_STATUS


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    unit: str = ""  # what is counted ("Gespräche", "Personen" …): one unit per chart


# Units a chart counts in; the chart's title names its unit so no reader compares talks with
# people on one scale.
TALKS, PEOPLE, IDEAS = "Gespräche", "Personen", "Ideen"


LINE = 20  # characters of a label line at the chart's size


def _label_lines(label: str) -> list[str]:
    """A label on one line, or on two broken at a space (German category names run long);
    only a label that is longer still is shortened, and the table beside the chart and its
    description carry it in full."""
    if len(label) <= LINE:
        return [label]
    cut = label.rfind(" ", 0, LINE + 1)
    first, rest = (label[:cut], label[cut + 1 :]) if cut > 0 else (label[:LINE], label[LINE:])
    return [first, rest if len(rest) <= LINE else rest[: LINE - 1] + "…"]


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart as inline SVG: role img, its title and a summary as description.

    The numbers are also printed at each bar, and the page shows them as a table as well, so
    nothing is only in the picture.
    """
    # Narrow on purpose: on a 360 px phone the text stays about as large as the page's own.
    labels = [_label_lines(b.label) for b in bars]
    row = 44 if any(len(lines) > 1 for lines in labels) else 30
    label_width, bar_width, pad = 150, 170, 8
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
    for index, (bar, lines) in enumerate(zip(bars, labels, strict=True)):
        y = pad / 2 + index * row
        middle = y + row / 2 + 5
        length = round(bar_width * bar.value / top) if bar.value else 0
        first = middle - 8 * (len(lines) - 1)  # two lines sit around the bar's middle
        spans = "".join(
            f'<tspan x="{label_width - 8}" y="{first + 16 * k:.0f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="end" class="chart__label">{spans}</text>'
            f'<rect x="{label_width}" y="{y + 4:.0f}" width="{max(length, 2)}" '
            f'height="{row - 10}" class="chart__bar"></rect>'
            f'<text x="{label_width + max(length, 2) + 6}" y="{middle:.0f}" '
            f'class="chart__value">{bar.value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Chart:
    """A chart of one unit: every bar counts the same thing, shown in the title ("… (Anzahl
    Personen)"); a bar of another unit is refused, so counts never share a scale with people."""

    id: str
    title: str
    bars: list[Bar]
    unit: str = ""

    def __post_init__(self) -> None:
        units = {b.unit or self.unit for b in self.bars}
        if units - {self.unit}:
            raise ValueError(f"chart {self.id} mixes units: {sorted(units)}")

    @property
    def measure(self) -> str:
        """What the bars count, in the page's language (the table's number column)."""
        names = {
            TALKS: _("Anzahl Gespräche"),
            PEOPLE: _("Anzahl Personen"),
            IDEAS: _("Anzahl Ideen"),
        }
        return names.get(self.unit, _("Anzahl"))

    @property
    def heading(self) -> str:
        """The title with its unit, e.g. "Tischgespräche (Anzahl Gespräche)"."""
        return f"{self.title} ({self.measure})" if self.unit else self.title

    @property
    def svg(self) -> Markup:
        return bar_chart(self.id, self.heading, self.bars)


def _of(unit: str, bars: list[Bar]) -> list[Bar]:
    return [Bar(b.label, b.value, unit) for b in bars]


def result_charts(results: dict[str, Any]) -> list[Chart]:
    talks, ideas, topics = results["talks"], results["ideas"], results["topics"]
    items = topics.get("items") or []
    charts = [
        Chart(
            "chart-talks",
            _("Tischgespräche"),
            _of(
                TALKS,
                [
                    Bar(_("geplant"), talks["planned"]),
                    Bar(_("geführt"), talks["held"]),
                    Bar(_("abgesagt"), talks["cancelled"]),
                ],
            ),
            TALKS,
        ),
        # people apart from talks: 14 participants beside 3 talks on one scale misleads
        Chart(
            "chart-participants",
            _("Teilnehmende an Tischgesprächen"),
            _of(
                PEOPLE,
                [Bar(_("alle geführten Gespräche"), talks["participants"])]
                + [Bar(t["title"] or _("Thema ohne Titel"), t["participants"]) for t in items],
            ),
            PEOPLE,
        ),
        Chart(
            "chart-status",
            _("Projektideen nach Status"),
            _of(IDEAS, [Bar(_(IDEA_STATUS.get(k, k)), v) for k, v in ideas["by_status"].items()]),
            IDEAS,
        ),
    ]
    if ideas["by_category"]:
        charts.append(
            Chart(
                "chart-category",
                _("Projektideen nach Kategorie"),
                _of(
                    IDEAS,
                    [Bar(_unknown(k, CATEGORIES), v) for k, v in ideas["by_category"].items()],
                ),
                IDEAS,
            )
        )
    if ideas["by_district"]:
        charts.append(
            Chart(
                "chart-district",
                _("Projektideen nach Stadtteil"),
                _of(IDEAS, [Bar(_unknown(k), v) for k, v in ideas["by_district"].items()]),
                IDEAS,
            )
        )
    if items:
        charts.append(
            Chart(
                "chart-topics",
                _("Geführte Gespräche je Thema"),
                _of(
                    TALKS,
                    [Bar(t["title"] or _("Thema ohne Titel"), t["talks_held"]) for t in items],
                ),
                TALKS,
            )
        )
    return charts


def _unknown(key: str, names: dict[str, str] | None = None) -> str:
    """A district as typed, or a code (category) in the page's language; "unknown" in words."""
    if key == "unknown":
        return _("ohne Angabe")
    return _(names[key]) if names and key in names else key
