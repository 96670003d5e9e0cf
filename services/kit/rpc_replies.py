"""RPC reply queues that live and die with their broker node.

nameko declares each process's reply queue durable (with an expiry). On a RabbitMQ cluster a
durable classic queue belongs to the node it was declared on: when that node stops, the
queue is "down or inaccessible" and the process, reconnected to another node, cannot declare
it again — its calls to other services never get an answer until the node returns. A reply
queue holds nothing worth keeping (a caller that lost its connection has given up), so the
kit's are transient: the cluster removes them with their node and the reconnected process
declares its queue anew on the node it now talks to. On one broker nothing changes.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from kombu import Queue
from nameko.rpc import (
    RPC_REPLY_QUEUE_TEMPLATE,
    RPC_REPLY_QUEUE_TTL,
    ReplyListener,
    get_rpc_exchange,
)
from nameko.rpc import RpcProxy as NamekoRpcProxy
from nameko.standalone.rpc import SingleThreadedReplyListener

from services.kit.messaging import BROKER_GONE

log = logging.getLogger(__name__)


def _declare_transient_reply_queue(listener: Any) -> None:
    # nameko's ReplyListener.setup, with the queue not durable.
    reply_queue_uuid = uuid.uuid4()
    listener.routing_key = str(reply_queue_uuid)
    listener.queue = Queue(
        RPC_REPLY_QUEUE_TEMPLATE.format(listener.container.service_name, reply_queue_uuid),
        exchange=get_rpc_exchange(listener.container.config),
        routing_key=listener.routing_key,
        durable=False,
        queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL},
    )
    listener.queue_consumer.register_provider(listener)


class TransientReplyListener(ReplyListener):
    """The reply listener of a service's ``RpcProxy`` dependencies."""

    def setup(self) -> None:
        _declare_transient_reply_queue(self)

    def handle_message(self, body: Any, message: Any) -> None:
        # nameko acks the reply first; when the broker has just gone away that ack raises, the
        # exception ends the consuming thread and nameko kills the whole service (seen in the
        # broker-outage test). The reply has arrived all the same: hand it to its caller.
        try:
            self.queue_consumer.ack_message(message)
        except BROKER_GONE as exc:
            log.warning("acknowledgement of an RPC reply lost, broker unreachable (%s)", exc)
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:
            waiting.send(body)


class TransientStandaloneReplyListener(SingleThreadedReplyListener):
    """The reply listener of a standalone ``ClusterRpcProxy`` (the gateway's)."""

    def setup(self) -> None:
        _declare_transient_reply_queue(self)


class RpcProxy(NamekoRpcProxy):
    """nameko's ``RpcProxy`` dependency with a transient reply queue."""

    rpc_reply_listener = TransientReplyListener()
