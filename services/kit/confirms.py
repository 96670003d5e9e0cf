"""Publisher confirms for a batch: publish many messages on one channel, then wait once.

kombu's ``confirm_publish`` waits for the broker's answer after every message: one network
round trip (and, for persistent messages, one disk flush) per message. Here a py-amqp channel
in confirm mode (``confirm_select``) takes a whole batch with ``basic_publish`` and the caller
waits once for all answers. The broker numbers the messages of a confirm-mode channel 1, 2, 3 …
and answers with ``basic.ack`` or ``basic.nack``, each either for one number or, with
``multiple``, for every number up to it.

Each message belongs to a *key* (the relay's row id; a public fact is two messages). A key is
confirmed once all its messages were acked, refused once one of them was nacked; anything not
yet answered when the channel or the connection fails is neither, and the caller keeps it for
the next try. Nothing counts as confirmed before its ack.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from amqp import Channel, Message


class ConfirmTimeout(TimeoutError):
    """The broker did not answer every message in time (it stalls or went away unnoticed).
    A ``TimeoutError`` (``OSError``): callers treat it as the broker being away."""


class ConfirmBatch:
    """One py-amqp channel in confirm mode; ``publish`` many, ``wait`` once.

    The channel must not use kombu's per-message confirms (``confirm_publish``), which would
    wait inside every ``basic_publish``, and must not be used for publishing by anyone else
    (the broker's numbering counts every message on the channel)."""

    def __init__(self, channel: Channel) -> None:
        if getattr(channel.connection, "confirm_publish", False):
            raise ValueError("the channel's connection waits per message (confirm_publish)")
        self.channel = channel
        channel.confirm_select()
        self._sent = 0  # the broker's number of the last message published on this channel
        self._owner: dict[int, Hashable] = {}  # unanswered message number -> key
        self._open: dict[Hashable, int] = {}  # key -> its messages still unanswered
        self.confirmed: set[Hashable] = set()
        self.refused: set[Hashable] = set()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)

    def publish(self, key: Hashable, message: Message, exchange: str, routing_key: str) -> None:
        """Send one message of ``key`` (mandatory off: an unroutable message is acked and
        dropped by the broker, as with kombu's defaults)."""
        self._sent += 1  # numbered before sending: the answer may come with the next read
        self._owner[self._sent] = key
        self._open[key] = self._open.get(key, 0) + 1
        self.channel.basic_publish(message, exchange=exchange, routing_key=routing_key)

    @property
    def waiting(self) -> int:
        """Messages the broker has not answered yet."""
        return len(self._owner)

    def wait(self, timeout: float) -> None:
        """Read the broker's answers until every published message has one.

        Raises ``ConfirmTimeout`` after ``timeout`` seconds, or what the connection raises when
        the broker closes the channel or the connection; ``confirmed`` and ``refused`` then
        hold what was answered before."""
        deadline = time.monotonic() + timeout
        while self._owner:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConfirmTimeout(f"{len(self._owner)} messages unconfirmed after {timeout}s")
            try:
                self.channel.connection.drain_events(timeout=remaining)
            except TimeoutError:  # socket.timeout: checked against the deadline above
                continue

    def take(self) -> tuple[set[Hashable], set[Hashable]]:
        """(confirmed, refused) keys so far, forgotten here; unanswered keys stay counted."""
        confirmed, refused = self.confirmed, self.refused
        self.confirmed, self.refused = set(), set()
        return confirmed, refused

    def _answered(self, tag: int, multiple: bool) -> list[Any]:
        """The keys of the messages an ack/nack with ``tag`` answers, each once per message."""
        if multiple:
            tags = []
            for number in self._owner:  # in publishing order: stop at the first one after
                if number > tag:
                    break
                tags.append(number)
        else:
            tags = [tag] if tag in self._owner else []
        return [self._owner.pop(number) for number in tags]

    def _on_ack(self, tag: int, multiple: bool) -> None:
        for key in self._answered(tag, multiple):
            left = self._open[key] = self._open[key] - 1
            if left == 0:
                del self._open[key]
                if key not in self.refused:
                    self.confirmed.add(key)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        for key in self._answered(tag, multiple):
            self.refused.add(key)  # one refused message refuses the key: it is sent again
            self.confirmed.discard(key)
            left = self._open[key] = self._open[key] - 1
            if left == 0:
                del self._open[key]
