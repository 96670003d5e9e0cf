"""What a running process counted: samples from its ``/metrics`` (tests and benchmarks read
them before and after an action to see what the action asked of a service).

Which count to read: a service records a worker's result after nameko has sent the RPC reply,
so its own counts (``service_metrics``) may trail the gateway's answer by a moment; the
gateway counts each of its calls before it answers (``gateway_calls``), exact at once.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import requests
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

if TYPE_CHECKING:
    from services.kit.testbed import Platform

ENTRYPOINT_COUNT = "stadtdialog_service_entrypoint_seconds_count"
GATEWAY_RPC_COUNT = "stadtdialog_gateway_rpc_seconds_count"  # gateway/metrics.py
DB_COMMANDS = "stadtdialog_db_commands_total"  # services/kit/db_metrics.py
SETTLES = "stadtdialog_settles_total"  # services/kit/settle_turns.py
SETTLE_SECONDS = "stadtdialog_settle_seconds_total"
QUEUE_MESSAGES = "stadtdialog_queue_messages"  # services/kit/observability.py


def _samples(url: str, names: tuple[str, ...]) -> list[Sample]:
    """The samples called ``names`` from the Prometheus text at ``url``."""
    families = text_string_to_metric_families(requests.get(url, timeout=5).text)
    return [sample for family in families for sample in family.samples if sample.name in names]


def service_metrics(platform: Platform, service: str, *names: str) -> list[Sample]:
    """The samples called ``names`` from the ``/metrics`` of ``service``'s process."""
    return _samples(f"http://127.0.0.1:{platform.metrics_ports[service]}/metrics", names)


def gateway_calls(platform: Platform, service: str) -> Counter[str]:
    """How often the gateway called each method of ``service`` (any outcome) since it started:
    counted in the request before the gateway answers, so a read after an answer includes it."""
    calls: Counter[str] = Counter()
    for sample in _samples(f"{platform.gateway_url}/metrics", (GATEWAY_RPC_COUNT,)):
        if sample.labels["service"] == service:
            calls[sample.labels["method"]] += int(sample.value)
    return calls
