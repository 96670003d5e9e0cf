"""Submitted rating matrices: every misfit is named by its field path."""

from __future__ import annotations

import numpy as np
import pytest

from services.kit.errors import Invalid
from services.kit.schemas import load
from services.scenarios.matrices import (
    MatrixError,
    align,
    check_consistency,
    check_influence,
    consistency_progress,
    cross_mask,
    flatten,
    influence_progress,
    unflatten,
)
from services.scenarios.schemas import ConsistencyRatingSchema, InfluenceRatingSchema

F = ["f1", "f2", "f3"]


def test_influence_matrix_in_any_order_is_returned_with_nan_for_gaps() -> None:
    m = check_influence(["f3", "f1", "f2"], [[None, 1, 2], [3, 0, None], [0, 1, None]], F)
    assert np.isnan(m[0, 0]) and np.isnan(m[1, 1]) and np.isnan(m[1, 2])
    assert m[0, 2] == 2 and m[1, 0] == 3
    assert influence_progress(m) == {"judged": 5, "total": 6}


@pytest.mark.parametrize(
    ("ids", "matrix", "field"),
    [
        (F, [[None, 1, 2], [3, None, 1]], "matrix"),  # two rows for three factors
        (F, [[None, 1, 2], [3, None], [1, 1, None]], "matrix.1"),  # a short row
        (F, [[None, 1, 2], [3, 2, 1], [1, 1, None]], "matrix.1.1"),  # the diagonal
        (["f1", "f2", "x"], [[None] * 3] * 3, "factor_ids.2"),  # unknown factor
        (["f1", "f1", "f2"], [[None] * 3] * 3, "factor_ids.1"),  # listed twice
        (["f1", "f2"], [[None] * 2] * 2, "factor_ids"),  # one factor missing
    ],
)
def test_influence_misfits_name_the_field(ids, matrix, field) -> None:
    with pytest.raises(MatrixError) as caught:
        check_influence(ids, matrix, F)
    assert field in caught.value.fields


def test_schema_names_a_value_outside_the_scale_by_its_position() -> None:
    with pytest.raises(Invalid) as caught:
        load(InfluenceRatingSchema(), {"factor_ids": F, "matrix": [[None, 1, 4], [0, None, 1]]})
    assert list(caught.value.fields) == ["matrix.0.2"]
    with pytest.raises(Invalid) as caught:
        load(ConsistencyRatingSchema(), {"projection_ids": ["a"], "matrix": [[0, "x"]]})
    assert set(caught.value.fields) == {"matrix.0.0", "matrix.0.1"}
    with pytest.raises(Invalid) as caught:
        load(ConsistencyRatingSchema(), {"projection_ids": ["a"], "matrix": [[2.5]]})
    assert set(caught.value.fields) == {"matrix.0.0"}


PROJECTIONS = ["a1", "a2", "b1", "b2"]
FACTOR_OF = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}


def test_consistency_one_triangle_is_enough_and_is_mirrored() -> None:
    upper = [
        [None, None, 4, 2],
        [None, None, 1, 5],
        [None, None, None, None],
        [None, None, None, None],
    ]
    m = check_consistency(PROJECTIONS, upper, PROJECTIONS, FACTOR_OF)
    assert m[2, 0] == 4 and m[3, 1] == 5 and np.array_equal(np.isnan(m), np.isnan(m.T))
    cross = cross_mask([FACTOR_OF[p] for p in PROJECTIONS])
    assert consistency_progress(m, cross) == {"judged": 4, "total": 4}


def test_consistency_same_factor_and_mirror_conflicts_are_named() -> None:
    same = [[None, 3, 4, 2], [None] * 4, [None] * 4, [None] * 4]
    with pytest.raises(MatrixError) as caught:
        check_consistency(PROJECTIONS, same, PROJECTIONS, FACTOR_OF)
    assert list(caught.value.fields) == ["matrix.0.1"]
    mirror = [[None, None, 4, None], [None] * 4, [3, None, None, None], [None] * 4]
    with pytest.raises(MatrixError) as caught:
        check_consistency(PROJECTIONS, mirror, PROJECTIONS, FACTOR_OF)
    assert list(caught.value.fields) == ["matrix.0.2"]
    with pytest.raises(MatrixError) as caught:
        check_consistency(["a1", "a2", "b1", "zz"], [[None] * 4] * 4, PROJECTIONS, FACTOR_OF)
    assert list(caught.value.fields) == ["projection_ids.3"]


def test_align_maps_a_stored_matrix_onto_a_grown_factor_list() -> None:
    stored = np.array([[np.nan, 1.0], [2.0, np.nan]])
    aligned = align(["f2", "f1"], stored, ["f1", "f2", "f3"])
    assert aligned[1, 0] == 1.0 and aligned[0, 1] == 2.0
    assert np.isnan(aligned[2]).all() and np.isnan(aligned[:, 2]).all()


def test_flat_storage_round_trips() -> None:
    m = np.array([[np.nan, 1.0], [2.5, np.nan]])
    flat = flatten(m)
    assert flat == [None, 1.0, 2.5, None]
    back = unflatten(flat, 2)
    assert np.array_equal(np.isnan(back), np.isnan(m)) and back[1, 0] == 2.5
