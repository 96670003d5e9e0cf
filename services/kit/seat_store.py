"""The database side of ``seating.SeatStore`` for one offering with places (inserts and deletes
only).

A talk (dialogue) and a closing event (events) keep their places the same way: an owner
document with a ``capacity``, ``Seat`` documents unique on (city, owner id, number) and on
(city, owner id, registration_id), and ``Registration`` documents ordered by ``arrival``. The
service hands in its own three document classes and the name of the owner-id field, so the
kit imports no service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.kit.tenancy import TenantDocument


class DocumentSeats:
    """``SeatStore`` of the offering ``owner_id`` of ``city``: every read is fresh, every write a
    single insert or delete.

    The reads run on every join and cancel and fetch a field or two: they take the stored
    rows as plain dicts (``as_pymongo``) rather than building and validating a document per
    row (a visible share of the dialogue service's CPU in bench/join_cpu.py's profile). The
    documents stay the schema: the writes are theirs."""

    def __init__(
        self,
        owner: type[TenantDocument],
        seat: type[TenantDocument],
        registration: type[TenantDocument],
        owner_field: str,
        city: str,
        owner_id: str,
        capacity: int | None = None,
    ) -> None:
        self.owner = owner
        self.seat = seat
        self.registration = registration
        self.owner_field = owner_field
        self.city = city
        self.owner_id = owner_id
        # The capacity the caller read in this request serves the first look only; every
        # later one (after a claim) reads it fresh (``seating.settle``).
        self._known_capacity = capacity

    def _of_owner(self) -> dict[str, Any]:
        """The filter on the owner-id field (``talk_id=…`` or ``event_id=…``)."""
        return {self.owner_field: self.owner_id}

    def capacity(self) -> int:
        if self._known_capacity is not None:
            known, self._known_capacity = self._known_capacity, None
            return known
        owner = self.owner.scoped(self.city, id=self.owner_id).only("capacity").as_pymongo()
        found = owner.first()
        return (found or {}).get("capacity") or 0

    def seats(self) -> dict[int, str]:
        rows = self.seat.scoped(self.city, **self._of_owner()).only("number", "registration_id")
        return {row["number"]: row["registration_id"] for row in rows.as_pymongo()}

    def registrations(self) -> dict[str, int]:
        rows = self.registration.scoped(self.city, **self._of_owner()).only("id", "arrival")
        return {str(row["_id"]): row["arrival"] for row in rows.as_pymongo()}

    def existing(self, registration_ids: Iterable[str]) -> set[str]:
        ids = [ObjectId(r) for r in set(registration_ids) if ObjectId.is_valid(r)]
        if not ids:
            return set()
        if len(ids) == 1:  # a plain equality: FerretDB hands it to the database
            rows = self.registration.scoped(self.city, **self._of_owner(), id=ids[0])
        else:
            rows = self.registration.scoped(self.city, **self._of_owner(), id__in=ids)
        return {str(row["_id"]) for row in rows.only("id").as_pymongo()}

    def claim(self, number: int, registration_id: str) -> bool:
        try:
            self.seat(
                city=self.city,
                **self._of_owner(),
                number=number,
                registration_id=registration_id,
            ).save(force_insert=True)
        except NotUniqueError:
            return False
        return True

    def release(self, number: int, registration_id: str) -> None:
        self.seat.scoped(
            self.city, **self._of_owner(), number=number, registration_id=registration_id
        ).delete()

    def seat_of(self, registration_id: str) -> int | None:
        seat = self.seat.scoped(self.city, **self._of_owner(), registration_id=registration_id)
        found = seat.first()
        return found.number if found is not None else None
