"""Raw scenarios (clustering, profiles) and the MDS scenario map."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist, squareform

from services.scenarios.engine.clustering import (
    cluster_bundles,
    cut_exact,
    hamming_matrix,
    raw_scenarios,
    silhouette,
)
from services.scenarios.engine.consistency import search_bundles
from services.scenarios.engine.reference import random_consistency_model
from services.scenarios.engine.scenario_map import classical_mds

TWO_GROUPS = np.array(
    [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 0],
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 1],
        [1, 1, 1, 1, 1, 0],
    ]
)


def test_hamming_matrix():
    d = hamming_matrix(TWO_GROUPS)
    assert d[0, 3] == 1.0 and d[0, 1] == pytest.approx(1 / 6) and np.allclose(d, d.T)
    w = hamming_matrix(TWO_GROUPS, weights=[1, 1, 1, 1, 2, 0])
    assert w[0, 1] == 0.0 and w[0, 2] == pytest.approx(2 / 6)


@pytest.mark.parametrize("method", ["average", "complete", "single", "weighted", "ward"])
def test_two_obvious_clusters(method):
    c = cluster_bundles(TWO_GROUPS, method=method, max_k=4)
    assert c.suggested_k == 2
    assert c.labels.tolist() == [1, 1, 1, 2, 2, 2]
    assert c.silhouette > 0.7
    dendro = c.dendrogram()
    assert len(dendro) == 5 and dendro[-1]["size"] == 6
    assert [r["height"] for r in dendro] == sorted(r["height"] for r in dendro)
    by_height = cluster_bundles(TWO_GROUPS, method=method, height=0.5)
    assert by_height.labels.tolist() == [1, 1, 1, 2, 2, 2]


def test_silhouette_matches_definition():
    x = np.array([[0.0], [0.1], [1.0], [1.2], [3.0]])
    d = squareform(pdist(x))
    labels = np.array([1, 1, 2, 2, 3])
    a0, b0 = 0.1, min((1.0 + 1.2) / 2, 3.0)
    expected0 = (b0 - a0) / b0
    assert silhouette(d, labels) == pytest.approx(
        np.mean(
            [
                expected0,
                (min(1.0, 2.9) - 0.1) / min((0.9 + 1.1) / 2, 2.9),
                ((min((1.0 + 0.9) / 2, 2.0)) - 0.2) / min((1.0 + 0.9) / 2, 2.0),
                ((min((1.2 + 1.1) / 2, 1.8)) - 0.2) / min((1.2 + 1.1) / 2, 1.8),
                0.0,
            ]
        )
    )
    assert silhouette(d, np.ones(5)) == 0.0


def test_raw_scenario_profiles():
    names = [[f"K{k}.{p}" for p in range(2)] for k in range(6)]
    c = cluster_bundles(TWO_GROUPS, n_clusters=2)
    rs = raw_scenarios(TWO_GROUPS, c.labels, names, theta=0.6)
    assert [r.members for r in rs] == [[0, 1, 2], [3, 4, 5]]
    assert rs[0].medoid == 0 and rs[1].medoid == 3
    assert rs[0].shares[5] == {"K5.0": pytest.approx(2 / 3), "K5.1": pytest.approx(1 / 3)}
    assert rs[0].characteristic == ["K0.0", "K1.0", "K2.0", "K3.0", "K4.0", "K5.0"]
    strict = raw_scenarios(TWO_GROUPS, c.labels, names, theta=0.7)
    assert strict[0].characteristic[5] is None


def test_pipeline_on_best_bundles_is_deterministic():
    model = random_consistency_model([4] * 10, seed=9)
    best = search_bundles(model, top=40)
    a = cluster_bundles(best.bundles)
    b = cluster_bundles(best.bundles.copy())
    assert np.array_equal(a.labels, b.labels) and a.labels[0] == 1
    assert 2 <= a.suggested_k <= 10
    m1, m2 = classical_mds(a.distances), classical_mds(b.distances)
    assert np.array_equal(m1.coordinates, m2.coordinates)


def test_mds_recovers_planar_configuration():
    pts = np.array([[0, 0], [4, 0], [4, 3], [0, 3], [2, 1.5]], dtype=float)
    m = classical_mds(squareform(pdist(pts)))
    assert m.explained == pytest.approx(1.0)
    assert m.stress == pytest.approx(0.0, abs=1e-9)
    rebuilt = squareform(pdist(m.coordinates))
    assert np.allclose(rebuilt, squareform(pdist(pts)))
    nz = np.abs(m.coordinates[:, 0]) > 1e-9
    assert m.coordinates[np.argmax(nz), 0] > 0  # orientation rule
    flipped = classical_mds(squareform(pdist(pts * [-1, 1])))
    assert np.allclose(np.abs(flipped.coordinates), np.abs(m.coordinates))
    assert (flipped.coordinates[np.argmax(nz)] >= -1e-9).all()


def test_mds_on_hamming_reports_explained_share():
    d = hamming_matrix(TWO_GROUPS)
    m = classical_mds(d, dims=2)
    assert 0 < m.explained <= 1
    assert m.coordinates[0, 0] > 0 and m.coordinates[3, 0] < 0  # the two groups split on axis 1
    with pytest.raises(ValueError):
        classical_mds(np.array([[0, 1], [2, 0]]))


def test_a_cut_gives_exactly_k_clusters_when_distances_tie():
    """Four bundles on a square: two merges at the same height. A cut by height (SciPy's
    maxclust) can only give 2 or 4 clusters here; asked for 3, the run must show 3."""
    from scipy.cluster.hierarchy import fcluster, linkage

    square = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    z = linkage(squareform(hamming_matrix(square), checks=False), method="average")
    assert len(set(fcluster(z, 3, criterion="maxclust"))) != 3  # the tie the cut must handle
    for method in ("average", "complete", "single", "weighted", "ward"):
        for k in range(1, 5):
            c = cluster_bundles(square, method=method, n_clusters=k)
            assert len(set(c.labels.tolist())) == k, (method, k)
            assert c.labels[0] == 1  # numbered by first appearance
        assert len(set(cluster_bundles(square, method=method, n_clusters=9).labels)) == 4


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, 2)),
        min_size=2,
        max_size=18,
        unique=True,
    ),
    method=st.sampled_from(["average", "complete", "single", "weighted", "ward"]),
    data=st.data(),
)
def test_exact_cut_for_any_bundles(rows, method, data):
    """For any distinct bundles and any k ≤ their number, exactly k clusters, and each
    cluster is a set of bundles that the tree merged below the cut."""
    items = np.array(rows)
    k = data.draw(st.integers(1, len(rows)))
    c = cluster_bundles(items, method=method, n_clusters=k, max_k=len(rows))
    assert sorted(set(c.labels.tolist())) == list(range(1, k + 1))
    assert all(len(set(cut_exact(c.linkage, j).tolist())) == j for j in c.silhouette_by_k)
