"""End-to-end throughput of the event stream: fact stored in an outbox → third-party consumer.

    python bench/event_stream.py               # 2,000 facts
    python bench/event_stream.py --events 10000

Uses the real parts: FerretDB (or MONGODB_URI) for the outbox, RabbitMQ (or AMQP_URI) with
publisher confirms, the kit's ``OutboxWriter`` and ``OutboxRelay`` exactly as every service
runs them, and a plain kombu consumer with manual acks on a queue bound to
``stadtdialog.public`` with ``<city>.#`` (as docs/examples/city_consumer.py does). Runs in a
vhost and a database of its own, dropped at the end.

Prints, for three ways of running:
* stored first, then drained: outbox insert rate, then relay → consumer rate;
* streaming: writer and relay at the same time (first insert → last fact consumed), the writer
  handing each stored row to the relay as a service does, and again with every row read back
  from the outbox (as before services/kit/handed_rows.py);
* baseline: kombu publishing the same envelopes with confirms, no database (the ceiling),
  once before the streaming runs and once after them (the ratio uses their mean: the machine's
  speed drifts);
plus latency (fact time → consumer) p50/p95 and the ratio to the baseline. Figures, never a
pass/fail: the machine's load changes them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kombu import Connection, Consumer, Queue  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from services.kit import cloudevents  # noqa: E402
from services.kit.outbox import (  # noqa: E402
    OutboxRelay,
    OutboxWriter,
    public_exchange,
    publish_envelope,
    published_of,
)

INFRA = ROOT / "deploy" / "local" / "infra"
SERVICE = "bench"
CITY = "benchstadt"


def infrastructure() -> tuple[str, str, str | None]:
    """(amqp uri of a fresh vhost, mongodb uri, vhost to delete or None)."""
    amqp, mongo = os.environ.get("AMQP_URI"), os.environ.get("MONGODB_URI")
    if amqp and mongo:
        return amqp, mongo, None
    out = subprocess.run([str(INFRA), "up"], check=True, capture_output=True, text=True).stdout
    found = dict(
        line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line
    )
    amqp = amqp or found["AMQP_URI"].strip("'")
    mongo = mongo or found["MONGODB_URI"].strip("'")
    vhost = f"stadtdialog_bench_{uuid.uuid4().hex[:6]}"
    subprocess.run([str(INFRA), "fresh-vhost", vhost], check=True, capture_output=True)
    return f"{amqp.rstrip('/')}/{vhost}", mongo, vhost


class Counter:
    """A kombu consumer in a thread: acks each fact, keeps ids and latencies."""

    def __init__(self, amqp_uri: str, expected: int) -> None:
        self.amqp_uri = amqp_uri
        self.expected = expected
        self.ids: set[str] = set()
        self.latencies: list[float] = []
        self.last_at = 0.0
        self.done = threading.Event()
        self.ready = threading.Event()
        self.queue = Queue(
            f"bench-{uuid.uuid4().hex}",
            exchange=public_exchange(),
            routing_key=f"{CITY}.#",
            durable=True,
            auto_delete=False,
        )
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        self.ready.wait(30)

    def on_message(self, body: dict, message) -> None:  # noqa: ANN001
        now = time.time()
        sent = datetime.fromisoformat(body["time"].replace("Z", "+00:00")).timestamp()
        self.latencies.append(now - sent)
        self.ids.add(body["id"])
        self.last_at = time.perf_counter()
        message.ack()
        if len(self.ids) >= self.expected:
            self.done.set()

    def run(self) -> None:
        with (
            Connection(self.amqp_uri) as conn,
            Consumer(
                conn, queues=[self.queue], callbacks=[self.on_message], accept=cloudevents.ACCEPT
            ) as consumer,
        ):
            consumer.qos(prefetch_count=200)
            self.ready.set()
            while not self.done.is_set():
                try:
                    conn.drain_events(timeout=0.5)
                except TimeoutError:
                    continue
            self.queue(conn.default_channel).delete()

    def wait(self, timeout: float) -> float:
        if not self.done.wait(timeout):
            raise SystemExit(f"only {len(self.ids)} of {self.expected} facts arrived")
        self.thread.join(10)
        return self.last_at


def drain(relay: OutboxRelay, writer: OutboxWriter, stop: threading.Event) -> None:
    """The relay loop a service runs (without the wake-up: it polls as fast as it can)."""
    while True:
        if not relay.publish_pending():
            if stop.is_set() and writer.pending_count() == 0:
                return
            time.sleep(0.005)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def report(name: str, count: int, seconds: float, latencies: list[float] | None = None) -> float:
    rate = count / seconds
    line = f"{name:<44} {count:>7} facts {seconds:>8.2f} s {rate:>9.0f} facts/s"
    if latencies:
        line += (
            f"   latency p50 {statistics.median(latencies) * 1000:7.1f} ms"
            f"  p95 {percentile(latencies, 0.95) * 1000:7.1f} ms"
        )
    print(line, flush=True)
    return rate


def facts(writer: OutboxWriter, count: int) -> None:
    for n in range(count):
        writer.add("fact", "stored", {"n": n}, city=CITY, subject=str(n), public=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    amqp_uri, mongo_uri, vhost = infrastructure()
    client = MongoClient(mongo_uri, tz_aware=True)
    database = client[f"sdbench_{uuid.uuid4().hex[:6]}"]
    n = args.events
    print(f"event stream, {n} facts per run, publisher confirms on, persistent messages")
    try:
        # 1. stored first, then drained.
        collection = database["outbox_stored"]
        writer = OutboxWriter(collection, SERVICE)
        started = time.perf_counter()
        facts(writer, n)
        report("outbox inserts (OutboxWriter.add)", n, time.perf_counter() - started)
        counter = Counter(amqp_uri, n)
        relay = OutboxRelay(collection, SERVICE, amqp_uri)
        started = time.perf_counter()
        drain(relay, writer, stop=already_set())  # everything is stored: drain until empty
        finished = counter.wait(300)
        relay.close()
        report("stored → relay (confirms) → consumer", n, finished - started, counter.latencies)

        # 2. the baseline, 3. streaming, and the baseline again: the machine's speed drifts
        # (other VMs share the host), so the streaming runs are compared with the mean of a
        # baseline just before and one just after them.
        envelopes = [row["envelope"] for row in published_of(database["outbox_stored"]).find()]
        before = baseline(amqp_uri, envelopes, "baseline: kombu publish (confirms) → consumer")
        # Streaming: the writer and the relay at once, as in a running service: the writer hands
        # each stored row to the relay (handed_rows), and, for comparison, without that.
        streaming = stream(database["outbox_streaming"], amqp_uri, n, handoff=True)
        read_back = stream(database["outbox_read_back"], amqp_uri, n, handoff=False)
        after = baseline(amqp_uri, envelopes, "  the baseline again")
        mean = (before + after) / 2
        print(f"streaming end to end / baseline (mean of both): {streaming / mean:.2f}")
        print(f"streaming, every row read back / baseline: {read_back / mean:.2f}")
    finally:
        client.drop_database(database.name)
        client.close()
        if vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)
    return 0


def stream(collection, amqp_uri: str, n: int, handoff: bool) -> float:  # noqa: ANN001
    """Writer and relay at once; the rate from the first insert to the last fact consumed."""
    counter = Counter(amqp_uri, n)
    relay = OutboxRelay(collection, SERVICE, amqp_uri)
    writer = OutboxWriter(collection, SERVICE, handoff=relay.handed if handoff else None)
    stop = threading.Event()
    thread = threading.Thread(target=drain, args=(relay, writer, stop), daemon=True)
    started = time.perf_counter()
    thread.start()
    facts(writer, n)
    stop.set()
    finished = counter.wait(300)
    thread.join(60)
    relay.close()
    name = "streaming: insert → relay → consumer" if handoff else "  the same, every row read back"
    return report(name, n, finished - started, counter.latencies)


def baseline(amqp_uri: str, envelopes: list[dict], name: str) -> float:
    """The broker with confirms and no database in the way: kombu publishes the envelopes."""
    counter = Counter(amqp_uri, len(envelopes))
    for envelope in envelopes:
        envelope["time"] = datetime.now().astimezone().isoformat()
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        started = time.perf_counter()
        for envelope in envelopes:
            publish_envelope(producer, envelope, public=True)
        finished = counter.wait(300)
    return report(name, len(envelopes), finished - started)


def already_set() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


if __name__ == "__main__":
    raise SystemExit(main())
