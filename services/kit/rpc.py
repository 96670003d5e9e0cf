"""The ``@rpc`` entrypoint every service uses: nameko's, hardened against broker outages.

nameko kills the whole service container when it cannot publish an RPC reply (broker gone
between request and reply). The caller has a timeout and gives up anyway, so a lost reply is
logged instead; the request stays unacknowledged and the broker delivers it again once it is
back (at-least-once: service methods are written to be safe to repeat). Everything the method
changed, and the facts it stored in its outbox, are already in the database.
"""

from __future__ import annotations

import logging
from typing import Any

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, RpcConsumer, get_rpc_exchange
from nameko.rpc import Rpc as NamekoRpc

from services.kit.db import database_away
from services.kit.errors import DomainError, Unavailable
from services.kit.messaging import BROKER_GONE
from services.kit.queues import replicated

log = logging.getLogger(__name__)


class ReplyPublisher(Publisher):
    """Publishes RPC replies without waiting for the broker's confirm.

    A confirm protects nothing here: a reply goes to the caller's own transient queue, and a
    reply the broker drops leaves the caller to its timeout exactly as a failed confirm would
    (the work is done and stored either way). Not waiting saves a round trip to the broker
    and its confirm frame on every call (bench/join_cpu.py). Requests keep their confirms:
    nameko needs them to tell an unknown service."""

    use_confirms = False


class ReplyResponder(Responder):
    publisher_cls = ReplyPublisher


class ReplicatedRpcConsumer(RpcConsumer):
    """nameko's RPC queue of the service, a quorum queue on a cluster (services/kit/queues.py)."""

    def setup(self) -> None:
        super().setup()
        replicated(self.queue)

    def handle_result(self, message, result, exc_info):  # noqa: ANN001, ANN201
        """nameko's own, with the reply published unconfirmed (``ReplyPublisher``)."""
        config = self.container.config
        responder = ReplyResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(NamekoRpc):
    rpc_consumer = ReplicatedRpcConsumer()

    def __init__(self, expected_exceptions: Any = (DomainError,), **kwargs: Any) -> None:
        # Domain errors are answers, not failures: nameko logs them as expected.
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):  # noqa: ANN001, ANN201
        if exc_info is not None and database_away(exc_info[1]):
            # The database is away (restart, failover): an answer the caller can act on (503,
            # try again) rather than a bug; nothing was half-written by a failed connection.
            log.warning("database unreachable in %s: %s", worker_ctx.call_id, exc_info[1])
            error = Unavailable()
            exc_info = (Unavailable, error, exc_info[2])
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning(
                "reply of %s lost, broker unreachable (%s); the caller times out",
                worker_ctx.call_id,
                exc,
            )
            return result, exc_info


rpc: Any = Rpc.decorator
