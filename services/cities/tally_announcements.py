"""Which cities' counts moved since they were last announced (pure, thread-safe).

Every public fact of the platform is counted (``count_public_fact``), and the gateway's cached
public pages must then read the counts again. Announcing each count with a fact of its own cost
an outbox row, a relay round, a broker message and a cache clear per join or support; the
gateway only needs to hear *that* a city's counts moved, soon after. So the counting marks the
city here and a timer announces each marked city once per tick.

A process that dies between marking and announcing loses its marks, so a new process starts
with ``everything`` pending: its first tick announces every city once (a few cities, one outbox
row each), and no cached page stays stale after a restart.
"""

from __future__ import annotations

import threading


class PendingCounts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cities: set[str] = set()
        self._everything = True  # a fresh process: marks of a process before it may be lost

    def mark(self, city: str) -> None:
        with self._lock:
            self._cities.add(city)

    def take(self) -> tuple[bool, set[str]]:
        """``(everything, cities)`` marked since the last take; empties the marks."""
        with self._lock:
            taken = (self._everything, self._cities)
            self._everything, self._cities = False, set()
        return taken

    def give_back(self, everything: bool, cities: set[str]) -> None:
        """Marks whose announcement failed (the database away): the next tick tries again."""
        with self._lock:
            self._everything = self._everything or everything
            self._cities |= cities


# One per process: every worker of the cities service marks here, its timer announces.
PENDING = PendingCounts()
