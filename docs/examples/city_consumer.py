#!/usr/bin/env python3
"""An example third-party consumer of the Stadtdialog event stream, with plain kombu.

It follows one city: a durable queue of its own, bound to the topic exchange
``stadtdialog.public`` with ``<city>.#``, survives broker restarts (it reconnects), and
de-duplicates by the CloudEvents ``id`` (delivery is at-least-once) with a small SQLite file,
so a fact is printed once even if it arrives twice or after a restart of this program.
Each new fact is printed as one JSON line on stdout; what happens is told on stderr.

    pip install kombu
    python city_consumer.py --city musterstadt --amqp-uri amqp://user:pass@broker:5672/

Options: ``--queue`` (default ``example.<city>``; keep it stable: the broker keeps facts for
it while you are away), ``--seen`` (the de-duplication file), ``--idle-exit N`` (stop after N
quiet seconds), ``--max-events N`` (stop after N new facts). Only the standard library and
kombu: copy it, and put your own processing where ``handle`` prints. To make the processing
itself exactly-once, do it in the same SQLite (or your database's) transaction that records
the id, as ``handle`` does with printing.
"""

from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import sys
import time
from typing import Any

from kombu import Connection, Consumer, Exchange, Queue
from kombu.exceptions import OperationalError
from kombu.message import Message
from kombu.serialization import register

# Passive: the platform declares the exchange; an integrator's broker user may not (its
# permissions allow reading it and binding its own queues with its cities' keys only).
EXCHANGE = Exchange("stadtdialog.public", type="topic", durable=True, passive=True)

# Facts arrive as CloudEvents in structured mode, content type application/cloudevents+json
# (the CloudEvents AMQP binding): tell kombu that this is JSON.
register("cloudevents", json.dumps, json.loads, "application/cloudevents+json", "utf-8")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class SeenIds:
    """The ids already handled, in a SQLite file: survives restarts of this program."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.execute(
            "create table if not exists seen (id text primary key, type text, time text)"
        )

    def handle_once(self, envelope: dict[str, Any], handle) -> bool:  # noqa: ANN001
        """Record the id and handle the fact in one transaction; False if seen before."""
        self.db.execute("begin immediate")
        try:
            self.db.execute(
                "insert into seen (id, type, time) values (?, ?, ?)",
                (envelope["id"], envelope.get("type"), envelope.get("time")),
            )
        except sqlite3.IntegrityError:
            self.db.execute("rollback")
            return False
        try:
            handle(envelope)
        except BaseException:
            self.db.execute("rollback")  # not handled: a redelivery will try again
            raise
        self.db.execute("commit")
        return True


def handle(envelope: dict[str, Any]) -> None:
    """Your processing goes here; the example prints the fact as one JSON line."""
    fact = {k: envelope.get(k) for k in ("id", "type", "time", "city", "subject", "data")}
    print(json.dumps(fact, ensure_ascii=False), flush=True)


class CityConsumer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.queue = Queue(
            args.queue or f"example.{args.city}",
            exchange=EXCHANGE,
            routing_key=f"{args.city}.#",
            durable=True,  # the broker keeps it, and its facts, across restarts
            auto_delete=False,
        )
        self.seen = SeenIds(args.seen or f"{self.queue.name}.seen.sqlite")
        self.received = self.new = self.duplicates = self.reconnects = 0
        self.last_activity = time.monotonic()
        self.stopping = False
        probe = Connection(args.amqp_uri)
        # What a broker restart or a network break raises: reconnect on these, fail on others.
        # (A reconnect attempt that fails is reported as kombu's OperationalError.)
        self.broker_errors = (
            OSError,
            OperationalError,
            *probe.connection_errors,
            *probe.channel_errors,
        )

    def on_message(self, body: Any, message: Message) -> None:
        self.received += 1
        self.last_activity = time.monotonic()
        envelope = body if isinstance(body, dict) else None
        if envelope is None or not envelope.get("id"):
            say(f"not a Stadtdialog event, dropped: {str(body)[:200]}")
            message.ack()
            return
        if self.seen.handle_once(envelope, handle):
            self.new += 1
        else:
            self.duplicates += 1
        message.ack()  # only after the fact is recorded: a crash before means a redelivery
        if self.args.max_events and self.new >= self.args.max_events:
            self.stopping = True

    def run(self) -> None:
        backoff = 0.5
        while not self.stopping:
            try:
                with Connection(self.args.amqp_uri, heartbeat=10, connect_timeout=5) as conn:
                    conn.ensure_connection(max_retries=1)
                    with Consumer(
                        conn,
                        queues=[self.queue],
                        callbacks=[self.on_message],
                        accept=["cloudevents", "json"],
                    ) as consumer:
                        consumer.qos(prefetch_count=100)
                        say(f"listening on {self.queue.name} for {self.args.city}.#")
                        self.last_activity = time.monotonic()  # quiet time counts from here
                        backoff = 0.5
                        self._drain(conn)
            except self.broker_errors as exc:
                if self.stopping:
                    break
                self.reconnects += 1
                say(f"broker away ({type(exc).__name__}): retrying in {backoff:.1f} s")
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    def _drain(self, conn: Connection) -> None:
        while not self.stopping:
            try:
                conn.drain_events(timeout=1)
            except TimeoutError:
                conn.heartbeat_check()
                idle = time.monotonic() - self.last_activity
                if self.args.idle_exit and idle >= self.args.idle_exit:
                    self.stopping = True

    def summary(self) -> str:
        return (
            f"received {self.received}, new {self.new}, duplicates {self.duplicates}, "
            f"reconnects {self.reconnects}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--city", required=True, help="the city's slug, e.g. musterstadt")
    parser.add_argument("--amqp-uri", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--queue", help="durable queue name (default example.<city>)")
    parser.add_argument("--seen", help="SQLite file of handled ids (default <queue>.seen.sqlite)")
    parser.add_argument("--idle-exit", type=float, default=0, help="stop after N quiet seconds")
    parser.add_argument("--max-events", type=int, default=0, help="stop after N new facts")
    consumer = CityConsumer(parser.parse_args(argv))

    def stop(*_: Any) -> None:
        consumer.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    consumer.run()
    say(consumer.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
