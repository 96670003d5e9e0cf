"""The demo's scenario project (gateway/demo/scenario_data.py) gives a meaningful run: the
matrices are well formed, and the engine with the run settings the demo uses finds three raw
scenarios whose strongest bundles are the three pictures of the city's future."""

from __future__ import annotations

import numpy as np

from gateway.demo import scenario_data as data
from gateway.demo.wiesenbrueck import RUN
from services.scenarios.engine import clustering, consistency
from services.scenarios.engine.io import consistency_model_from_dict

ORDER = [(f, title, pictures) for f in data.KEY_FACTORS for title, pictures in data.PROJECTIONS[f]]


def _model(second_rater: bool) -> consistency.ConsistencyModel:
    matrix = data.consistency_matrix(ORDER, second_rater=second_rater)
    filled = [[3 if v is None else v for v in row] for row in matrix]  # own blocks: ignored
    key_factors = [
        {"id": f, "projections": [t for t, _ in data.PROJECTIONS[f]]} for f in data.KEY_FACTORS
    ]
    return consistency_model_from_dict({"key_factors": key_factors, "matrix": filled})


def test_the_ratings_are_well_formed() -> None:
    assert 10 <= len(data.FACTORS) <= 14 and 5 <= len(data.KEY_FACTORS) <= 6
    for second in (False, True):
        influence = np.array(data.influence_matrix(second), dtype=float)
        assert influence.shape == (len(data.FACTORS),) * 2
        assert np.isnan(np.diag(influence)).all()
        off = influence[~np.eye(len(data.FACTORS), dtype=bool)]
        assert ((off >= 0) & (off <= 3)).all()
        matrix = np.array(data.consistency_matrix(ORDER, second), dtype=float)
        cross = np.array([[a[0] != b[0] for b in ORDER] for a in ORDER])
        assert np.isnan(matrix[~cross]).all() and not np.isnan(matrix[cross]).any()
        assert (matrix[cross] >= 1).all() and (matrix[cross] <= 5).all()
        assert np.array_equal(np.nan_to_num(matrix), np.nan_to_num(matrix.T))  # symmetric
    # The two members disagree a little, never so much that a pair would be disputed.
    first, second = (np.array(data.influence_matrix(s), dtype=float) for s in (False, True))
    assert np.nansum(first != second) > 0 and np.nanmax(np.abs(first - second)) == 1


def test_the_run_finds_the_three_pictures() -> None:
    for second in (False, True):
        model = _model(second)
        best = consistency.search_bundles(model, top=RUN["top"], max_partial=RUN["max_partial"])
        found = clustering.cluster_bundles(
            best.bundles, method="average", n_clusters=RUN["n_clusters"]
        )
        pictures = set()
        for cluster in range(1, RUN["n_clusters"] + 1):
            strongest = best.bundles[min(np.flatnonzero(found.labels == cluster))]
            shown = [
                data.PROJECTIONS[f][int(v)][1]
                for f, v in zip(data.KEY_FACTORS, strongest, strict=True)
            ]
            # Every projection of the profile belongs to one and the same picture.
            common = set.intersection(*(set(p) for p in shown))
            assert len(common) >= 1, shown
            pictures |= common
        assert pictures >= {"A", "B", "C"}
        assert set(data.SCENARIOS) == {"A", "B", "C"}
