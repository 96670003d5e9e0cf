"""What a running service counted: samples from its ``/metrics`` (tests and benchmarks read
them before and after an action to see what the action asked of a service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

if TYPE_CHECKING:
    from services.kit.testbed import Platform

ENTRYPOINT_COUNT = "stadtdialog_service_entrypoint_seconds_count"


def service_metrics(platform: Platform, service: str, *names: str) -> list[Sample]:
    """The samples called ``names`` from the ``/metrics`` of ``service``'s process."""
    port = platform.metrics_ports[service]
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    families = text_string_to_metric_families(text)
    return [sample for family in families for sample in family.samples if sample.name in names]


def entrypoint_calls(platform: Platform, service: str, method: str) -> int:
    """How often ``service`` ran its entrypoint ``method`` (any kind and outcome) since it
    started: a test counts what an action asked of a service by reading this before and after."""
    samples = service_metrics(platform, service, ENTRYPOINT_COUNT)
    return sum(int(sample.value) for sample in samples if sample.labels["method"] == method)
