"""Runs: the engine's computation of raw scenarios from a snapshot of the ratings."""

from __future__ import annotations

import json
import logging
from typing import Any

import eventlet

from services.kit.errors import Conflict
from services.kit.messaging import event_handler
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import compute, plots, run_compare, run_plots, views
from services.scenarios.handlers.base import (
    EDITORS,
    FACILITATOR,
    SERVICE,
    ScenariosBase,
    _now,
    _oid,
)
from services.scenarios.models import Run
from services.scenarios.schemas import RunSchema

log = logging.getLogger(__name__)

# The internal fact that starts compute_run (published by _queue_run through the outbox).
RUN_REQUESTED = "stadtdialog.scenarios.run.requested.v1"


class RunHandlers(ScenariosBase):
    """Queue, list and read runs; compute queued runs in a worker of this service."""

    @rpc
    def start_run(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        parameters = compute.Parameters(**load(RunSchema(), data))
        state = self._consistency_state(city, project)
        key_factors = [
            {
                "id": str(f.id),
                "title": f.title,
                "projections": [
                    {"id": str(p.id), "title": p.title, "probability": p.probability}
                    for p in state["grouped"][str(f.id)]
                ],
            }
            for f in state["key"]
        ]
        try:
            snapshot = compute.build_snapshot(
                key_factors,
                state["overview"].values,
                parameters,
                self._cross_impacts(city, project, state["order"]),
            )
        except compute.RunInputError as exc:
            raise Conflict("The run cannot start yet.", exc.fields) from exc
        return self._queue_run(city, str(project.id), snapshot, user, None)

    def _queue_run(
        self, city: str, project_id: str, snapshot: dict[str, Any], user: str, rerun_of: str | None
    ) -> dict[str, Any]:
        run = Run(
            city=city,
            project_id=project_id,
            parameters=snapshot["parameters"],
            snapshot=json.dumps(snapshot, sort_keys=True),
            requested_by=user,
            rerun_of=rerun_of,
        ).save()
        # The computation runs in a worker of this service, started by an internal fact that
        # the outbox delivers at least once (and again after a crash: see compute_run).
        self.outbox.add("run", "requested", {"run_id": str(run.id)}, city=city, subject=str(run.id))
        return views.run(run, Run.scoped(city, project_id=project_id, id__lte=run.id).count())

    @rpc
    def rerun(self, city: str, run_id: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The run's inputs (its frozen snapshot) computed again, with the parameters ``data``
        changes (what it leaves out stays as it was)."""
        user = self._require(city, FACILITATOR, "scenarios")
        run = self._get(Run, city, run_id, "Run not found.")
        snapshot = json.loads(run.snapshot)
        if data:
            parameters = compute.Parameters(**load(RunSchema(), {**snapshot["parameters"], **data}))
            try:
                snapshot = compute.with_parameters(snapshot, parameters)
            except compute.RunInputError as exc:
                raise Conflict("The run cannot start yet.", exc.fields) from exc
        return self._queue_run(city, run.project_id, snapshot, user, run_id)

    @rpc
    def list_runs(self, city: str) -> list[dict[str, Any]]:
        self._require(city, EDITORS)
        project = self._project(city)
        runs = list(Run.scoped(city, project_id=str(project.id)).order_by("id"))
        # Numbered in the order they were started, so two runs never read alike.
        return [views.run(r, number) for number, r in reversed(list(enumerate(runs, 1)))]

    @rpc
    def get_run(self, city: str, run_id: str) -> dict[str, Any]:
        self._require(city, EDITORS)
        run = self._get(Run, city, run_id, "Run not found.")
        number = Run.scoped(city, project_id=run.project_id, id__lte=run.id).count()
        return {
            **views.run(run, number),
            "snapshot": json.loads(run.snapshot),
            "result": json.loads(run.result) if run.result else None,
        }

    @rpc
    def run_map_svg(self, city: str, run_id: str) -> str:
        run = self.get_run(city, run_id)
        result = run["result"]
        if run["status"] != "finished" or not result["bundles"]:
            raise Conflict("The run has no result yet.")
        explained = result["map"]["explained"] if result["map"] else 1.0
        return plots.scenario_map(result["bundles"], result["raw_scenarios"], explained)

    def _clustering(self, city: str, run_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        run = self.get_run(city, run_id)
        result = run["result"]
        if run["status"] != "finished" or not (result or {}).get("clustering"):
            raise Conflict("The run has no result yet.")
        return result, result["clustering"]

    @rpc
    def run_dendrogram_svg(self, city: str, run_id: str) -> str:
        result, clusters = self._clustering(city, run_id)
        labels = [b["cluster"] for b in result["bundles"]]
        return run_plots.dendrogram(clusters["dendrogram"], labels, clusters["k"])

    @rpc
    def run_silhouette_svg(self, city: str, run_id: str) -> str:
        _, clusters = self._clustering(city, run_id)
        if not clusters["silhouette_by_k"]:
            raise Conflict("The run has no result yet.")
        return run_plots.silhouette(
            clusters["silhouette_by_k"], clusters["k"], clusters["suggested_k"]
        )

    @rpc
    def compare_runs(self, city: str, a: str, b: str) -> dict[str, Any]:
        """Two finished runs of the city side by side (``run_compare``)."""
        first, second = self.get_run(city, a), self.get_run(city, b)
        try:
            return run_compare.compare(first, second)
        except run_compare.NotComparable as exc:
            raise Conflict("Only finished runs can be compared.") from exc

    @event_handler(SERVICE, RUN_REQUESTED, requeue_on_error=True)
    def compute_run(self, envelope: dict[str, Any]) -> None:
        """Compute a queued run. A finished or failed run is left alone (a repeated fact); a
        run found "running" was interrupted by a crash and is computed again from its
        snapshot, which gives the same result."""
        city = envelope.get("city")
        run_id = (envelope.get("data") or {}).get("run_id")
        if not city or not _oid(run_id):
            return
        run = Run.scoped(city, id=run_id).first()
        if run is None or run.status in ("finished", "failed"):
            return
        run.status, run.stage, run.started_at = "running", "started", _now()
        run.save()

        def progress(stage: str, fraction: float) -> None:
            Run.scoped(city, id=run_id).update(set__stage=stage, set__progress=fraction)
            eventlet.sleep(0)  # let other requests of this process through between stages

        try:
            result, timings = compute.compute(json.loads(run.snapshot), progress)
        except Exception as exc:  # noqa: BLE001 - any engine refusal fails this run, not the worker
            log.warning("run %s failed: %s", run_id, exc)
            run.reload()
            run.status, run.error, run.finished_at = "failed", str(exc)[:2000], _now()
            run.save()
            self.outbox.add(
                "run",
                "failed",
                {"run_id": run_id, "project_id": run.project_id},
                city=city,
                subject=run_id,
                public=True,
            )
            return
        run.reload()
        run.result = json.dumps(result, sort_keys=True)
        run.timings = {k: round(v, 6) for k, v in timings.items()}
        run.summary = compute.summary(result)
        run.status, run.stage, run.progress, run.finished_at = "finished", "done", 1.0, _now()
        run.save()
        self.outbox.add(
            "run",
            "finished",
            {
                "run_id": run_id,
                "project_id": run.project_id,
                "bundles": len(result["bundles"]),
                "raw_scenarios": len(result["raw_scenarios"]),
            },
            city=city,
            subject=run_id,
            public=True,
        )
