"""The sealed totals of a city's counted facts (services/cities/tally_days.py): documents of the
cities service beside ``models.py``, which holds the counted facts themselves (``SeenFact``)."""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from services.cities.models import ALIAS, utcnow
from services.kit.tenancy import TenantDocument


class TallyCount(EmbeddedDocument):
    # A list of pairs, not a dict: the keys ("dialogue.talk.created#tag") hold dots.
    key = StringField(required=True, max_length=200)
    n = IntField(required=True, min_value=0)


class TallyTotal(TenantDocument):
    """A city's counts up to and including ``day``, every one of those days over for good,
    stored once and never changed. ``id`` is ``"<city>:<day>"``, so two sealers store it once;
    ``day`` ``LEGACY_DAY`` holds the rows counted before rows had a day."""

    id = StringField(primary_key=True)
    day = IntField(required=True)
    counts = ListField(EmbeddedDocumentField(TallyCount))
    sealed_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "tally_totals", "indexes": [("city", "day")]}


class DaysCounted(Document):
    """Since when this deployment stores a day with every counted fact: inserted once, by the
    first read of a version that does, and never changed (the earliest insert wins). Rows
    without a day are sealed only once this is ``GRACE`` old, so a process of the version
    before, still counting during the rolling update, cannot add one after its seal."""

    id = StringField(primary_key=True, default="days-counted")
    since = DateTimeField(required=True, default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "tally_days_counted"}


TALLY_MODELS = (TallyTotal, DaysCounted)
