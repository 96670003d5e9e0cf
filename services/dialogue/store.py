"""The database side of ``seating.SeatStore`` for one talk (inserts and deletes only)."""

from __future__ import annotations

from collections.abc import Iterable

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.dialogue.models import Registration, Seat, Talk


class DatabaseSeats:
    def __init__(self, city: str, talk_id: str) -> None:
        self.city = city
        self.talk_id = talk_id

    def capacity(self) -> int:
        talk = Talk.scoped(self.city, id=self.talk_id).only("capacity").first()
        return talk.capacity if talk is not None else 0

    def seats(self) -> dict[int, str]:
        rows = Seat.scoped(self.city, talk_id=self.talk_id).only("number", "registration_id")
        return {row.number: row.registration_id for row in rows}

    def existing(self, registration_ids: Iterable[str]) -> set[str]:
        ids = [ObjectId(r) for r in set(registration_ids) if ObjectId.is_valid(r)]
        if not ids:
            return set()
        rows = Registration.scoped(self.city, talk_id=self.talk_id, id__in=ids).only("id")
        return {str(row.id) for row in rows}

    def waiting(self, seated: set[str], limit: int) -> list[str]:
        rows = (
            Registration.scoped(self.city, talk_id=self.talk_id)
            .filter(id__nin=[ObjectId(r) for r in seated])
            .order_by("arrival", "id")
            .only("id")
            .limit(limit)
        )
        return [str(row.id) for row in rows]

    def claim(self, number: int, registration_id: str) -> bool:
        try:
            Seat(
                city=self.city,
                talk_id=self.talk_id,
                number=number,
                registration_id=registration_id,
            ).save(force_insert=True)
        except NotUniqueError:
            return False
        return True

    def release(self, number: int, registration_id: str) -> None:
        Seat.scoped(
            self.city, talk_id=self.talk_id, number=number, registration_id=registration_id
        ).delete()

    def seat_of(self, registration_id: str) -> int | None:
        seat = Seat.scoped(self.city, talk_id=self.talk_id, registration_id=registration_id).first()
        return seat.number if seat is not None else None
