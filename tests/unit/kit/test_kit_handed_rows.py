"""Rows handed from a process's writer to its relay (services/kit/handed_rows.py): they come out
in the order handed, once, and never ahead of a row only the outbox holds."""

from __future__ import annotations

from services.kit.handed_rows import HandedRows


def _row(n: int) -> dict:
    return {"_id": f"id-{n}", "n": n}


def _ids(rows: list[dict]) -> list[str]:
    return [row["_id"] for row in rows]


def _read(handed: HandedRows, ids: list[str], complete: bool = True) -> None:
    handed.begin_read()
    handed.read_back(ids, complete)


def _ready(limit: int = 10) -> HandedRows:
    handed = HandedRows(limit, remember_seconds=60)
    _read(handed, [])
    return handed


def test_nothing_is_taken_before_the_outbox_was_read_once() -> None:
    handed = HandedRows(10, remember_seconds=60)
    handed.offer(_row(0))  # stored before the relay's first read: the read finds it
    assert handed.take(5) == []
    _read(handed, ["id-0"])
    for n in (1, 2, 3):
        handed.offer(_row(n))
    assert _ids(handed.take(2)) == ["id-1", "id-2"]
    assert _ids(handed.take(2)) == ["id-3"]
    assert handed.take(2) == []


def test_rows_the_read_holds_are_not_handed_out_again() -> None:
    handed = _ready()
    for n in range(4):
        handed.offer(_row(n))
    _read(handed, ["id-0", "id-2"])
    assert _ids(handed.take(10)) == ["id-1", "id-3"]


def test_a_row_offered_after_a_read_found_it_is_dropped() -> None:
    handed = _ready()
    insert = handed.inserting()
    _read(handed, ["id-5"])  # the row was stored, the read found it, then the writer hands it
    handed.offer(_row(5), insert)
    handed.offer(_row(6), handed.inserting())
    assert _ids(handed.take(10)) == ["id-6"]


def test_rows_offered_while_a_read_runs_are_taken_unless_it_found_them() -> None:
    handed = HandedRows(10, remember_seconds=60)  # refusing: nothing read yet
    handed.begin_read()
    handed.offer(_row(1))  # stored after the read began: found by it, or newer than it all
    handed.offer(_row(2))
    handed.read_back(["id-0", "id-1"], complete=True)
    assert _ids(handed.take(10)) == ["id-2"]


def test_a_refusal_while_a_read_runs_outlasts_it() -> None:
    handed = _ready()
    handed.begin_read()
    handed.offer(_row(1))
    handed.forget()  # an insert raised while the read ran: its row may be stored, unread
    handed.offer(_row(2))
    handed.read_back([], complete=True)
    handed.offer(_row(3))
    assert handed.take(10) == []
    _read(handed, ["id-1", "id-2", "id-3"])
    handed.offer(_row(4))
    assert _ids(handed.take(10)) == ["id-4"]


def test_a_full_queue_refuses_until_the_outbox_was_read_again() -> None:
    handed = _ready(limit=2)
    for n in range(3):
        handed.offer(_row(n))  # the third is refused: only the outbox holds it
    assert _ids(handed.take(1)) == ["id-0"]
    handed.offer(_row(3))  # room again, but it must not overtake row 2
    assert _ids(handed.take(10)) == ["id-1"]
    _read(handed, ["id-2", "id-3"])
    handed.offer(_row(4))
    assert _ids(handed.take(10)) == ["id-4"]


def test_a_read_cut_at_its_limit_leaves_the_rest_to_the_outbox() -> None:
    handed = _ready()
    handed.offer(_row(0))
    _read(handed, ["id-9"], complete=False)  # more pending than one read holds
    handed.offer(_row(1))
    assert handed.take(10) == []
    _read(handed, ["id-0", "id-1"])
    handed.offer(_row(2))
    assert _ids(handed.take(10)) == ["id-2"]


def test_after_a_failure_the_outbox_is_read_first() -> None:
    handed = _ready()
    handed.offer(_row(0))
    handed.forget()
    handed.offer(_row(1))
    assert handed.take(10) == [] and len(handed) == 0
    _read(handed, ["id-0", "id-1"])
    assert handed.take(10) == []


def test_a_reads_ids_are_kept_while_an_insert_begun_before_it_ended_is_under_way() -> None:
    handed = _ready()
    slow = handed.inserting()  # its row is stored; the answer is slow to come back
    _read(handed, ["id-5"])  # found it
    _read(handed, [])  # and the next read, after the row went out
    handed.offer(_row(5), slow)  # late: dropped, not sent twice
    fast = handed.inserting()
    handed.offer(_row(6), fast)
    assert _ids(handed.take(10)) == ["id-6"]
    _read(handed, [])  # every insert begun before has ended: the ids go
    handed.offer(_row(5), handed.inserting())
    assert _ids(handed.take(10)) == ["id-5"]


def test_an_insert_that_raised_ends_its_ticket() -> None:
    handed = _ready()
    failed = handed.inserting()
    _read(handed, ["id-7"])
    handed.forget(failed)  # refusing until the next read; the ticket is over
    _read(handed, [])
    handed.offer(_row(7), handed.inserting())
    assert _ids(handed.take(10)) == ["id-7"]


def test_the_ids_of_old_reads_are_let_go() -> None:
    handed = HandedRows(10, remember_seconds=0.0)
    handed.inserting()  # never ends: the ids go after remember_seconds all the same
    _read(handed, ["id-1"])
    _read(handed, [])  # the first read is older than remember_seconds now
    handed.offer(_row(1))
    assert _ids(handed.take(10)) == ["id-1"]
