"""The longest test modules first: ordering for pytest-xdist's ``--dist loadscope``.

With ``loadscope`` a worker runs whole modules (scopes). In the order of collection one of the
two workers used to get a long module (the demo crawl, a browser workshop) near the end and ran
alone for minutes while the other sat idle. Handing out the longest scopes first (the greedy
"longest processing time" rule) leaves only short modules for the end, so both workers finish
within seconds of each other.

How long a scope takes is read from ``tests/durations.json`` (scope -> seconds, recorded from a
real run with ``--record-durations``; docs/contributing.md says how to refresh it). A scope the
file does not know (a new module) counts as the average of the known ones.

The order is made on the workers (``pytest_collection_modifyitems``): xdist's controller takes
the scopes in the order the workers collected them when ``--no-loadscope-reorder`` is given
(``deploy/local/test`` gives it; without it xdist sorts the scopes by their number of tests,
which would undo this order). A run without xdist keeps the order of collection.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")


def scope_of(nodeid: str) -> str:
    """The scope xdist's ``LoadScopeScheduling`` groups a test into (module, or module::Class)."""
    return nodeid.rsplit("::", 1)[0]


def load_durations(path: Path = DURATIONS) -> dict[str, float]:
    """The recorded seconds per scope; empty when the file is missing or unreadable, so a broken
    file only costs the order, never the run."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def order_scopes(scopes: list[str], durations: dict[str, float]) -> list[str]:
    """``scopes`` longest first by ``durations``; unknown scopes count as the average of the
    known ones (0 when none is known). Ties keep the given order (a stable sort), so every
    worker computes the same order from the same collection."""
    known = [durations[s] for s in scopes if s in durations]
    average = sum(known) / len(known) if known else 0.0
    return sorted(scopes, key=lambda s: -durations.get(s, average))


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook, on the controller
def pytest_configure_node(node) -> None:  # noqa: ANN001 - xdist's WorkerController
    # A worker's own options say ``dist=no``: the controller tells it what it distributes.
    node.workerinput["loadscope"] = node.config.getoption("dist", "no") == "loadscope"


def _loadscope_worker(config: pytest.Config) -> bool:
    return bool(getattr(config, "workerinput", {}).get("loadscope"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _loadscope_worker(config):
        return
    rank = {s: i for i, s in enumerate(order_scopes(_unique_scopes(items), load_durations()))}
    # Stable: the tests of one scope keep their order.
    items.sort(key=lambda item: rank[scope_of(item.nodeid)])


def _unique_scopes(items: list[pytest.Item]) -> list[str]:
    return list(dict.fromkeys(scope_of(item.nodeid) for item in items))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        metavar="PATH",
        default=None,
        help="write the seconds each test scope took (setup, call, teardown) into PATH (JSON), "
        "merged with what PATH already holds; for tests/durations.json",
    )


class DurationRecorder:
    """Sums the reports' durations per scope; on the xdist controller the reports of every worker
    arrive here. Also notes when each worker sent its last report (its idle tail)."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root  # test node ids are relative to it
        self.seconds: dict[str, float] = defaultdict(float)
        self.started = time.monotonic()
        self.last_report: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[scope_of(report.nodeid)] += report.duration
        worker = getattr(getattr(report, "node", None), "gateway", None)
        self.last_report[getattr(worker, "id", "main")] = time.monotonic() - self.started

    def pytest_sessionfinish(self) -> None:
        recorded = load_durations(self.path)
        recorded.update({scope: round(s, 2) for scope, s in self.seconds.items()})
        # Scopes whose file is gone (a removed or renamed module) leave the record.
        kept = {s: v for s, v in recorded.items() if (self.root / s.split("::")[0]).exists()}
        ordered = dict(sorted(kept.items(), key=lambda kv: -kv[1]))
        self.path.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter) -> None:  # noqa: ANN001
        ends = ", ".join(f"{w} {t:.0f} s" for w, t in sorted(self.last_report.items()))
        terminalreporter.write_line(f"last report per worker (s after start): {ends}")
        terminalreporter.write_line(f"durations per scope recorded into {self.path}")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("record_durations", None)
    # Only where every report arrives: the controller, or a run without xdist.
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(
            DurationRecorder(Path(path), config.rootpath), "stadtdialog-durations"
        )
