"""Benchmark of the scenario engine against straightforward NumPy full enumeration.

    python bench/scenario_engine.py            # everything (a few minutes)
    python bench/scenario_engine.py --quick    # skip references that need more than ~10 s
    python bench/scenario_engine.py --basins   # also full-space basins (6e7: ~5 s, 4e8: ~45 s)

Prints, per case, the size of the space, the engine's time (best of several runs, JIT compile
excluded and reported once) and nodes visited, the reference's time where it is expected to
finish within the time limit (estimated from its measured throughput otherwise), and the ratio.
Single thread. Issue 4 targets: CIB_nested kernel <= 0.1 s; 15-descriptor 6e7 random <= 0.5 s;
top-100 bundles for 22 x 5 <= 10 s and >= 100x the reference at its largest finishing size.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The published examples, found as the engine tests find them (shared folder or the copy here).
sys.path.insert(0, str(ROOT / "tests" / "unit" / "scenario_engine"))

import numpy as np  # noqa: E402
from scenario_examples import EXAMPLES  # noqa: E402

from services.scenarios.engine import _jit, cib, consistency  # noqa: E402
from services.scenarios.engine.io import load_cib  # noqa: E402
from services.scenarios.engine.reference import (  # noqa: E402
    brute_force_bundles,
    brute_force_cib,
    random_cib_model,
    random_consistency_model,
)


def best_of(fn, repeats: int = 5, budget: float = 5.0):
    """Best wall time of up to ``repeats`` runs (stop early once ``budget`` seconds are spent)."""
    times, result = [], None
    spent = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        spent += dt
        if spent > budget:
            break
    return min(times), result


class Reference:
    """Runs the full-enumeration reference when its extrapolated time fits the limit."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.rate: dict[str, float] = {}

    def run(self, kind: str, size: int, fn):
        rate = self.rate.get(kind)
        if rate is not None and size / rate > self.limit:
            return None, size / rate
        t0 = time.perf_counter()
        res = fn()
        dt = time.perf_counter() - t0
        self.rate[kind] = size / dt if kind not in self.rate else min(self.rate[kind], size / dt)
        return dt, res


def fmt_t(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:9.2f} ms" if x < 1 else f"{x:9.2f} s "


def row(case, space, t_engine, nodes, t_ref, est, extra=""):
    ref = fmt_t(t_ref) if t_ref is not None else (f"~{est:7.0f} s*" if est else "-")
    if t_ref is not None:
        ratio = f"{t_ref / t_engine:9.1f}x"
    else:
        ratio = f"~{est / t_engine:8.0f}x*" if est else "-"
    line = f"{case:<44} {space:>10.3g} {fmt_t(t_engine):>12} {nodes:>11,} {ref:>12} {ratio:>11}"
    print(f"{line} {extra}")


def header(title: str) -> None:
    print(f"\n== {title}")
    print(
        f"{'case':<44} {'space':>10} {'engine':>12} {'nodes':>11} {'reference':>12} {'ratio':>11}"
    )


def warm_up() -> float:
    t0 = time.perf_counter()
    cib.consistent_scenarios(random_cib_model([2, 2, 2], 0))
    cib.basins(random_cib_model([2, 2, 2], 0))
    consistency.search_bundles(random_consistency_model([2, 2, 2], 0), top=2)
    consistency.search_bundles(random_consistency_model([2, 2, 2], 0), top=None, min_sum=0)
    return time.perf_counter() - t0


def bench_cib(ref: Reference, quick: bool) -> None:
    header("CIB: complete set of consistent scenarios (IC = 0), exact branch and bound")
    for path in sorted(EXAMPLES.glob("cib_*.json")):
        model = load_cib(path)
        t, res = best_of(lambda m=model: cib.consistent_scenarios(m))
        t_ref, out = ref.run("cib", model.n_scenarios, lambda m=model: brute_force_cib(m))
        if t_ref is not None:
            assert {tuple(s) for s in out.tolist()} == {tuple(s) for s in res.scenarios.tolist()}
        row(
            path.stem,
            model.n_scenarios,
            t,
            res.nodes,
            t_ref,
            out if t_ref is None else None,
            f"kernel {len(res)}",
        )
    sizes = [
        ("random 10x3", [3] * 10),
        ("random 12x3", [3] * 12),
        ("random 14x3", [3] * 14),
        ("random 15 (5x4+10x3)", [4] * 5 + [3] * 10),
        ("random 17x3", [3] * 17),
        ("random 20x3", [3] * 20),
        ("random 20x4", [4] * 20),
    ]
    if quick:
        sizes = sizes[:-1]
    for name, nv in sizes:
        # the 10^12 space takes about a minute per seed: one seed unless asked for more
        for seed in (1,) if (quick and nv == [4] * 20) else (1, 2, 3):
            model = random_cib_model(nv, seed)
            t, res = best_of(lambda m=model: cib.consistent_scenarios(m), repeats=3, budget=20)
            t_ref, out = ref.run("cib", model.n_scenarios, lambda m=model: brute_force_cib(m))
            if t_ref is not None:
                assert {tuple(s) for s in out.tolist()} == {
                    tuple(s) for s in res.scenarios.tolist()
                }
            row(
                f"{name} seed {seed}",
                model.n_scenarios,
                t,
                res.nodes,
                t_ref,
                out if t_ref is None else None,
                f"kernel {len(res)}",
            )
    header("CIB: scenarios with IC <= 2")
    for path in sorted(EXAMPLES.glob("cib_*.json")):
        model = load_cib(path)
        t, res = best_of(lambda m=model: cib.consistent_scenarios(m, 2))
        row(path.stem, model.n_scenarios, t, res.nodes, None, None, f"IC<=2: {len(res)}")
    model = random_cib_model([4] * 5 + [3] * 10, 1)
    t, res = best_of(lambda: cib.consistent_scenarios(model, 2))
    row(
        "random 15 (5x4+10x3) seed 1",
        model.n_scenarios,
        t,
        res.nodes,
        None,
        None,
        f"IC<=2: {len(res)}",
    )


def bench_basins() -> None:
    header("CIB: full-space global-succession basins (4 bytes per scenario)")
    cases = [(p.stem, load_cib(p)) for p in sorted(EXAMPLES.glob("cib_*.json"))]
    cases.append(("random 15 (5x4+10x3) seed 1", random_cib_model([4] * 5 + [3] * 10, 1)))
    for name, model in cases:
        t0 = time.perf_counter()
        b = cib.basins(model, max_space=5 * 10**8)
        dt = time.perf_counter() - t0
        row(
            name,
            model.n_scenarios,
            dt,
            model.n_scenarios,
            None,
            None,
            f"{len(b.sizes)} fixed points, {b.cycles:,} cycle starts",
        )


def bench_bundles(ref: Reference, quick: bool) -> None:
    for structured in (True, False):
        kind = (
            "structured (latent themes, ~5% total inconsistencies)"
            if structured
            else ("i.i.d. values (no structure, worst case)")
        )
        header(f"Bundles: exact top-100, {kind}")
        sizes = [
            (10, 3),
            (12, 3),
            (10, 4),
            (14, 3),
            (10, 5),
            (12, 4),
            (15, 3),
            (16, 4),
            (16, 5),
            (18, 5),
            (20, 5),
            (22, 5),
        ]
        for n, m in sizes:
            for seed in (1, 2):
                model = random_consistency_model([m] * n, seed, structured=structured)
                t, res = best_of(
                    lambda mo=model: consistency.search_bundles(mo, top=100), repeats=3, budget=30
                )
                t_ref, out = ref.run(
                    "bundles",
                    model.n_bundles * n * n,
                    lambda mo=model: brute_force_bundles(mo, top=100),
                )
                if t_ref is not None:
                    assert out[0].tolist() == res.bundles.tolist()
                row(
                    f"{n}x{m} seed {seed}",
                    model.n_bundles,
                    t,
                    res.nodes,
                    t_ref,
                    out if t_ref is None else None,
                    f"best sum {res.sums[0]}",
                )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reference limit 10 s instead of 60 s")
    ap.add_argument("--basins", action="store_true", help="also time full-space basins")
    ap.add_argument("--only", choices=["cib", "bundles", "basins"], help="run one part")
    args = ap.parse_args()
    print(
        f"numba: {'yes' if _jit.HAVE_NUMBA else 'no (pure Python kernels)'}; "
        f"numpy {np.__version__}; python {sys.version.split()[0]}; 1 thread"
    )
    print(f"first calls incl. JIT compile/cache load: {warm_up():.2f} s")
    print("* = reference not run: its time is extrapolated from its measured throughput")
    ref_cib = Reference(10 if args.quick else 60)
    ref_bundles = Reference(10 if args.quick else 60)
    if args.only in (None, "cib"):
        bench_cib(ref_cib, args.quick)
    if args.only in (None, "bundles"):
        bench_bundles(ref_bundles, args.quick)
    if args.basins or args.only == "basins":
        bench_basins()


if __name__ == "__main__":
    main()
