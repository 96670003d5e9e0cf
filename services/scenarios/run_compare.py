"""Two runs side by side (pure): which parameters differ, whether they read the same inputs,
and how their raw scenarios correspond.

Raw scenarios of two runs carry no common identity (cluster numbers are assigned per run), so
they are matched by what they are made of:

* **shared bundles** — how many bundles (the same projection of every key factor) the two raw
  scenarios both contain; the strongest evidence that they describe the same future;
* **profile overlap** — on how many key factors the two profiles name the same projection
  (projection ids are stable within a project, so this works across reruns and new runs).

A raw scenario of run A corresponds to the raw scenario of run B with the most shared bundles,
then the larger profile overlap (ties: the lower number). One of B may correspond to several
of A (when A cuts finer); raw scenarios of B that none of A corresponds to are listed too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# In the order the run form asks for them; ``theta`` and ``max_clusters`` are not on the form
# but differ between API-started runs, so they are compared too.
PARAMETERS = (
    "n_clusters",
    "linkage",
    "max_partial",
    "top",
    "missing",
    "with_cib",
    "cib_max_ic",
    "max_clusters",
    "theta",
)


class NotComparable(ValueError):
    """A run without a result (queued, running or failed) cannot be compared."""


def _inputs(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snapshot.items() if k != "parameters"}


def _members(run: Mapping[str, Any]) -> dict[int, set[tuple[str, ...]]]:
    """Raw scenario number → the bundles (tuples of projection ids) it contains."""
    by_rank = {b["rank"]: tuple(b["projections"]) for b in run["result"]["bundles"]}
    return {
        int(r["cluster"]): {by_rank[m] for m in r.get("members", []) if m in by_rank}
        for r in run["result"]["raw_scenarios"]
    }


def _overlap(a: Sequence[str | None], b: Sequence[str | None]) -> int:
    return len({p for p in a if p} & {p for p in b if p})


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """``a``, ``b``: runs as ``get_run`` returns them (parameters, snapshot, result)."""
    for run in (a, b):
        if run.get("status") != "finished" or not run.get("result"):
            raise NotComparable(run.get("id"))
    pa, pb = a["parameters"], b["parameters"]
    parameters = [
        {"name": k, "a": pa.get(k), "b": pb.get(k), "differs": pa.get(k) != pb.get(k)}
        for k in PARAMETERS
    ]
    bundles_a = {tuple(x["projections"]) for x in a["result"]["bundles"]}
    bundles_b = {tuple(x["projections"]) for x in b["result"]["bundles"]}
    members_a, members_b = _members(a), _members(b)
    profile_a = {int(r["cluster"]): r["characteristic"] for r in a["result"]["raw_scenarios"]}
    profile_b = {int(r["cluster"]): r["characteristic"] for r in b["result"]["raw_scenarios"]}
    key_factors = len(a["snapshot"]["key_factors"])
    rows = []
    for ca in sorted(members_a):
        cells = [
            {
                "cluster": cb,
                "shared": len(members_a[ca] & members_b[cb]),
                "overlap": _overlap(profile_a[ca], profile_b[cb]),
            }
            for cb in sorted(members_b)
        ]
        best = max(cells, key=lambda c: (c["shared"], c["overlap"], -c["cluster"]), default=None)
        if best is not None and best["shared"] == 0 and best["overlap"] == 0:
            best = None
        rows.append(
            {
                "cluster": ca,
                "size": len(members_a[ca]),
                "match": best,
                "cells": cells,
            }
        )
    matched = {r["match"]["cluster"] for r in rows if r["match"]}
    return {
        "a": {"id": a["id"], "number": a.get("number")},
        "b": {"id": b["id"], "number": b.get("number")},
        "same_inputs": _inputs(a["snapshot"]) == _inputs(b["snapshot"]),
        "parameters": parameters,
        "differences": [p["name"] for p in parameters if p["differs"]],
        "bundles": {
            "a": len(bundles_a),
            "b": len(bundles_b),
            "shared": len(bundles_a & bundles_b),
        },
        "raw_scenarios": {"a": len(members_a), "b": len(members_b)},
        "key_factors": key_factors,
        "rows": rows,
        "unmatched_b": [
            {"cluster": cb, "size": len(members_b[cb])}
            for cb in sorted(members_b)
            if cb not in matched
        ],
    }
