"""Tenancy: every tenant document belongs to one city, and every query names it.

``TenantDocument`` is the base of all per-city documents. Its queryset refuses to run a query
whose filter does not constrain ``city`` (find, count, update, delete, aggregate all pass through
``_query``), so forgetting the scope fails loudly in tests instead of leaking another city's data.
``city`` is also the shard key, which makes mongoengine put it into the key of every
``save``/``delete``/``reload`` of a loaded document, and keeps a document from changing city.
"""

from __future__ import annotations

import re
from typing import Any

from mongoengine import Document, QuerySet, StringField

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)


class UnscopedQuery(RuntimeError):
    """A query on a tenant document without a ``city`` constraint: a programming error."""


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value or ""))


def _names_cities(value: Any) -> bool:
    """``city`` equal to a slug or ``$in`` slugs; ``$ne``, ``$exists`` or None do not scope."""
    if isinstance(value, str):
        return bool(value)
    if isinstance(value, dict) and value.keys() == {"$in"}:
        return all(isinstance(v, str) and v for v in value["$in"])
    return False


def _constrains_city(query: dict[str, Any]) -> bool:
    if "city" in query:
        return _names_cities(query["city"])
    # {"$and": [...]} arises when filters are combined; one branch naming the city suffices.
    return any(_constrains_city(part) for part in query.get("$and", ()))


class TenantQuerySet(QuerySet):
    @property
    def _query(self) -> dict[str, Any]:
        query = super()._query
        if not _constrains_city(query):
            raise UnscopedQuery(
                f"query on {self._document.__name__} without a city: use "
                f"{self._document.__name__}.scoped(city)"
            )
        return query

    def in_bulk(self, object_ids: list[Any]) -> dict[Any, Any]:
        # mongoengine's in_bulk builds its own {_id: {$in: ...}} filter and skips _query.
        scoped = self.filter(pk__in=list(object_ids))
        return {doc.pk: doc for doc in scoped}


class TenantDocument(Document):
    """Base of every per-city document. Subclasses declare indexes that start with ``city``."""

    city = StringField(required=True, regex=SLUG_PATTERN, max_length=64)

    meta = {
        "abstract": True,
        "queryset_class": TenantQuerySet,
        "shard_key": ("city",),
    }

    @classmethod
    def scoped(cls, city: str, **filters: Any) -> TenantQuerySet:
        """The one way to query a tenant collection: ``Talk.scoped("koeln", status="open")``."""
        if not city:
            raise UnscopedQuery(f"{cls.__name__}.scoped() needs a city")
        return cls.objects(city=city, **filters)

    @classmethod
    def across_cities(cls, cities: list[str], **filters: Any) -> TenantQuerySet:
        """An explicit multi-city query (cohort views); still never unscoped."""
        return cls.objects(city__in=list(cities), **filters)
