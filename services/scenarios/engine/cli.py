"""Command line: ``stadtdialog scenarios cib|bundles|influence FILE``.

Results go to stdout as JSON; progress of long searches goes to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import click

from . import cib as cib_mod
from . import consistency, influence
from .io import FormatError, consistency_model_from_dict, influence_from_dict, load_cib, load_json


def _emit(obj: dict) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _progress() -> Callable[[str, int, float], None]:
    """Kernels call this every few million nodes; print at most once a second to stderr."""
    t0 = time.monotonic()
    last = [0.0]

    def tick(kind: str, nodes: int, fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            unit = "scenarios" if kind == "basins" else "nodes"
            click.echo(
                f"{kind}: {nodes:,} {unit}, ~{100 * fraction:.1f}% of the space done, "
                f"{now - t0:.0f} s",
                err=True,
            )

    return tick


@click.group(name="scenarios")
def scenarios() -> None:
    """Scenario engine: CIB, consistency bundles, influence analysis."""


@scenarios.command("cib")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--max-ic",
    default=0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="List scenarios with inconsistency <= K (0: the consistent ones).",
)
@click.option(
    "--with-basins",
    is_flag=True,
    help="Also count global-succession basins over the whole space (slow, guarded).",
)
@click.option(
    "--max-space",
    default=2**27,
    show_default=True,
    type=click.IntRange(min=1),
    help="Size guard for --with-basins (4 bytes per scenario).",
)
@click.option("--max-results", default=5_000_000, show_default=True, type=click.IntRange(min=1))
def cib_command(
    file: str, max_ic: float, with_basins: bool, max_space: int, max_results: int
) -> None:
    """Consistent (or IC <= K) scenarios of a cross-impact matrix, sorted by TIS descending."""
    try:
        model = load_cib(file)
        result = cib_mod.consistent_scenarios(
            model, max_ic, max_results=max_results, progress=_progress()
        )
        out = result.as_dict()
        if with_basins:
            b = cib_mod.basins(model, max_space=max_space, progress=_progress())
            for row, s in zip(out["scenarios"], result.scenarios, strict=True):
                row["basin_size"] = b.size_of(s)
            out["cycles"] = b.cycles
    except (FormatError, ValueError, cib_mod.ResultLimitExceeded) as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(out)


@scenarios.command("bundles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--top", type=click.IntRange(min=1), help="Return the K best bundles.")
@click.option("--min-sum", type=float, help="Threshold mode: every bundle with sum >= this.")
@click.option(
    "--max-partial",
    type=click.IntRange(min=0),
    help="At most P partial inconsistencies per bundle.",
)
@click.option(
    "--missing",
    type=click.Choice(["error", "neutral"]),
    default="error",
    show_default=True,
    help="What a pair without a value means.",
)
@click.option(
    "--asymmetric",
    type=click.Choice(["error", "mean", "min"]),
    default="error",
    show_default=True,
    help="How to symmetrise differing judgements of a pair.",
)
@click.option("--max-results", default=1_000_000, show_default=True, type=click.IntRange(min=1))
def bundles_command(
    file: str,
    top: int | None,
    min_sum: float | None,
    max_partial: int | None,
    missing: str,
    asymmetric: str,
    max_results: int,
) -> None:
    """Best projection bundles without total inconsistencies, ranked by consistency sum
    (descending), then partial inconsistencies (ascending)."""
    if top is None and min_sum is None:
        raise click.UsageError("give --top K or --min-sum S")
    try:
        model = consistency_model_from_dict(load_json(file), missing=missing, asymmetric=asymmetric)
        result = consistency.search_bundles(
            model,
            top,
            min_sum=min_sum,
            max_partial=max_partial,
            max_results=max_results,
            progress=_progress(),
        )
    except (FormatError, ValueError, consistency.ResultLimitExceeded) as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(result.as_dict())


@scenarios.command("influence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--threshold",
    type=click.Choice(["mean", "median"]),
    default="mean",
    show_default=True,
    help="Where the system grid splits high from low.",
)
@click.option(
    "--power",
    type=click.IntRange(min=1),
    help="MICMAC at exactly this power (default: until the ranking is stable).",
)
@click.option("--max-power", default=12, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--rank-by",
    type=click.Choice(["active", "impulse", "dynamics", "micmac"]),
    default="dynamics",
    show_default=True,
    help="Criterion for key_factors.",
)
@click.option("--top", type=click.IntRange(min=1), help="Number of key factors to propose.")
def influence_command(
    file: str, threshold: str, power: int | None, max_power: int, rank_by: str, top: int | None
) -> None:
    """Active/passive sums, impulse and dynamics indices, system grid and MICMAC."""
    try:
        names, matrix = influence_from_dict(load_json(file))
        result = influence.analyse_influence(
            names, matrix, threshold=threshold, power=power, max_power=max_power
        )
    except (FormatError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(result.as_dict(top=top, by=rank_by))


if __name__ == "__main__":
    scenarios(prog_name=f"{sys.executable} -m services.scenarios.engine.cli")
