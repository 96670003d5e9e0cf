"""Batch publisher confirms (services.kit.confirms): which keys count as confirmed.

The broker is played by a small channel that numbers what is published and answers with the
basic.ack / basic.nack frames a test scripts (``multiple`` or not), the way py-amqp hands them
to the channel's ``events``. The real broker is in tests/integration/kit/test_kit_outbox_*.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pytest
from amqp import Message
from amqp.exceptions import ChannelError, NotFound

from services.kit.confirms import ConfirmBatch, ConfirmTimeout

Answer = Callable[["ScriptedChannel"], None]


class ScriptedConnection:
    confirm_publish = False

    def __init__(self, channel: ScriptedChannel) -> None:
        self.channel = channel

    def drain_events(self, timeout: float | None = None) -> None:
        if not self.channel.script:
            raise TimeoutError("nothing to read")  # socket.timeout in py-amqp
        self.channel.script.pop(0)(self.channel)


class ScriptedChannel:
    def __init__(self) -> None:
        self.connection = ScriptedConnection(self)
        self.events: defaultdict[str, set] = defaultdict(set)
        self.selected = False
        self.published: list[tuple[str, str]] = []
        self.script: list[Answer] = []

    def confirm_select(self) -> None:
        self.selected = True

    def basic_publish(self, message: Message, exchange: str, routing_key: str) -> None:
        self.published.append((exchange, routing_key))

    def answer(self, kind: str, tag: int, multiple: bool = False) -> None:
        for callback in self.events[kind]:
            callback(tag, multiple)


def ack(tag: int, multiple: bool = False) -> Answer:
    return lambda channel: channel.answer("basic_ack", tag, multiple)


def nack(tag: int, multiple: bool = False) -> Answer:
    return lambda channel: channel.answer("basic_nack", tag, multiple)


def close(error: ChannelError) -> Answer:
    def closing(channel: ScriptedChannel) -> None:
        raise error

    return closing


def batch(*keys_and_counts: tuple[str, int]) -> tuple[ConfirmBatch, ScriptedChannel]:
    channel = ScriptedChannel()
    confirms = ConfirmBatch(channel)  # type: ignore[arg-type]
    for key, count in keys_and_counts:
        for n in range(count):
            confirms.publish(key, Message("{}"), f"x{n}", key)
    return confirms, channel


def test_the_channel_is_put_in_confirm_mode_and_every_publish_counts() -> None:
    confirms, channel = batch(("a", 1), ("b", 2))
    assert channel.selected
    assert channel.published == [("x0", "a"), ("x0", "b"), ("x1", "b")]
    assert confirms.waiting == 3


def test_a_channel_that_waits_per_message_is_refused() -> None:
    channel = ScriptedChannel()
    channel.connection.confirm_publish = True
    with pytest.raises(ValueError):
        ConfirmBatch(channel)  # type: ignore[arg-type]


def test_one_multiple_ack_confirms_the_whole_batch() -> None:
    confirms, channel = batch(("a", 1), ("b", 2), ("c", 1))
    channel.script = [ack(4, multiple=True)]
    confirms.wait(1)
    assert confirms.take() == ({"a", "b", "c"}, set())
    assert confirms.waiting == 0


def test_single_acks_in_any_order() -> None:
    confirms, channel = batch(("a", 1), ("b", 1), ("c", 1))
    channel.script = [ack(3), ack(1), ack(2)]
    confirms.wait(1)
    assert confirms.take() == ({"a", "b", "c"}, set())


def test_a_key_is_confirmed_only_when_all_its_messages_are() -> None:
    confirms, channel = batch(("a", 2), ("b", 1))  # a: messages 1 and 2
    channel.answer("basic_ack", 1, False)
    assert confirms.confirmed == set()  # half of a public fact is not published
    channel.script = [ack(3, multiple=True)]
    confirms.wait(1)
    assert confirms.take() == ({"a", "b"}, set())


def test_a_nack_refuses_its_key_and_the_others_stay_confirmed() -> None:
    confirms, channel = batch(("a", 1), ("b", 2), ("c", 1))
    channel.script = [ack(1), nack(2), ack(4, multiple=True)]  # b's second message acked
    confirms.wait(1)
    assert confirms.take() == ({"a", "c"}, {"b"})


def test_a_multiple_nack_refuses_every_key_up_to_its_tag() -> None:
    confirms, channel = batch(("a", 1), ("b", 1), ("c", 1))
    channel.script = [nack(2, multiple=True), ack(3)]
    confirms.wait(1)
    assert confirms.take() == ({"c"}, {"a", "b"})


def test_a_nack_after_the_keys_first_ack_still_refuses_it() -> None:
    confirms, channel = batch(("a", 2))
    channel.script = [ack(1), nack(2)]
    confirms.wait(1)
    assert confirms.take() == (set(), {"a"})


def test_partial_acks_then_no_answer_times_out_keeping_what_was_acked() -> None:
    confirms, channel = batch(("a", 1), ("b", 1), ("c", 1))
    channel.script = [ack(2, multiple=True)]
    with pytest.raises(ConfirmTimeout):
        confirms.wait(0.05)
    assert confirms.take() == ({"a", "b"}, set())
    assert confirms.waiting == 1  # c: neither confirmed nor refused, sent again later


def test_the_channel_closing_mid_batch_keeps_only_what_was_acked() -> None:
    confirms, channel = batch(("a", 1), ("b", 2), ("c", 1))
    channel.script = [ack(2, multiple=True), close(NotFound("no exchange"))]
    with pytest.raises(NotFound):
        confirms.wait(1)
    assert confirms.take() == ({"a"}, set())  # b half acked: it stays in the outbox


def test_a_confirm_timeout_is_a_broker_away_error() -> None:
    assert issubclass(ConfirmTimeout, OSError)  # the drain loop backs off and reconnects


def test_duplicate_and_stale_answers_are_ignored() -> None:
    confirms, channel = batch(("a", 1), ("b", 1))
    channel.script = [ack(1), ack(1), ack(1, multiple=True), ack(2)]
    confirms.wait(1)
    assert confirms.take() == ({"a", "b"}, set())


def test_take_forgets_so_a_next_batch_on_the_channel_starts_clean() -> None:
    confirms, channel = batch(("a", 1))
    channel.script = [ack(1)]
    confirms.wait(1)
    assert confirms.take() == ({"a"}, set())
    confirms.publish("b", Message("{}"), "x", "b")  # number 2 on the same channel
    channel.script = [ack(2, multiple=True)]
    confirms.wait(1)
    assert confirms.take() == ({"b"}, set())
