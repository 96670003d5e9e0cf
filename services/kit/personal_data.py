"""A person's data in every service, declared once per model (GDPR Art. 15/20).

Each service composes ``PersonalDataMixin`` and sets ``PERSONAL_DATA``: for every document
class that holds something about a person, a ``Holds`` saying which fields find the person's
documents (``by``), what of each document the export shows (``show``, with German labels for
the readable page), and which further fields name a person (``names``: the person's own name,
address or id, shown or forgotten with the document; ``others``: who else acted on it, such
as a moderator, never exported). The gateway calls ``personal_data_export`` of every service
in ``services/kit/registry.py`` and joins the answers into one JSON file and one HTML page.

``person_fields`` finds the fields that look like they name a person; a unit test
(``tests/unit/kit/test_kit_personal_data_coverage.py``) fails when one of them is in no
declaration, so a new model or field with personal data cannot be forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from bson import ObjectId
from mongoengine import Document, EmbeddedDocument
from mongoengine.fields import EmbeddedDocumentField, EmbeddedDocumentListField, ListField

from services.kit.context import Caller, CallerProvider
from services.kit.errors import Forbidden
from services.kit.rpc import rpc

# Field names that hold an account id, a name or an address of a person.
_PERSON_NAME = re.compile(
    r"^(account_id|person|host_id|host_name|email|display_name|author|rater|by|name|"
    r"speakers|[a-z_]*_by)$"
)


@dataclass(frozen=True)
class Holds:
    """How one document class holds personal data."""

    label: str  # German heading of the section on the readable page
    by: tuple[str, ...]  # fields whose value is the account id: the person's documents
    show: Mapping[str, str]  # exported fields -> German label (only the person's own data)
    names: tuple[str, ...] = ()  # further fields naming this person (shown/forgotten with it)
    others: tuple[str, ...] = ()  # fields naming other people (moderators …): never exported
    not_a_person: tuple[str, ...] = ()  # matched by name but not a person (a city's name …)
    details: Mapping[str, str] = field(default_factory=dict)  # derived values -> German label
    # Documents of people without an account (guests); retention deletes them; in no export.
    without_account: bool = False

    def covered(self) -> set[str]:
        return {*self.by, *self.show, *self.names, *self.others, *self.not_a_person}


def person_fields(model: type[Document] | type[EmbeddedDocument], prefix: str = "") -> set[str]:
    """The fields of ``model`` (embedded ones as ``outer.inner``) that look like a person."""
    found: set[str] = set()
    for name, value in model._fields.items():
        if name in ("id", "city") and not prefix:
            continue
        path = f"{prefix}{name}"
        if _PERSON_NAME.match(name):
            found.add(path)
        inner = value.field if isinstance(value, ListField) else value
        if isinstance(inner, EmbeddedDocumentField | EmbeddedDocumentListField):
            found |= person_fields(inner.document_type, f"{path}.")
    return found


def uncovered(
    models: tuple[type[Document], ...], declared: Mapping[type[Document], Holds]
) -> dict[str, set[str]]:
    """Per document class: the person-like fields no declaration covers (empty: all covered)."""
    missing: dict[str, set[str]] = {}
    for model in models:
        fields = person_fields(model)
        holds = declared.get(model)
        left = fields - (holds.covered() if holds else set())
        if left:
            missing[model.__name__] = left
    return missing


def plain(value: Any) -> Any:
    """A stored value as JSON: ids and times as text, embedded documents as dicts."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, EmbeddedDocument):
        return {k: plain(value[k]) for k in value._fields}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class PersonalDataMixin:
    """``personal_data_export(account_id)``: what this service holds about one person."""

    # Set by each service: document class -> how it holds personal data.
    PERSONAL_DATA: ClassVar[Mapping[type[Document], Holds]] = {}
    SERVICE_LABEL: ClassVar[str] = ""  # German name of the service's part on the page
    caller: Caller = CallerProvider()

    def personal_data_details(self, model: type[Document], doc: Document) -> dict[str, Any]:
        """Derived values of one document (counts, status, a title): none by default."""
        return {}

    @rpc
    def personal_data_export(self, account_id: str) -> dict[str, Any]:
        # Only the person themselves (or an operator answering a request) may read it.
        user = self.caller.require_authenticated()
        if user != account_id and not self.caller.operator:
            raise Forbidden("Only the person themselves may export their data.")
        sections = []
        for model, holds in self.PERSONAL_DATA.items():
            if holds.without_account:
                continue  # guests without an account: no account's export holds them
            items = []
            # Deliberately across cities: the account is global, and so is its data.
            query = {"$or": [{model._fields[f].db_field: account_id} for f in holds.by]}
            for raw in model._get_collection().find(query).sort("_id", 1):
                doc = model._from_son(raw)
                item = {"id": str(doc.pk)}
                if "city" in model._fields:
                    item["city"] = doc.city
                item.update({f: plain(doc[f]) for f in holds.show})
                item.update(plain(self.personal_data_details(model, doc)))
                items.append(item)
            sections.append(
                {
                    "name": model._get_collection_name(),
                    "label": holds.label,
                    "fields": {"city": "Stadt", **holds.show, **holds.details},
                    "items": items,
                }
            )
        return {
            "service": getattr(self, "name", ""),
            "label": self.SERVICE_LABEL,
            "sections": sections,
        }
