"""Which queues become quorum queues on a cluster (services/kit/queues.py)."""

from __future__ import annotations

import pytest
from kombu import Queue

from services.kit.queues import QUORUM_SETTING, replicated


def _queues() -> dict[str, Queue]:
    return {
        "rpc": Queue("rpc-dialogue", durable=True),
        "facts": Queue("events.results", durable=True, auto_delete=False),
        "with_args": Queue("x", durable=True, queue_arguments={"x-max-length": 10}),
        "reply": Queue("rpc.reply-1", durable=False, exclusive=True, auto_delete=True),
        "broadcast": Queue("evt-b", durable=True, exclusive=True, auto_delete=True),
        "fleeting": Queue("evt-f", durable=True, auto_delete=True),
    }


def test_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QUORUM_SETTING, raising=False)
    for queue in _queues().values():
        assert not (replicated(queue).queue_arguments or {}).get("x-queue-type")


@pytest.mark.parametrize("value", ["1", "true", "on", "YES"])
def test_on_a_cluster_only_durable_shared_queues(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(QUORUM_SETTING, value)
    kinds = {
        name: (replicated(q).queue_arguments or {}).get("x-queue-type")
        for name, q in _queues().items()
    }
    assert kinds == {
        "rpc": "quorum",
        "facts": "quorum",
        "with_args": "quorum",
        "reply": None,
        "broadcast": None,
        "fleeting": None,
    }
    assert replicated(_queues()["with_args"]).queue_arguments["x-max-length"] == 10
    assert replicated(None) is None
