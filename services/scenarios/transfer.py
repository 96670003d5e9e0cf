"""Transfer: assessment criteria and the aggregated scenario portfolio (pure).

Working-group members rate each published scenario on a 1–5 scale per criterion: the three
base criteria (how likely it is, how desirable, how strongly it would change the city) and
any criteria the city's plugins add. The portfolio shows per scenario and criterion the mean,
the median, the spread and how many rated; its map places each scenario by likelihood (x)
and impact (y), desirability as colour. Scenarios that are likely and strong in impact are
where the city must prepare ("prepare"); unlikely but strong ones are watched ("watch").
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SCALE = (1, 5)
MIDPOINT = 3.0
BASE_CRITERIA: tuple[dict[str, str], ...] = (
    {
        "id": "likelihood",
        "title_de": "Wahrscheinlichkeit",
        "title_en": "Likelihood",
        "description_de": "Wie wahrscheinlich ist es, dass es in unserer Stadt so kommt?",
        "description_en": "How likely is it that things turn out like this in our city?",
    },
    {
        "id": "desirability",
        "title_de": "Wünschbarkeit",
        "title_en": "Desirability",
        "description_de": "Wie wünschenswert wäre diese Zukunft für unsere Stadt?",
        "description_en": "How desirable would this future be for our city?",
    },
    {
        "id": "impact",
        "title_de": "Auswirkung auf die Stadt",
        "title_en": "Impact on the city",
        "description_de": "Wie stark würde dieses Szenario das Leben in der Stadt verändern?",
        "description_en": "How strongly would this scenario change life in the city?",
    },
)
REQUIRED = tuple(c["id"] for c in BASE_CRITERIA)


def criteria(plugin_criteria: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The base criteria followed by the plugins' (each with ``source``)."""
    out = [{**c, "source": "base", "required": True} for c in BASE_CRITERIA]
    for c in plugin_criteria:
        out.append(
            {
                "id": c["id"],
                "title_de": c["title_de"],
                "title_en": c["title_en"],
                "description_de": c.get("description_de"),
                "description_en": c.get("description_en"),
                "source": c["plugin"],
                "required": False,
            }
        )
    return out


def check_ratings(ratings: Mapping[str, int], known: Sequence[str]) -> dict[str, list[str]]:
    """Unknown criteria and missing base criteria, named ``ratings.<criterion>``."""
    errors: dict[str, list[str]] = {}
    for key in ratings:
        if key not in known:
            errors[f"ratings.{key}"] = ["Unknown criterion."]
    for key in REQUIRED:
        if key not in ratings:
            errors[f"ratings.{key}"] = ["Missing data for required field."]
    return errors


def _summary(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "mean": None, "median": None, "min": None, "max": None}
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 3),
        "median": float(statistics.median(values)),
        "min": min(values),
        "max": max(values),
    }


def quadrant(likelihood: float | None, impact: float | None) -> str | None:
    if likelihood is None or impact is None:
        return None
    if impact >= MIDPOINT:
        return "prepare" if likelihood >= MIDPOINT else "watch"
    return "monitor" if likelihood >= MIDPOINT else "note"


def portfolio(
    scenarios: Sequence[Mapping[str, Any]],
    assessments: Iterable[Mapping[str, Any]],
    criterion_ids: Sequence[str],
) -> list[dict[str, Any]]:
    """Per scenario (``{"id", "title"}``): summaries per criterion, position and quadrant.

    ``assessments``: ``{"scenario_id", "ratings": {criterion: value}}``; ratings of criteria
    no longer offered (a plugin was disabled) are left out."""
    by_scenario: dict[str, dict[str, list[int]]] = {s["id"]: {} for s in scenarios}
    raters: dict[str, int] = dict.fromkeys(by_scenario, 0)
    for a in assessments:
        values = by_scenario.get(a["scenario_id"])
        if values is None:
            continue
        raters[a["scenario_id"]] += 1
        for key, value in a["ratings"].items():
            if key in criterion_ids:
                values.setdefault(key, []).append(int(value))
    out = []
    for s in scenarios:
        summaries = {c: _summary(by_scenario[s["id"]].get(c, [])) for c in criterion_ids}
        x = summaries.get("likelihood", {}).get("mean")
        y = summaries.get("impact", {}).get("mean")
        out.append(
            {
                "scenario_id": s["id"],
                "title": s["title"],
                "raters": raters[s["id"]],
                "criteria": summaries,
                "position": {
                    "likelihood": x,
                    "impact": y,
                    "desirability": summaries.get("desirability", {}).get("mean"),
                },
                "quadrant": quadrant(x, y),
            }
        )
    return out
