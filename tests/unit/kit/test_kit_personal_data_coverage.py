"""Every document class that holds personal data is covered by its service's declaration
(``PERSONAL_DATA``, ``services/kit/personal_data.py``), so the data export and the deletion
cannot forget a model: a new model or field with an account id, a name or an address fails here
until the service says how it is exported."""

from __future__ import annotations

import importlib
import inspect

import pytest
from mongoengine import Document, EmbeddedDocument, EmbeddedDocumentListField, StringField

from services.kit.db import ServiceDatabase
from services.kit.personal_data import Holds, PersonalDataMixin, person_fields, uncovered
from services.kit.registry import SERVICES


def _service_class(name: str) -> type:
    module, cls = SERVICES[name].split(":")
    return getattr(importlib.import_module(module), cls)


def _models(service: type) -> tuple[type[Document], ...]:
    found = inspect.getmembers(service, lambda v: isinstance(v, ServiceDatabase))
    return tuple(model for _, db in found for model in db.models)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_implements_the_personal_data_export(name: str) -> None:
    service = _service_class(name)
    assert issubclass(service, PersonalDataMixin)
    assert service.SERVICE_LABEL, "a German name for the export page"
    assert hasattr(service, "personal_data_export")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_personal_data_model_is_covered(name: str) -> None:
    service = _service_class(name)
    models = _models(service)
    assert models, "the service's documents are found"
    assert uncovered(models, service.PERSONAL_DATA) == {}
    for model, holds in service.PERSONAL_DATA.items():
        assert model in models, f"{model.__name__} is declared but not a document of {name}"
        assert holds.by or holds.without_account, (
            f"{model.__name__}: no field finds the person's documents"
        )
        assert not (holds.by and holds.without_account), f"{model.__name__}: both"
        for path in holds.covered():
            head = path.split(".")[0]
            assert head in model._fields, f"{model.__name__}.{path} does not exist"


def test_the_person_like_fields_of_the_real_models_are_found() -> None:
    dialogue = importlib.import_module("services.dialogue.models")
    identity = importlib.import_module("services.identity.models")
    assert {"account_id", "person", "display_name", "email"} <= person_fields(dialogue.Registration)
    assert {"host_id", "host_name"} <= person_fields(dialogue.Talk)
    assert "roles.granted_by" in person_fields(identity.Account)


class _Grant(EmbeddedDocument):
    granted_by = StringField()


class _Forgotten(Document):
    """A model a service might add: it names a person and nobody declared it."""

    account_id = StringField()
    display_name = StringField()
    title = StringField()
    grants = EmbeddedDocumentListField(_Grant)
    meta = {"collection": "forgotten_for_test"}


def test_the_check_fails_on_an_undeclared_model_or_field() -> None:
    assert uncovered((_Forgotten,), {}) == {
        "_Forgotten": {"account_id", "display_name", "grants.granted_by"}
    }
    partial = {_Forgotten: Holds(label="x", by=("account_id",), show={"title": "Titel"})}
    assert uncovered((_Forgotten,), partial) == {
        "_Forgotten": {"display_name", "grants.granted_by"}
    }
    whole = {
        _Forgotten: Holds(
            label="x",
            by=("account_id",),
            show={"display_name": "Name"},
            others=("grants.granted_by",),
        )
    }
    assert uncovered((_Forgotten,), whole) == {}
