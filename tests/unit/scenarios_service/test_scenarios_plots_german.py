"""The scenario drawings are read by citizens: every text in them is German, in plain words,
without English glosses or the names of methods ("MDS")."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from services.scenarios import plots

ENGLISH = re.compile(
    r"\b(axis|scenario map|active|passive|sum|grid|likelihood|impact|portfolio|explained|"
    r"empty)\b|MDS|\([a-z ]+\)",
)


def _texts(svg: str) -> list[str]:
    return [t.strip() for t in ET.fromstring(svg).itertext() if t.strip()]


def test_every_text_of_the_drawings_is_german() -> None:
    drawings = [
        plots.system_grid(
            [{"title": "Mieten", "active_sum": 5, "passive_sum": 2, "role": "active"}], 3, 3
        ),
        plots.scenario_map(
            [
                {"rank": 1, "x": 0.0, "y": 0.0, "cluster": 1},
                {"rank": 2, "x": 1, "y": 1, "cluster": 1},
            ],
            [{"cluster": 1, "medoid": 1}],
            0.63,
        ),
        plots.portfolio_map(
            [{"title": "Kurze Wege", "likelihood": 4, "impact": 2, "desirability": 5}]
        ),
        plots.portfolio_map([]),
    ]
    for svg in drawings:
        for text in _texts(svg):
            assert not ENGLISH.search(text), text
    scenario_map = drawings[1]
    assert "Nah beieinander: ähnliche Zukünfte" in scenario_map
    assert "zeigt 63\u202f% der Unterschiede" in scenario_map
    assert "<title id='t'>Szenariokarte</title>" in scenario_map


def test_the_portfolio_numbers_its_scale_and_keeps_labels_of_one_spot_apart() -> None:
    alike = [
        {"title": title, "likelihood": 3.5, "impact": 3.5, "desirability": 2.5}
        for title in ("Grüne Mitte", "Wachstum am Rand")
    ]
    root = ET.fromstring(plots.portfolio_map(alike))
    texts = {t.text: t for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"1", "2", "3", "4", "5"} <= set(texts)  # the 1-to-5 scale, not 0.84 … 5.16
    first, second = (float(texts[t].get("y")) for t in ("Grüne Mitte", "Wachstum am Rand"))
    assert abs(first - second) >= 13  # one under the other, readable
    grid = plots.system_grid(
        [{"title": "Mieten", "active_sum": 1.5, "passive_sum": 2.25, "role": "active"}], 1, 2
    )
    ticks = [t for t in _texts(grid) if re.fullmatch(r"[0-9.,]+", t)]  # the axes' numbers
    assert ticks and all("." not in t for t in ticks)  # German decimal commas
