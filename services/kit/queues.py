"""Replicated queues on a RabbitMQ cluster.

On one broker the services' durable queues are classic queues. On a cluster (RabbitMQ 4 has no
mirrored classic queues any more) they must be quorum queues, replicated on a majority of the
nodes, or a node that stops takes its queues' messages with it. ``STADTDIALOG_QUORUM_QUEUES=1``
declares every durable, shared queue of the services (RPC, event handlers, fact consumers) as a
quorum queue; exclusive and auto-delete queues (RPC replies, broadcasts, the gateway's cache
listener) belong to one connection and stay classic.

A queue keeps its type for life: switching an existing installation means draining and deleting
the services' queues once (docs/deploy.md says how).
"""

from __future__ import annotations

import os

from kombu import Queue

QUORUM_SETTING = "STADTDIALOG_QUORUM_QUEUES"


def quorum_queues() -> bool:
    return os.environ.get(QUORUM_SETTING, "").strip().lower() in ("1", "true", "yes", "on")


def replicated(queue: Queue | None) -> Queue | None:
    """``queue`` declared as a quorum queue when the setting asks for it and the queue may be
    one (durable, shared, not auto-deleted); otherwise unchanged."""
    if queue is None or not quorum_queues():
        return queue
    if not queue.durable or queue.exclusive or queue.auto_delete:
        return queue
    queue.queue_arguments = {**(queue.queue_arguments or {}), "x-queue-type": "quorum"}
    return queue
