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
