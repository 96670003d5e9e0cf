"""The documents of seat-keeping, one shape for every offering with places.

A talk (dialogue) and a closing event (events) keep their places the same way
(``services/kit/seating.py``): a ``Seat`` per taken place, unique on (city, owner, number) and
on (city, owner, registration), and a notice per registration and kind (``entered``: told
"confirmed" or "waitlisted"; ``promoted``: told it moved up), unique so that each is sent once.
Each service makes its own classes here with its database alias, the name of its owner-id
field and its collection names, so the stored documents stay exactly as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import DateTimeField, IntField, StringField
from mongoengine.errors import NotUniqueError

from services.kit.tenancy import TenantDocument

NOTICE_KINDS = ("entered", "promoted")
NOTICE_VALUES = ("confirmed", "waitlisted", "promoted")


def _now() -> datetime:
    return datetime.now(UTC)


def seat_document(
    alias: str, owner_field: str, module: str, doc: str, collection: str = "seats"
) -> type[TenantDocument]:
    """``Seat``: a place of one offering. Inserting it is the claim; deleting it frees it."""
    attrs = {
        "__module__": module,
        "__doc__": doc,
        owner_field: StringField(required=True),
        "number": IntField(required=True, min_value=1),
        "registration_id": StringField(required=True),
        "claimed_at": DateTimeField(default=_now),
        "meta": {
            "db_alias": alias,
            "collection": collection,
            "indexes": [
                {"fields": ("city", owner_field, "number"), "unique": True},
                {"fields": ("city", owner_field, "registration_id"), "unique": True},
            ],
        },
    }
    return type("Seat", (TenantDocument,), attrs)


def notice_document(
    name: str, alias: str, owner_field: str, module: str, doc: str, collection: str
) -> type[TenantDocument]:
    """What a registration was told, once per kind (the unique index makes it once)."""
    attrs = {
        "__module__": module,
        "__doc__": doc,
        "registration_id": StringField(required=True),
        owner_field: StringField(required=True),
        "kind": StringField(required=True, choices=NOTICE_KINDS),
        "value": StringField(required=True, choices=NOTICE_VALUES),
        "at": DateTimeField(default=_now),
        "meta": {
            "db_alias": alias,
            "collection": collection,
            "indexes": [{"fields": ("city", "registration_id", "kind"), "unique": True}],
        },
    }
    return type(name, (TenantDocument,), attrs)


def record_once(notice: TenantDocument) -> bool:
    """Insert the notice; False when it was recorded already (by this or another worker)."""
    try:
        notice.save(force_insert=True)
    except NotUniqueError:
        return False
    return True


def record_promotion(
    notice: type[TenantDocument], city: str, registration_id: str, **owner: str
) -> bool:
    """Record that a registration told "waiting list" got a place; True for the one caller
    that records it (only that one announces it), False when it was never told "waiting
    list" or was told it moved up already."""
    told = notice.scoped(city, registration_id=registration_id, kind="entered").first()
    if told is None or told.value != "waitlisted":
        return False
    return record_once(
        notice(
            city=city, registration_id=registration_id, kind="promoted", value="promoted", **owner
        )
    )


def seat_documents(
    alias: str, owner_field: str, module: str, notice_name: str, notice_collection: str
) -> tuple[type[TenantDocument], type[TenantDocument]]:
    """The ``Seat`` class and the notice class of one service's offerings."""
    seat = seat_document(
        alias, owner_field, module, "A place. Inserting it is the claim; deleting it frees it."
    )
    notice = notice_document(
        notice_name,
        alias,
        owner_field,
        module,
        "What a registration was told: ``entered`` (confirmed or waitlisted), ``promoted``.",
        notice_collection,
    )
    return seat, notice
