"""Disputes: each rater's own value of a disputed cell or pair, and a resolved one leaves the
list and takes the facilitator's value (influence and consistency alike)."""

from __future__ import annotations

import numpy as np
import pytest

from services.scenarios.analysis import (
    consistency_overview,
    influence_overview,
    with_rater_values,
)
from services.scenarios.matrices import cross_mask


def _influence(values: dict[tuple[int, int], float]) -> np.ndarray:
    m = np.full((3, 3), np.nan)
    for (i, j), v in values.items():
        m[i, j] = v
    return m


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
def test_an_influence_dispute_shows_both_values_and_leaves_when_resolved() -> None:
    ids = ["f", "g", "h"]
    one = _influence({(0, 1): 0, (1, 2): 3, (2, 0): 1})
    two = _influence({(0, 1): 3, (1, 2): 3, (2, 0): 1})
    open_ = influence_overview(ids, [one, two]).as_dict(2, "dynamics")
    assert [(p["a"], p["b"]) for p in open_["disputed"]] == [("f", "g")]
    shown = with_rater_values(open_["disputed"], ids, {"r1": one, "r2": two}, {"r1": "Anna"})
    assert shown[0]["ratings"] == [
        {"rater": "r1", "name": "Anna", "value": 0},
        {"rater": "r2", "name": None, "value": 3},
    ]
    resolved = influence_overview(ids, [one, two], resolutions={("f", "g"): 2})
    assert resolved.as_dict(2, "dynamics")["disputed"] == []
    assert resolved.values[0, 1] == 2  # the facilitator's value replaces the mean (1.5)
    assert resolved.analysis.active[0] == 2 and open_["analysis"] is not None
    # the other direction is another cell: still the mean
    assert np.isnan(resolved.values[1, 0])


def test_a_consistency_dispute_leaves_when_resolved_in_either_order() -> None:
    ids = ["a1", "a2", "b1", "b2"]
    cross = cross_mask(["A", "A", "B", "B"])
    one = np.full((4, 4), np.nan)
    two = np.full((4, 4), np.nan)
    one[0, 2] = one[2, 0] = 1
    two[0, 2] = two[2, 0] = 5
    assert len(consistency_overview(ids, cross, [one, two], {}).as_dict()["disputed"]) == 1
    for pair in (("a1", "b1"), ("b1", "a1")):
        overview = consistency_overview(ids, cross, [one, two], {pair: 4})
        assert overview.as_dict()["disputed"] == []
        assert overview.values[0, 2] == overview.values[2, 0] == 4
