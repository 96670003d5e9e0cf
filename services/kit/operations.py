"""Operator RPCs every service has: one tenant's backup and restore, index management, dead
letters (``services.kit.deadletters``).

A service class takes them in with one base class::

    class CitiesService(OperationsMixin):
        name = "cities"
        db = ServiceDatabase("cities", models=MODELS)

The mixin finds the service's documents in its ``ServiceDatabase`` dependency. A document
belongs to a tenant when it has a ``city`` field (every ``TenantDocument``, and global
documents that name their city), or when it *is* the tenant (a slug as primary key: the
``City`` itself); the same rule as ``services.kit.purge``. Backups read and restores write
the raw BSON documents (as MongoDB Extended JSON, relaxed mode: ``{"$date": …}``,
``{"$oid": …}``), so ids, dates and fields the model no longer declares come back exactly.

A restore replaces each document by its ``_id`` within the tenant (upsert): running it twice
changes nothing, and a document whose ``_id`` belongs to another tenant is refused (409) rather
than overwritten. Every method is operator-only and also carries ``ServiceObservability``
(metrics, correlation id, one JSON log line per call).
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from bson import json_util
from bson.errors import InvalidBSON, InvalidDocument, InvalidId
from bson.json_util import JSONMode, JSONOptions
from mongoengine import Document
from pymongo.errors import DuplicateKeyError, WriteError

from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase, connect
from services.kit.deadletters import DeadLetters
from services.kit.errors import Conflict, Invalid
from services.kit.observability import ServiceObservability
from services.kit.purge import purge_filter
from services.kit.rpc import rpc
from services.kit.tenancy import is_slug

BATCH_LIMIT = 1000
# A batch also stops at about this many bytes of JSON: documents holding file parts (the
# cities' sign-language videos, 512 KiB each) must not make one RPC reply of hundreds of MB.
BATCH_BYTES = 4_000_000
JSON_OPTIONS = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True)


def to_json(document: dict[str, Any]) -> dict[str, Any]:
    """A BSON document as plain JSON (Extended JSON, relaxed): travels over RPC and in files."""
    return json.loads(json_util.dumps(document, json_options=JSON_OPTIONS))


def from_json(value: Any, field: str = "document") -> Any:
    """Extended JSON back to BSON values; malformed input names ``field`` (422, not a 500)."""
    try:
        return json_util.loads(json.dumps(value), json_options=JSON_OPTIONS)
    except (TypeError, ValueError, InvalidId, InvalidBSON) as exc:
        raise Invalid(fields={field: ["Invalid value."]}) from exc


def tenant_filter(model: type[Document], city: str) -> dict[str, Any] | None:
    """The query that selects ``city``'s documents of ``model``; None if it is not per tenant.
    One rule for backups, restores and purges (``services.kit.purge``)."""
    return purge_filter(model, city)


class OperationsMixin:
    """Operator-only RPCs (``ops_*``) and observability for the service that inherits it."""

    name: str
    caller: Caller = CallerProvider()
    correlation_id: str | None = ServiceObservability()

    # ------------------------------------------------------------------ what the service keeps
    @classmethod
    def _ops_models(cls) -> tuple[type[Document], ...]:
        for _, value in inspect.getmembers(cls, lambda v: isinstance(v, ServiceDatabase)):
            return value.models
        return ()

    def _ops_tenant_collections(self, city: str) -> dict[str, tuple[Any, dict[str, Any]]]:
        """``{collection name: (pymongo collection, filter)}`` of the tenant's documents."""
        found: dict[str, tuple[Any, dict[str, Any]]] = {}
        for model in self._ops_models():
            query = tenant_filter(model, city)
            if query is not None:
                collection = model._get_collection()
                found[collection.name] = (collection, query)
        return found

    def _ops_city(self, city: Any) -> str:
        self.caller.require_operator()
        if not isinstance(city, str) or not is_slug(city):
            raise Invalid(fields={"city": ["String does not match expected pattern."]})
        return city

    # ------------------------------------------------------------------ backup
    @rpc
    def ops_backup_counts(self, city: str) -> dict[str, int]:
        """How many documents of ``city`` each collection holds (the backup's plan)."""
        city = self._ops_city(city)
        return {
            name: collection.count_documents(query)
            for name, (collection, query) in sorted(self._ops_tenant_collections(city).items())
        }

    @rpc
    def ops_backup(
        self, city: str, collection: str, after: Any = None, limit: int = BATCH_LIMIT
    ) -> dict[str, Any]:
        """One batch of ``city``'s documents of ``collection`` in ``_id`` order, after ``after``
        (the previous batch's ``last``). ``last`` is None when the collection is done."""
        city = self._ops_city(city)
        collections = self._ops_tenant_collections(city)
        if collection not in collections:
            raise Invalid(fields={"collection": ["Unknown collection."]})
        target, query = collections[collection]
        limit = max(1, min(limit if isinstance(limit, int) else BATCH_LIMIT, BATCH_LIMIT))
        if after is not None:
            query = {"$and": [query, {"_id": {"$gt": from_json(after, "after")}}]}
        documents, size = [], 0
        for document in target.find(query).sort("_id", 1).limit(limit):
            documents.append(to_json(document))
            size += len(json.dumps(documents[-1]))
            if size >= BATCH_BYTES:
                break
        full = len(documents) == limit or size >= BATCH_BYTES
        last = documents[-1]["_id"] if full else None
        return {"documents": documents, "last": last}

    # ------------------------------------------------------------------ restore
    @rpc
    def ops_restore(
        self, city: str, records: list[dict[str, Any]], dry_run: bool = False
    ) -> dict[str, int]:
        """Put ``records`` (``{"collection", "document"}``) back; safe to repeat. A dry run
        checks every record the same way and counts what would be new or replaced."""
        city = self._ops_city(city)
        collections = self._ops_tenant_collections(city)
        if not isinstance(records, list):
            raise Invalid(fields={"records": ["Not a valid list."]})
        prepared = []
        for index, record in enumerate(records):
            collection = record.get("collection") if isinstance(record, dict) else None
            document = record.get("document") if isinstance(record, dict) else None
            if collection not in collections:
                raise Invalid(fields={f"records.{index}.collection": ["Unknown collection."]})
            if not isinstance(document, dict) or "_id" not in document:
                raise Invalid(fields={f"records.{index}.document": ["A document needs an _id."]})
            target, query = collections[collection]
            document = from_json(document, f"records.{index}.document")
            if any(not isinstance(k, str) or k.startswith("$") or "." in k for k in document):
                raise Invalid(fields={f"records.{index}.document": ["Invalid value."]})
            key, value = next(iter(query.items()))
            if document.get(key) != value:
                raise Invalid(
                    fields={f"records.{index}.document": ["The document belongs to another city."]}
                )
            prepared.append((target, query, document))
        if dry_run:
            replaced = 0
            for index, (target, query, document) in enumerate(prepared):
                # The same refusal the real restore would meet: this id is another city's.
                found = target.find_one({"_id": document["_id"]}, list(query))
                if found is not None and any(found.get(k) != v for k, v in query.items()):
                    raise Conflict(
                        "A document with this id or key already exists for another city.",
                        {f"records.{index}.document": ["Already exists."]},
                    )
                replaced += found is not None
            return {"restored": 0, "inserted": len(prepared) - replaced, "replaced": replaced}
        replaced = 0
        for index, (target, query, document) in enumerate(prepared):
            try:
                # _id and tenant in the filter: an _id of another tenant fails as a duplicate.
                result = target.replace_one(
                    {**query, "_id": document["_id"]}, document, upsert=True
                )
                replaced += result.matched_count
            except DuplicateKeyError as exc:
                raise Conflict(
                    "A document with this id or key already exists for another city.",
                    {f"records.{index}.document": ["Already exists."]},
                ) from exc
            except (InvalidDocument, WriteError) as exc:  # e.g. a nested key the database refuses
                raise Invalid(fields={f"records.{index}.document": ["Invalid value."]}) from exc
        inserted = len(prepared) - replaced
        return {"restored": len(prepared), "inserted": inserted, "replaced": replaced}

    # ------------------------------------------------------------------ indexes
    @rpc
    def ops_indexes_ensure(self) -> dict[str, list[str]]:
        """Create every declared index of every document of this service (idempotent)."""
        self.caller.require_operator()
        for model in self._ops_models():
            model.ensure_indexes()
        return self._ops_index_names()

    @rpc
    def ops_indexes_list(self) -> dict[str, list[str]]:
        """``{collection: [index name, …]}`` of every collection of this service's database."""
        self.caller.require_operator()
        return self._ops_index_names()

    def _ops_index_names(self) -> dict[str, list[str]]:
        database = None
        for model in self._ops_models():
            database = model._get_db()
            break
        if database is None:
            return {}
        return {
            name: sorted(database[name].index_information())
            for name in sorted(database.list_collection_names())
        }

    # ------------------------------------------------------------------ dead letters
    def _ops_dead_letters(self) -> DeadLetters:
        self.caller.require_operator()
        return DeadLetters(connect(self.name), self.name)

    @rpc
    def ops_deadletters_list(self) -> list[dict[str, Any]]:
        """Mails, facts and consumed messages set aside after their last attempt."""
        return self._ops_dead_letters().list()

    @rpc
    def ops_deadletters_retry(self, letter_id: str) -> dict[str, Any]:
        """A fresh round of attempts for one dead letter (``<service>:<kind>:<row id>``)."""
        return self._ops_dead_letters().retry(letter_id)

    @rpc
    def ops_deadletters_drop(self, letter_id: str) -> dict[str, Any]:
        """Delete one dead letter for good."""
        return self._ops_dead_letters().drop(letter_id)
