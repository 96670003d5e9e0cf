"""Settles of one offering take turns inside a process, and one settle serves every write
made before it began.

Every join and every cancellation runs ``seating.settle`` after its own write. When a crowd
arrives at once, dozens of joins of one talk settle at the same moment in one process: each
reads the seats and every registration, all try the same first free seat, and all but one
read everything again (``bench/join_cpu.py`` counted 13–18 database commands per join instead
of 10). Here the settles of one offering run one after another per process, and a settle whose
reads began after a caller's write *covers* that write: its reads saw the write, and it ended
only after a round without a race — exactly what the caller's own settle would have done. A
caller that waited while such a settle ran takes its outcome instead of running its own.

Only inside one process. Across processes an optional lease (``services/kit/settle_lease.py``)
lets one settle of an offering run at a time; a process waits for it before its settle begins,
so its joins that arrive meanwhile are covered too. Without the lease (or when it is not got
in time) processes race through the database, which ``settle`` survives on its own; turns and
lease are an economy, never needed for correctness (a caller that finds no covering settle
simply runs its own). Nothing is kept once nobody is inside: the
outcome of a settle is only useful to callers that wrote before it began, and those are inside.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from types import MappingProxyType

from cachetools import LRUCache
from prometheus_client import Counter as MetricCounter

from services.kit.seating import Seated, SeatStore, settle

# The lease pays where a settle is dear: an offering with this many registrations (FerretDB
# decodes each on every settle); below it, two processes settling side by side cost little.
LEASE_FROM = 50
SIZES_KEPT = 1000  # offerings whose size a process remembers (the most recently settled)

# How each caller's settle went, one count per caller, so an operator (and bench/scaling.py)
# sees how many callers a settle serves and how often the lease across processes was missed:
# ``ran_with_lease``, ``ran_lease_missed`` (wanted, but not got in time or its claim refused:
# settled while another process may settle too), ``ran_without_lease`` (a small offering, or
# no lease), ``covered`` (another caller's settle served it: none ran for this caller). A settle
# that raised counts too; one that could not begin (the database away at the lease's claim)
# does not. ``lease_wait`` includes the claim's own insert; the lease's release is in neither.
SETTLES = MetricCounter(
    "stadtdialog_settles",
    "Settles of offerings with places asked for by callers in this process, by how they went.",
    ("service", "way"),
)
SETTLE_SECONDS = MetricCounter(
    "stadtdialog_settle_seconds",
    "Seconds settles spent, waiting for the lease across processes and then settling.",
    ("service", "part"),
)


@dataclass(frozen=True)
class SettleOutcome:
    """What one settle left: seats as it last knew them, the registrations it last read,
    whom it seated, and which of those have their own caller waiting in this process (that
    caller tells its person itself, with the account it already holds)."""

    held: Mapping[int, str]
    arrivals: Mapping[str, int]
    seated: tuple[Seated, ...]
    told_by_their_caller: frozenset[str]
    ran_here: bool  # False: another caller's settle covered this one


@dataclass
class _Turn:
    lock: threading.Lock = field(default_factory=threading.Lock)
    inside: int = 0  # callers between arriving and leaving
    waiting: Counter[str] = field(default_factory=Counter)  # their own registrations
    began: int = -1  # clock value at the start of the last settle that ended
    last: SettleOutcome | None = None


class SettleTurns:
    """One per process: ``turns.settle(key, store, own)`` right after the caller's write."""

    def __init__(
        self,
        lease: Callable[[str], AbstractContextManager[bool]] | None = None,
        lease_from: int = LEASE_FROM,
        service: str = "-",
    ) -> None:
        """``lease``: ``SettleLease.hold`` of the service's database (None: this process only),
        taken for an offering whose last settle here read at least ``lease_from``
        registrations: a small one settles cheaply side by side, and a lone join should not
        pay the lease's two writes. ``service`` labels the metrics."""
        self._service = service
        self._lease = lease
        self._lease_from = lease_from
        # Registrations at the last settle, of the offerings settled most recently.
        self._sizes: LRUCache[str, int] = LRUCache(maxsize=SIZES_KEPT)
        self._turns: dict[str, _Turn] = {}
        self._guard = threading.Lock()
        self._clock = itertools.count()

    def inside(self, key: str) -> int:
        """How many callers are inside the turns of ``key`` now (waiting or settling)."""
        with self._guard:
            turn = self._turns.get(key)
            return turn.inside if turn is not None else 0

    def settle(self, key: str, store: SeatStore, own: str | None = None) -> SettleOutcome:
        """Settle the offering ``key`` (its seats in ``store``) after the caller's write;
        ``own``: the caller's registration (a join), None for a cancellation."""
        written = next(self._clock)  # the caller's write is done: any later settle sees it
        with self._guard:
            turn = self._turns.setdefault(key, _Turn())
            turn.inside += 1
            if own is not None:
                turn.waiting[own] += 1
        try:
            with turn.lock:
                if turn.last is not None and turn.began > written:
                    SETTLES.labels(self._service, "covered").inc()
                    return _covered(turn.last)
                lease, wanted = self._lease_for(key)
                asked = time.monotonic()
                with lease as got, self._counted(wanted, got, asked):
                    # After the wait for the lease: the joins written meanwhile are covered.
                    began = next(self._clock)
                    held: dict[int, str] = {}
                    arrivals: dict[str, int] = {}
                    seated = tuple(settle(store, held_after=held, arrivals_after=arrivals))
                self._remember_size(key, len(arrivals))
                with self._guard:
                    # Those still inside wait for this lock and will tell their person.
                    others = {r for r, n in turn.waiting.items() if n and r != own}
                told = frozenset(s.registration_id for s in seated if s.registration_id in others)
                outcome = SettleOutcome(
                    MappingProxyType(held), MappingProxyType(arrivals), seated, told, True
                )
                turn.began, turn.last = began, outcome
                return outcome
        finally:
            with self._guard:
                turn.inside -= 1
                if own is not None:
                    turn.waiting[own] -= 1
                    if not turn.waiting[own]:
                        del turn.waiting[own]
                if not turn.inside:
                    self._turns.pop(key, None)  # nobody left who wrote before it

    @contextmanager
    def _counted(self, wanted: bool, got: bool, asked: float) -> Iterator[None]:
        """Count a settle that ran, by way, and its seconds: also one that raised (its time
        was spent all the same)."""
        started = time.monotonic()
        try:
            yield
        finally:
            way = "without_lease" if not wanted else "with_lease" if got else "lease_missed"
            SETTLES.labels(self._service, f"ran_{way}").inc()
            SETTLE_SECONDS.labels(self._service, "lease_wait").inc(started - asked)
            SETTLE_SECONDS.labels(self._service, "settle").inc(time.monotonic() - started)

    def _lease_for(self, key: str) -> tuple[AbstractContextManager[bool], bool]:
        """The lease to settle ``key`` in, and whether one is wanted at all."""
        if self._lease is None:
            return nullcontext(False), False
        with self._guard:
            size = self._sizes.get(key, 0)
        if size < self._lease_from:
            return nullcontext(False), False
        return self._lease(key), True

    def _remember_size(self, key: str, size: int) -> None:
        if self._lease is None:
            return  # sizes only decide about the lease
        with self._guard:  # cachetools' caches are not thread-safe on their own
            self._sizes[key] = size


def _covered(outcome: SettleOutcome) -> SettleOutcome:
    """The outcome as a covered caller sees it: it announces nobody but itself."""
    return SettleOutcome(outcome.held, outcome.arrivals, (), frozenset(), False)
