"""The database side of ``seating.SeatStore`` for one talk: the kit's ``DocumentSeats`` bound
to the dialogue's documents (inserts and deletes only)."""

from __future__ import annotations

from services.dialogue.models import Registration, Seat, Talk
from services.kit.seat_store import DocumentSeats


class DatabaseSeats(DocumentSeats):
    def __init__(self, city: str, talk_id: str, capacity: int | None = None) -> None:
        super().__init__(Talk, Seat, Registration, "talk_id", city, talk_id, capacity)
        self.talk_id = talk_id
