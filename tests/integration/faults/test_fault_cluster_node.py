"""The platform on a three-node RabbitMQ cluster with quorum queues: one node stops under load.

Three ``rabbitmq-server`` nodes on this machine (``deploy/local/rabbitmq-cluster``), every
service and a gateway of their own connected with all three addresses (kombu fails over),
``STADTDIALOG_QUORUM_QUEUES=1``. Citizens join table talks through the gateway while the
node every client is connected to stops (its whole Erlang VM). Checked: every request is
answered (2xx, or 503 with Retry-After) in time; after the failover every join goes through;
no one is registered twice; every registration's public fact reaches a quorum queue of our
own — nothing lost, nothing twice after de-duplication by id.

Starting three nodes takes about a minute on two cores: the test runs with
``STADTDIALOG_SLOW_TESTS=1`` (docs/deploy.md, docs/resilience.md).
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_support import ANSWER_WITHIN, Load, unexpected
from kombu import Connection, Exchange, Queue

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, table_talk_city  # noqa: E402

from services.kit import cloudevents  # noqa: E402
from services.kit.mailsink import MailSink  # noqa: E402
from services.kit.queues import QUORUM_SETTING  # noqa: E402
from services.kit.registry import SERVICES  # noqa: E402
from services.kit.testbed import REPO, Infra, Platform, free_port  # noqa: E402
from services.kit.testing import OPERATOR_EMAIL, wait_until  # noqa: E402

pytestmark = [
    pytest.mark.integration,
    pytest.mark.serial,
    pytest.mark.skipif(
        os.environ.get("STADTDIALOG_SLOW_TESTS") != "1",
        reason="a three-node RabbitMQ cluster: set STADTDIALOG_SLOW_TESTS=1",
    ),
]

CLUSTER = REPO / "deploy" / "local" / "rabbitmq-cluster"
GUESTS = 12
TALKS = 3
JOINED = "stadtdialog.dialogue.registration."


def _cluster(*args: str) -> str:
    done = subprocess.run(
        ["bash", str(CLUSTER), *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _free_base() -> int:
    """A base port whose three AMQP and three distribution ports are free."""
    for _ in range(50):
        base = free_port() // 10 * 10
        if base + 103 < 32_000 and all(_free(base + offset) for offset in (1, 2, 3, 101, 102, 103)):
            return base
    raise RuntimeError("no free ports for a cluster")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[int, str]]:
    base = _free_base()
    try:
        printed = _cluster("up", str(base))
        yield base, re.search(r"AMQP_URI='([^']+)'", printed).group(1)
    finally:
        _cluster("down", str(base))


@pytest.fixture(scope="module")
def on_cluster(cluster, api, infra, tmp_path_factory) -> Iterator[tuple[Platform, object]]:  # noqa: ANN001
    _base, uri = cluster
    before = os.environ.get(QUORUM_SETTING)
    os.environ[QUORUM_SETTING] = "1"  # for the processes this platform starts
    sink = MailSink(port=free_port()).start()
    ours = Infra(uri, infra.mongodb_uri, f"{infra.db_prefix}_cluster", own_broker=False)
    client = ours.mongo()
    for name in client.list_database_names():
        if name.startswith(f"{ours.db_prefix}_"):
            client.drop_database(name)
    platform = Platform(infra=ours, mail_sink=sink, logs=tmp_path_factory.mktemp("cluster"))
    try:
        for service in SERVICES:
            platform.service(service)
        # The suite's HTTP client (tests/conftest.py), pointed at this platform's gateway.
        yield platform, type(api)(base=platform.gateway(), sink=sink)
    finally:
        platform.stop_all()
        sink.stop()
        if before is None:
            os.environ.pop(QUORUM_SETTING, None)
        else:
            os.environ[QUORUM_SETTING] = before


def _queue_types(base: int) -> dict[str, str]:
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "-n", f"sdcluster-{base}-1@localhost", "list_queues", "name", "type"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return dict(line.split("\t")[:2] for line in listed.splitlines() if "\t" in line)


def _operator(api) -> dict:  # noqa: ANN001 - tests/conftest.py Api
    account = api.register(email=OPERATOR_EMAIL)
    token = api.mailed_token(OPERATOR_EMAIL)
    assert api.post("/accounts/verify", {"token": token}).status_code == 200
    login = api.post("/sessions", {"email": OPERATOR_EMAIL, "password": account["password"]})
    return {**account, "token": login.json()["token"]}


def test_a_node_stops_under_load_and_nothing_is_lost(cluster, on_cluster) -> None:
    base, uri = cluster
    platform, api = on_cluster
    types = _queue_types(base)
    # The services' shared queues are replicated; reply queues belong to one connection.
    for name in ("rpc-identity", "rpc-dialogue", "events.results", "cities.tallies"):
        assert types.get(name) == "quorum", types
    assert any(t == "classic" for n, t in types.items() if n.startswith("rpc.reply")), types

    city = table_talk_city(api, CityMaker(api, _operator(api)), platform)
    slug = city["slug"]
    host = api.verified_login()
    talks = [create_talk(api, slug, host, city["topic"]["id"], capacity=6) for _ in range(TALKS)]
    guests = [api.verified_login() for _ in range(GUESTS)]

    # Our own quorum queue on the public stream, declared before the first join.
    facts = Queue(
        f"clustertest-{uuid.uuid4().hex[:8]}",
        exchange=Exchange("stadtdialog.public", type="topic", durable=True, passive=True),
        routing_key=f"{slug}.dialogue.registration.*",
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )
    with Connection(uri) as connection:
        facts(connection.channel()).declare()

    pending = {(guest["id"], talk["id"]): guest for guest in guests for talk in talks}
    order = itertools.cycle(list(pending))

    def join(load: Load) -> None:
        with load._lock:
            if not pending:
                return
            key = next(k for k in order if k in pending)
            guest = pending[key]
        path = f"/cities/{slug}/talks/{key[1]}/registrations"
        answer = load.record("join", lambda: api.post(path, token=guest["token"]))
        if answer is not None and answer.status_code in (200, 201):
            with load._lock:
                pending.pop(key, None)

    def read(load: Load) -> None:
        load.record("list", lambda: api.get(f"/cities/{slug}/talks", token=host["token"]))

    with Load() as load:
        for n in range(3):
            load.run(f"join-{n}", join)
        load.run("read", read)
        wait_until(lambda: load.count("join", 200) >= 3, 60, "joins before the node stops")
        _cluster("stop-node", str(base), "1")  # every client's first address: all fail over
        stopped_at = len(load.answers)
        wait_until(
            lambda: any(a.status == 200 for a in load.answers[stopped_at:] if a.what == "join"),
            120,
            "a join through the remaining nodes",
        )
        wait_until(lambda: not pending, 240, "every join through (503s retried)")
        answers = load.stop()

    assert unexpected(answers, {200, 201}) == [], unexpected(answers, {200, 201})[:5]
    assert max(a.seconds for a in answers) <= ANSWER_WITHIN, max(a.seconds for a in answers)

    registrations = list(platform.infra.database("dialogue")["registrations"].find({"city": slug}))
    people = [(row["person"], row["talk_id"]) for row in registrations]
    assert len(people) == len(set(people)) == GUESTS * TALKS  # everyone once per talk

    received: dict[str, dict] = {}
    wanted = {str(row["_id"]) for row in registrations}

    def every_fact_arrived() -> bool:
        with Connection(uri) as connection:
            bound = facts(connection.channel())
            while (message := bound.get(no_ack=True, accept=cloudevents.ACCEPT)) is not None:
                received[message.payload["id"]] = message.payload  # de-duplicated by id
        seen = {
            f["data"]["registration_id"]
            for f in received.values()
            if f["type"].startswith(JOINED) and not f["type"].startswith(JOINED + "cancelled")
        }
        return wanted <= seen

    wait_until(every_fact_arrived, 120, "a public fact for every registration")
