"""``ops_purge``: an operator removes every document of one tenant from a service.

Every service takes it in with one base class (``class EventsService(..., PurgeMixin)``); the
gateway's ``POST /api/v1/cities/<slug>/purge`` (operators, with ``{"confirm": "<slug>"}``) calls
it in every service of the registry, the cities service last. What belongs to a tenant is
found in the service's ``ServiceDatabase`` models: documents with a ``city`` field, and the
tenant itself (a document whose primary key is the slug, such as ``City``). A service whose
global documents refer to cities (identity's role grants) adds ``_purge_extra``.

Used by ``stadtdialog demo --reset`` so that the demo cities come back exactly as seeded; a
purge is final (take a backup first where data matters).
"""

from __future__ import annotations

import inspect
from typing import Any

from mongoengine import Document

from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.tenancy import is_slug


def purge_filter(model: type[Document], city: str) -> dict[str, Any] | None:
    """The query selecting ``city``'s documents of ``model``; None if it is not per tenant."""
    if getattr(model, "tenant_key", None) == "_id":
        return {"_id": city}
    if "city" in model._fields:
        return {"city": city}
    primary = model._fields.get(model._meta.get("id_field") or "id")
    if primary is not None and getattr(primary, "regex", None) is not None:
        # A primary key that must be a slug: the tenant document itself.
        return {"_id": city} if primary.regex.match(city) else None
    return None


class PurgeMixin:
    caller: Caller = CallerProvider()

    def _purge_extra(self, city: str) -> dict[str, int]:
        """Global documents that refer to the city (none by default)."""
        return {}

    @rpc
    def ops_purge(self, city: str) -> dict[str, int]:
        """Delete every document of ``city`` in this service: ``{collection: deleted}``."""
        self.caller.require_operator()
        if not isinstance(city, str) or not is_slug(city):
            raise Invalid(fields={"city": ["String does not match expected pattern."]})
        deleted: dict[str, int] = {}
        for _, database in inspect.getmembers(type(self), lambda v: isinstance(v, ServiceDatabase)):
            for model in database.models:
                query = purge_filter(model, city)
                if query is not None:
                    collection = model._get_collection()
                    deleted[collection.name] = collection.delete_many(query).deleted_count
        deleted.update(self._purge_extra(city))
        return deleted
