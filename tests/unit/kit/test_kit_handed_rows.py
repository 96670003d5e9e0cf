"""Rows handed from a process's writer to its relay (services/kit/handed_rows.py): they come out
in the order handed, never ahead of a row only the outbox holds."""

from __future__ import annotations

from services.kit.handed_rows import HandedRows


def _row(n: int) -> dict:
    return {"_id": f"id-{n}", "n": n}


def _ids(rows: list[dict]) -> list[str]:
    return [row["_id"] for row in rows]


def test_nothing_is_taken_before_the_outbox_was_read_once() -> None:
    handed = HandedRows(limit=10)
    handed.offer(_row(0))  # stored before the relay's first read: the read finds it
    assert handed.take(5) == []
    handed.read_back([], complete=True)
    for n in (1, 2, 3):
        handed.offer(_row(n))
    assert _ids(handed.take(2)) == ["id-1", "id-2"]
    assert _ids(handed.take(2)) == ["id-3"]
    assert handed.take(2) == []


def test_rows_the_read_holds_are_not_handed_out_again() -> None:
    handed = HandedRows(limit=10)
    handed.read_back([], complete=True)
    for n in range(4):
        handed.offer(_row(n))
    handed.read_back(["id-0", "id-2"], complete=True)
    assert _ids(handed.take(10)) == ["id-1", "id-3"]


def test_a_full_queue_refuses_until_the_outbox_was_read_again() -> None:
    handed = HandedRows(limit=2)
    handed.read_back([], complete=True)
    for n in range(3):
        handed.offer(_row(n))  # the third is refused: only the outbox holds it
    assert _ids(handed.take(1)) == ["id-0"]
    handed.offer(_row(3))  # room again, but it must not overtake row 2
    assert _ids(handed.take(10)) == ["id-1"]
    handed.read_back(["id-2", "id-3"], complete=True)
    handed.offer(_row(4))
    assert _ids(handed.take(10)) == ["id-4"]


def test_a_read_cut_at_its_limit_leaves_the_rest_to_the_outbox() -> None:
    handed = HandedRows(limit=10)
    handed.read_back([], complete=True)
    handed.offer(_row(0))
    handed.read_back(["id-9"], complete=False)  # more pending than one read holds
    handed.offer(_row(1))
    assert handed.take(10) == []
    handed.read_back(["id-0", "id-1"], complete=True)
    handed.offer(_row(2))
    assert _ids(handed.take(10)) == ["id-2"]


def test_after_a_failure_the_outbox_is_read_first() -> None:
    handed = HandedRows(limit=10)
    handed.read_back([], complete=True)
    handed.offer(_row(0))
    handed.forget()
    handed.offer(_row(1))
    assert handed.take(10) == [] and len(handed) == 0
    handed.read_back(["id-0", "id-1"], complete=True)
    assert handed.take(10) == []
