"""A computation run: from a snapshot of the project's inputs to bundles, raw scenarios, the
scenario map and (optionally) CIB scenarios, all with the scenario engine (pure).

The snapshot holds everything the computation reads — key factors and their projections
(ids, titles, probabilities), the aggregated consistency matrix with the facilitator's
resolutions applied, the scale and the parameters — so a run can be repeated on exactly the
same input later, whatever changed in the project since. ``compute(snapshot)`` is a pure
function of it: the same snapshot always gives the same result (the engine's searches are
exact and totally ordered, clustering numbers clusters by first appearance, the map's
orientation is fixed). Timings are returned separately because they are not reproducible.

Raw scenarios: the clusters of the best bundles, each profiled by its strongest bundle
(``raw_profiles``: every key factor named, consistent by construction). ``clustering.chosen_by``
says whether the facilitator set their number or the silhouette chose it.

Optional CIB: there is no separate cross-impact rating in the workshop method, so CIB reads
the consistency judgements as symmetric impacts on a scale centred on neutral (value − 3 on
the 1–5 scale: −2 … +2). A CIB-consistent scenario is then a bundle in which every key factor
already has the projection that fits the others best: no single change improves it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.scenarios import raw_profiles
from services.scenarios.engine import cib, clustering, consistency, scenario_map

SCALE = {"min": 1, "max": 5, "total_inconsistency": 1, "partial_inconsistency": 2}
CIB_MAX_SPACE = 5 * 10**9  # CIB search on larger spaces can take minutes: refused up front
Progress = Callable[[str, float], None]


class RunInputError(ValueError):
    """The snapshot cannot be computed; ``fields`` names what is missing."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(fields)
        self.fields = fields


@dataclass(frozen=True)
class Parameters:
    top: int = 100
    max_partial: int | None = None
    missing: str = "error"  # "error": every pair needs a value; "neutral": gaps count as 3
    linkage: str = "average"
    n_clusters: int | None = None  # None: the engine's silhouette suggestion
    max_clusters: int = 10
    theta: float = 0.5
    with_cib: bool = False
    cib_max_ic: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def build_snapshot(
    key_factors: Sequence[Mapping[str, Any]],
    values: np.ndarray,
    parameters: Parameters,
    cross_impacts: np.ndarray | None = None,
) -> dict[str, Any]:
    """``key_factors``: ``[{"id", "title", "projections": [{"id", "title", "probability"}]}]``
    in matrix order; ``values``: the (P, P) consistency matrix in the same order (NaN = no
    value). Checks that the run can be computed and names what is missing otherwise."""
    errors: dict[str, list[str]] = {}
    if not key_factors:
        errors["key_factors"] = ["Choose the key factors first."]
    for kf in key_factors:
        if not kf["projections"]:
            errors[f"projections.{kf['id']}"] = ["This key factor has no projection yet."]
    if errors:
        raise RunInputError(errors)
    fac = np.repeat(np.arange(len(key_factors)), [len(kf["projections"]) for kf in key_factors])
    cross = fac[:, None] != fac[None, :]
    gaps = int((np.isnan(values) & np.triu(cross, 1)).sum())
    if gaps and parameters.missing == "error":
        raise RunInputError(
            {
                "consistency": [
                    f"{gaps} pair(s) of projections have no value yet: rate or resolve them, "
                    "or start the run with missing = neutral."
                ]
            }
        )
    if parameters.with_cib:
        space = math.prod(len(kf["projections"]) for kf in key_factors)
        if space > CIB_MAX_SPACE:
            raise RunInputError(
                {"with_cib": [f"CIB is limited to {CIB_MAX_SPACE} scenarios; this has {space}."]}
            )
    matrix = [
        [None if (np.isnan(v) or not cross[i, j]) else float(v) for j, v in enumerate(row)]
        for i, row in enumerate(values)
    ]
    snapshot: dict[str, Any] = {
        "key_factors": [
            {
                "id": kf["id"],
                "title": kf["title"],
                "projections": [
                    {"id": p["id"], "title": p["title"], "probability": p.get("probability")}
                    for p in kf["projections"]
                ],
            }
            for kf in key_factors
        ],
        "scale": dict(SCALE),
        "consistency": matrix,
        "parameters": parameters.as_dict(),
    }
    if cross_impacts is not None:  # a CIB judgement matrix (imported): the run's CIB uses it
        snapshot["cross_impacts"] = [
            [None if (np.isnan(v) or not cross[i, j]) else float(v) for j, v in enumerate(row)]
            for i, row in enumerate(cross_impacts)
        ]
    return snapshot


def with_parameters(snapshot: Mapping[str, Any], parameters: Parameters) -> dict[str, Any]:
    """The snapshot's inputs with other parameters, checked as a new run's would be (another
    ``missing`` or CIB may not fit the frozen matrix)."""
    values = np.array(
        [[np.nan if x is None else float(x) for x in row] for row in snapshot["consistency"]]
    ).reshape(len(snapshot["consistency"]), -1)
    return build_snapshot(snapshot["key_factors"], values, parameters, _cross_impacts(snapshot))


def _cross_impacts(snapshot: Mapping[str, Any]) -> np.ndarray | None:
    rows = snapshot.get("cross_impacts")
    if rows is None:
        return None
    return np.array([[np.nan if x is None else float(x) for x in row] for row in rows])


def summary(result: Mapping[str, Any]) -> dict[str, Any]:
    """What the list of runs shows of a result: counts and how the raw scenarios were cut."""
    clusters = result.get("clustering") or {}
    return {
        "bundles": len(result["bundles"]),
        "raw_scenarios": len(result["raw_scenarios"]),
        "chosen_by": clusters.get("chosen_by"),
        "silhouette": clusters.get("silhouette"),
        "cib_scenarios": (result.get("cib") or {}).get("n_scenarios"),
    }


def consistency_model(snapshot: Mapping[str, Any]) -> consistency.ConsistencyModel:
    """The engine's model of a snapshot (gaps filled with neutral when the run allows it)."""
    kfs = snapshot["key_factors"]
    scale = consistency.Scale.parse(snapshot["scale"])
    v = np.array(
        [[np.nan if x is None else float(x) for x in row] for row in snapshot["consistency"]]
    )
    fac = np.repeat(np.arange(len(kfs)), [len(kf["projections"]) for kf in kfs])
    cross = fac[:, None] != fac[None, :]
    gaps = np.isnan(v) & cross
    if gaps.any():
        if snapshot["parameters"]["missing"] != "neutral":
            raise RunInputError({"consistency": ["Pairs without a value."]})
        v[gaps] = scale.neutral
    v[~cross] = 0.0
    probabilities = [p.get("probability") for kf in kfs for p in kf["projections"]]
    # Plausibility only when every projection has a probability: a partial product would rank
    # bundles by which projections happen to be annotated.
    probs = None if any(p is None for p in probabilities) else probabilities
    return consistency.ConsistencyModel.build(
        [kf["id"] for kf in kfs],
        [[p["id"] for p in kf["projections"]] for kf in kfs],
        v,
        scale,
        probs,
    )


def cib_model(
    model: consistency.ConsistencyModel, cross_impacts: np.ndarray | None = None
) -> cib.CIBModel:
    """The CIB judgement matrix when the project has one (no judgement = 0), otherwise the
    consistency judgements as symmetric cross impacts centred on neutral."""
    cross = np.where(model.factor_of[:, None] != model.factor_of[None, :], 1.0, 0.0)
    if cross_impacts is not None:
        return cib.CIBModel.build(
            model.factors, model.projections, cross * np.nan_to_num(cross_impacts, nan=0.0)
        )
    impacts = cross * (model.values.astype(np.float64) - model.scale.neutral)
    return cib.CIBModel.build(model.factors, model.projections, impacts)


def _num(x: Any) -> int | float:
    f = float(x)
    return int(f) if f.is_integer() else f


def compute(
    snapshot: Mapping[str, Any], progress: Progress | None = None
) -> tuple[dict[str, Any], dict[str, float]]:
    """The run's result (a pure function of the snapshot) and its timings in seconds."""
    report = progress or (lambda stage, fraction: None)
    params = Parameters.from_dict(snapshot["parameters"])
    timings: dict[str, float] = {}
    model = consistency_model(snapshot)

    t0 = time.perf_counter()
    report("bundles", 0.05)
    best = consistency.search_bundles(model, top=params.top, max_partial=params.max_partial)
    timings["bundles"] = time.perf_counter() - t0
    bundles = []
    for i, b in enumerate(best.bundles):
        row: dict[str, Any] = {
            "rank": i + 1,
            "projections": model.projection_names(b),
            "sum": _num(best.sums[i]),
            "mean": float(best.means[i]),
            "partial_inconsistencies": int(best.partial_inconsistencies[i]),
        }
        if best.plausibility is not None:
            row["plausibility"] = float(best.plausibility[i])
            row["p_value"] = float(best.p_values[i])
        bundles.append(row)

    t0 = time.perf_counter()
    report("clustering", 0.6)
    clusters: dict[str, Any] | None = None
    raw: list[dict[str, Any]] = []
    map_info: dict[str, Any] | None = None
    if len(best) >= 2:
        cl = clustering.cluster_bundles(
            best.bundles,
            method=params.linkage,
            n_clusters=params.n_clusters,
            max_k=params.max_clusters,
        )
        labels, distances = cl.labels, cl.distances
        smap = scenario_map.classical_mds(cl.distances)
        for i, row in enumerate(bundles):
            row["cluster"] = int(cl.labels[i])
            row["x"], row["y"] = (float(c) for c in smap.coordinates[i])
        clusters = {
            "method": cl.method,
            "k": int(cl.labels.max()),
            "chosen_by": "silhouette" if params.n_clusters is None else "facilitator",
            "suggested_k": int(cl.suggested_k),
            "silhouette": float(cl.silhouette),
            "silhouette_by_k": {str(k): float(s) for k, s in cl.silhouette_by_k.items()},
            "dendrogram": cl.dendrogram(),
        }
        map_info = {"explained": float(smap.explained), "stress": float(smap.stress)}
    elif len(best) == 1:  # one bundle is its own raw scenario
        bundles[0].update(cluster=1, x=0.0, y=0.0)
        labels, distances = np.array([1]), None
    if len(best):
        raw = raw_profiles.raw_scenarios(
            best.bundles, labels, model.projections, theta=params.theta, distances=distances
        )
    timings["clustering"] = time.perf_counter() - t0

    cib_result: dict[str, Any] | None = None
    if params.with_cib:
        t0 = time.perf_counter()
        report("cib", 0.8)
        impacts = _cross_impacts(snapshot)
        cm = cib_model(model, impacts)
        found = cib.consistent_scenarios(cm, max_ic=params.cib_max_ic)
        cib_result = {"max_ic": params.cib_max_ic, "nodes": int(found.nodes), **found.as_dict()}
        cib_result["source"] = "consistency" if impacts is None else "cross_impacts"
        cib_result["scenarios"] = [
            {"projections": s.pop("variants"), **s} for s in cib_result["scenarios"]
        ]
        timings["cib"] = time.perf_counter() - t0

    result = {
        "space": str(model.n_bundles),  # may exceed what JSON numbers hold exactly
        "nodes": int(best.nodes),
        "bundles": bundles,
        "clustering": clusters,
        "raw_scenarios": raw,
        "map": map_info,
        "cib": cib_result,
    }
    report("done", 1.0)
    return result, timings


def warm_up() -> float:
    """Compute a tiny run with CIB, so numba compiles (or loads from its disk cache) every
    kernel before the service takes requests: a first run must not hold the service's other
    requests for the seconds a compile takes. Returns the seconds it took."""
    started = time.perf_counter()
    key_factors = [
        {
            "id": f"k{k}",
            "title": f"k{k}",
            "projections": [{"id": f"k{k}p{p}", "title": "p", "probability": None} for p in (0, 1)],
        }
        for k in range(3)
    ]
    values = np.full((6, 6), 3.0)
    values[0, 2] = values[2, 0] = 5.0
    snapshot = build_snapshot(key_factors, values, Parameters(top=4, with_cib=True))
    compute(snapshot)
    return time.perf_counter() - started
