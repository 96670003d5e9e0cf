"""After a broker restart every gateway thread answers again at once: none sends its request
while its reply queue is gone with the old broker (it would wait the whole RPC timeout for a
503 although the service answered)."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from gateway.rpc import _replies_can_arrive
from services.kit.testing import wait_until

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]

CLIENTS = 8  # as many as the test gateway has threads
ROUNDS = 6


def _statuses(api, token: str) -> list[int]:  # noqa: ANN001
    """``CLIENTS`` clients ask ``ROUNDS`` times each, side by side: every thread serves some."""

    def ask(_: int) -> list[int]:
        return [api.get("/me", token=token).status_code for _ in range(ROUNDS)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [status for answers in pool.map(ask, range(CLIENTS)) for status in answers]


def test_every_gateway_thread_answers_right_after_a_broker_restart(api, platform, infra) -> None:
    person = api.verified_login()
    assert set(_statuses(api, person["token"])) == {200}  # every thread holds a proxy now
    # What the gateway checks before each call, on a proxy of our own.
    proxy = ClusterRpcProxy({"AMQP_URI": infra.amqp_uri, "serializer": "json"}, timeout=5)
    proxy.start()
    assert all(_replies_can_arrive(proxy) for _ in range(3))  # open and quiet: keep it

    platform.broker_stop()
    platform.broker_start()
    assert not _replies_can_arrive(proxy)  # closed by the restart: rebuild it
    with contextlib.suppress(Exception):  # its connection is gone already
        proxy.stop()
    # The services reconnect on their own; the first answer says the identity service is back.
    wait_until(lambda: api.get("/me", token=person["token"]).status_code == 200, 60, "served")

    statuses = _statuses(api, person["token"])
    assert statuses == [200] * (CLIENTS * ROUNDS), statuses
    assert platform.exited() == {}  # no service died of the restart
