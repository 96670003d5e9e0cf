"""RPC from the gateway: one standalone nameko proxy per thread, with timeouts.

nameko's ``ClusterRpcProxy`` is not thread-safe, so each gateway thread keeps its own. The
caller's identity is signed (``CallerSeal``) and written into the proxy's context data before
each call; services accept no other. A proxy whose
connection broke (broker restart) is thrown away and rebuilt on the next call, and one whose
reply connection was closed meanwhile is rebuilt before the call is sent. A service that
does not answer within the timeout, or is not running, becomes ``ServiceUnavailable`` (503).
"""

from __future__ import annotations

import logging
import select
import threading
import uuid
from typing import Any

from amqp.exceptions import ChannelError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import ANONYMOUS, CALLER_KEY, CORRELATION_KEY, Caller, CallerSeal
from services.kit.correlation import current_correlation_id
from services.kit.messaging import BROKER_GONE
from services.kit.rpc_replies import TransientStandaloneReplyListener

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


def _replies_can_arrive(standalone: ClusterRpcProxy) -> bool:
    """Whether this proxy's reply queue still lives on an open connection.

    After a broker restart the thread's proxy would publish its request on a fresh connection
    while its reply queue went with the old broker: the answer is dropped and the caller waits
    the whole timeout for a 503. A closed connection makes its socket readable (the broker's
    close frame or end of file), so a zero-wait ``select`` finds it before anything is sent;
    an open, quiet connection costs one system call.
    """
    queue_consumer = standalone._reply_listener.queue_consumer
    connection = queue_consumer.connection
    # A broker node that shuts down (a cluster's node stopping) closes the consumer's channel
    # while kombu may already hold a connection to the next node: the channel tells.
    consumer = getattr(queue_consumer, "consumer", None)
    if consumer is None or getattr(consumer.channel, "connection", None) is None:
        return False
    try:
        if not connection.connected:
            return False
        readable, _, _ = select.select([connection.connection.sock], [], [], 0)
        if readable:
            connection.drain_events(timeout=0.01)  # a late reply, or the error of a closed one
    except TimeoutError:  # socket.timeout: nothing more to read, the connection is open
        return True
    except Exception:  # noqa: BLE001 - any failure to read means the connection is gone
        return False
    return True


class RpcClient:
    def __init__(self, amqp_uri: str, timeout: float, seal: CallerSeal) -> None:
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self.seal = seal
        self._local = threading.local()

    def _proxy(self, timeout: float) -> tuple[ClusterRpcProxy, Any]:
        holder = getattr(self._local, "holder", None)
        if holder is None or holder[2] != timeout or not _replies_can_arrive(holder[0]):
            self.reset()
            standalone = ClusterRpcProxy(
                self.config, timeout=timeout, reply_listener_cls=TransientStandaloneReplyListener
            )
            holder = (standalone, standalone.start(), timeout)
            self._local.holder = holder
        return holder[0], holder[1]

    def reset(self) -> None:
        holder = getattr(self._local, "holder", None)
        self._local.holder = None
        if holder is not None:
            try:
                holder[0].stop()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close
                log.debug("closing a broken RPC proxy failed", exc_info=True)

    def call(
        self,
        service: str,
        method: str,
        *args: Any,
        caller: Caller | None = None,
        correlation_id: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        timeout = timeout or self.timeout
        try:
            standalone, proxy = self._proxy(timeout)
            data = standalone._worker_ctx.data  # the context data sent with every call
            data.clear()
            data[CALLER_KEY] = self.seal.sign(caller or ANONYMOUS)  # signed now: it expires
            # The request's id also when the caller did not pass it (e.g. authentication).
            data[CORRELATION_KEY] = correlation_id or current_correlation_id() or str(uuid.uuid4())
            return getattr(getattr(proxy, service), method)(*args, **kwargs)
        except RpcTimeout as exc:
            # The reply may still arrive later on this proxy's queue: start afresh.
            self.reset()
            raise ServiceUnavailable(service, f"no answer within {timeout:g} s") from exc
        except UnknownService as exc:
            raise ServiceUnavailable(service, "not running") from exc
        except BROKER_GONE as exc:
            self.reset()
            raise ServiceUnavailable(service, f"broker unreachable: {exc}") from exc
        except RuntimeError as exc:
            if "disconnected" not in str(exc):  # nameko's reply consumer lost its connection
                raise
            self.reset()
            raise ServiceUnavailable(service, "broker connection lost") from exc
        except ChannelError as exc:
            # The broker refused a channel operation: a node shutting down ("stopped by
            # supervisor", "home node … is down") while the reply queue was declared.
            self.reset()
            raise ServiceUnavailable(service, f"broker refused: {exc}") from exc
        except AttributeError as exc:
            # nameko's reply consumer waits on a channel the broker closed (its node shut down
            # while the call was under way): the channel has no connection any more.
            if "drain_events" not in str(exc):
                raise
            self.reset()
            raise ServiceUnavailable(service, "broker connection lost") from exc
