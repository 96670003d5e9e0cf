"""The order in which deploy/local/test hands test modules to its two xdist workers
(tests/scheduling_support.py): longest first, unknown modules as the average."""

from __future__ import annotations

import json
from pathlib import Path

from scheduling_support import DURATIONS, load_durations, order_scopes, scope_of


def test_longest_scopes_come_first() -> None:
    durations = {"a.py": 5.0, "b.py": 120.0, "c.py": 30.0}
    assert order_scopes(["a.py", "b.py", "c.py"], durations) == ["b.py", "c.py", "a.py"]


def test_an_unknown_scope_counts_as_the_average_of_the_known_ones() -> None:
    # average of the known: (100 + 10 + 40) / 3 = 50
    durations = {"long.py": 100.0, "short.py": 10.0, "mid.py": 40.0}
    scopes = ["short.py", "new.py", "mid.py", "long.py"]
    assert order_scopes(scopes, durations) == ["long.py", "new.py", "mid.py", "short.py"]


def test_ties_and_an_empty_record_keep_the_order_of_collection() -> None:
    scopes = ["x.py", "y.py", "z.py"]
    assert order_scopes(scopes, {}) == scopes
    assert order_scopes(scopes, {"x.py": 3.0, "y.py": 7.0, "z.py": 3.0}) == ["y.py", "x.py", "z.py"]


def test_the_order_packs_two_workers_tightly() -> None:
    """What the order is for: with xdist handing the next scope to whichever worker is free,
    longest first ends both workers close together, collection order does not."""
    durations = {"m1.py": 10, "m2.py": 10, "m3.py": 10, "m4.py": 10, "crawl.py": 160}
    collected = ["m1.py", "m2.py", "m3.py", "m4.py", "crawl.py"]
    assert _idle_tail(collected, durations) == 160  # 180 vs 20
    assert _idle_tail(order_scopes(collected, durations), durations) == 120  # 160 vs 40
    durations["m5.py"] = 150
    # With work to share, the tail shrinks to at most the shortest module.
    assert _idle_tail(order_scopes([*collected, "m5.py"], durations), durations) == 10


def _idle_tail(scopes: list[str], durations: dict[str, float]) -> float:
    workers = [0.0, 0.0]
    for scope in scopes:
        free = workers.index(min(workers))
        workers[free] += durations[scope]
    return max(workers) - min(workers)


def test_scope_is_what_xdist_groups_by() -> None:
    assert scope_of("tests/e2e/test_demo_tour.py::test_tour") == "tests/e2e/test_demo_tour.py"
    assert scope_of("tests/unit/x.py::TestA::test_b") == "tests/unit/x.py::TestA"


def test_a_missing_or_broken_record_orders_nothing(tmp_path: Path) -> None:
    assert load_durations(tmp_path / "missing.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert load_durations(broken) == {}
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"a.py": 2, "b.py": "slow"}), encoding="utf-8")
    assert load_durations(odd) == {"a.py": 2.0}


def test_the_recorded_file_names_modules_that_exist() -> None:
    """A stale record (renamed modules) would silently order by averages only."""
    recorded = load_durations(DURATIONS)
    assert recorded, f"{DURATIONS} is missing or empty"
    root = DURATIONS.parent.parent
    missing = [s for s in recorded if not (root / s.split("::")[0]).exists()]
    assert not missing, missing
