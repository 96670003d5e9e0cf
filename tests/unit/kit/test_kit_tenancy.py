"""Tenancy: a query on a tenant document that does not name its city is refused before any I/O.

The documents here connect to a port where nothing listens: pymongo connects lazily, so a
refused query raises ``UnscopedQuery`` at once, while an accepted one only builds its filter.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import mongoengine
import pytest
from bson import ObjectId
from mongoengine import IntField, Q, StringField
from pymongo.errors import ServerSelectionTimeoutError

import services
from services.kit.tenancy import TenantDocument, TenantQuerySet, UnscopedQuery, is_slug

ALIAS = "kit_unit"


class KitUnitTalk(TenantDocument):
    title = StringField()
    seats = IntField(default=0)
    host = StringField()

    meta = {
        "db_alias": ALIAS,
        "collection": "kit_unit_talks",
        "auto_create_index": False,
        "indexes": [("city", "title"), ("city", "-seats"), {"fields": ["city", "host"]}],
    }


@pytest.fixture(scope="module", autouse=True)
def unreachable_database():
    mongoengine.connect(alias=ALIAS, host="mongodb://127.0.0.1:1/", serverSelectionTimeoutMS=100)
    yield
    mongoengine.disconnect(alias=ALIAS)


# ---------------------------------------------------------------- refused without a city

UNSCOPED_OPERATIONS = {
    "filter": lambda: KitUnitTalk.objects(title="x")._query,
    "all": lambda: KitUnitTalk.objects._query,
    "iterate": lambda: list(KitUnitTalk.objects(title="x")),
    "first": lambda: KitUnitTalk.objects(title="x").first(),
    "get": lambda: KitUnitTalk.objects.get(title="x"),
    "with_id": lambda: KitUnitTalk.objects.with_id(ObjectId()),
    "count": lambda: KitUnitTalk.objects(title="x").count(),
    "distinct": lambda: KitUnitTalk.objects.distinct("title"),
    "sum": lambda: KitUnitTalk.objects.sum("seats"),
    "update": lambda: KitUnitTalk.objects(title="x").update(set__title="y"),
    "update_one": lambda: KitUnitTalk.objects(title="x").update_one(inc__seats=1),
    "upsert_one": lambda: KitUnitTalk.objects(title="x").upsert_one(set__seats=1),
    "modify": lambda: KitUnitTalk.objects(title="x").modify(set__title="y"),
    "delete": lambda: KitUnitTalk.objects(title="x").delete(),
    "aggregate": lambda: list(KitUnitTalk.objects(title="x").aggregate([{"$count": "n"}])),
    "explain": lambda: KitUnitTalk.objects.explain(),
    "or_with_one_branch_scoped": lambda: KitUnitTalk.objects(Q(city="koeln") | Q(title="x"))._query,
    "and_without_city": lambda: KitUnitTalk.objects(title="a").filter(title="b")._query,
}


@pytest.mark.parametrize("operation", UNSCOPED_OPERATIONS.values(), ids=UNSCOPED_OPERATIONS)
def test_unscoped_operation_is_refused(operation):
    with pytest.raises(UnscopedQuery, match="KitUnitTalk.scoped"):
        operation()


def test_in_bulk_without_city_is_refused():
    with pytest.raises(UnscopedQuery):
        KitUnitTalk.objects.in_bulk([ObjectId()])


def test_scoped_with_empty_city_is_refused():
    with pytest.raises(UnscopedQuery):
        KitUnitTalk.scoped("")
    with pytest.raises(UnscopedQuery):
        KitUnitTalk.scoped(None)


# ---------------------------------------------------------------- accepted with a city


def test_scoped_query_names_the_city():
    assert KitUnitTalk.scoped("koeln")._query == {"city": "koeln"}
    assert KitUnitTalk.scoped("koeln", title="x")._query == {"city": "koeln", "title": "x"}


def test_scoped_returns_the_tenant_queryset():
    assert isinstance(KitUnitTalk.scoped("koeln"), TenantQuerySet)


def test_scoped_query_stays_scoped_through_further_filters():
    query = KitUnitTalk.scoped("koeln").filter(title="a").filter(seats__gt=2)._query
    assert query["city"] == "koeln"


def test_across_cities_names_every_city():
    query = KitUnitTalk.across_cities(["koeln", "bonn"], title="x")._query
    assert query == {"city": {"$in": ["koeln", "bonn"]}, "title": "x"}


def test_across_no_cities_matches_nothing_rather_than_everything():
    assert KitUnitTalk.across_cities([])._query == {"city": {"$in": []}}


def test_and_combination_with_a_scoped_branch_is_accepted():
    query = KitUnitTalk.objects(Q(city="koeln", title="a") & Q(title="b"))._query
    assert "$and" in query
    assert {"city": "koeln", "title": "a"} in query["$and"]


def test_or_filter_on_a_scoped_query_is_accepted():
    query = KitUnitTalk.scoped("koeln").filter(Q(title="a") | Q(title="b"))._query
    assert query == {"$and": [{"city": "koeln"}, {"$or": [{"title": "a"}, {"title": "b"}]}]}


def test_raw_filter_naming_the_city_is_accepted():
    assert KitUnitTalk.objects(__raw__={"city": "koeln", "seats": 3})._query["city"] == "koeln"


def test_scoped_operations_reach_the_database():
    """Accepted queries really run: here they fail only because nobody listens on port 1."""
    with pytest.raises(ServerSelectionTimeoutError):
        KitUnitTalk.scoped("koeln").count()


def test_loaded_document_writes_name_its_city():
    talk = KitUnitTalk(id=ObjectId(), city="koeln", title="Mobilität")
    assert talk._object_key == {"pk": talk.id, "city": "koeln"}
    assert talk._qs.filter(**talk._object_key)._query == {"_id": talk.id, "city": "koeln"}


def test_city_must_be_a_slug():
    KitUnitTalk(city="koeln-muelheim", title="x").validate()
    for bad in ["Köln", "koeln_", "-koeln", "koeln-", "ko eln", ""]:
        with pytest.raises(mongoengine.ValidationError):
            KitUnitTalk(city=bad, title="x").validate()
    assert is_slug("frankfurt-am-main")
    assert not is_slug("Frankfurt am Main")


def test_city_is_required():
    with pytest.raises(mongoengine.ValidationError, match="city"):
        KitUnitTalk(title="x").validate()


# ---------------------------------------------------------------- convention: indexes


def index_fields(document: type[TenantDocument]) -> list[list[str]]:
    return [[name for name, _ in spec["fields"]] for spec in document._meta["index_specs"]]


def indexes_not_led_by_city(document: type[TenantDocument]) -> list[list[str]]:
    return [fields for fields in index_fields(document) if not fields or fields[0] != "city"]


def import_all_service_models() -> list[str]:
    imported = []
    for module in pkgutil.iter_modules(services.__path__):
        if not module.ispkg:
            continue
        name = f"services.{module.name}.models"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name)
        imported.append(name)
    return imported


def concrete_tenant_documents() -> list[type[TenantDocument]]:
    found, pending = [], list(TenantDocument.__subclasses__())
    while pending:
        document = pending.pop()
        pending.extend(document.__subclasses__())
        if not document._meta.get("abstract"):
            found.append(document)
    return found


def test_convention_check_catches_an_index_without_city():
    class KitUnitBadIndex(TenantDocument):
        title = StringField()
        code = StringField(unique=True)
        meta = {
            "db_alias": ALIAS,
            "auto_create_index": False,
            "indexes": [("title", "city"), ("city", "title")],
        }

    assert indexes_not_led_by_city(KitUnitBadIndex) == [["title", "city"], ["code"]]


def test_every_index_of_every_tenant_document_starts_with_city():
    imported = import_all_service_models()
    assert "services.identity.models" in imported
    documents = concrete_tenant_documents()
    service_documents = [d for d in documents if d.__module__.startswith("services.")]
    assert KitUnitTalk in documents

    offenders = {
        f"{d.__module__}.{d.__name__}": indexes_not_led_by_city(d)
        for d in [*service_documents, KitUnitTalk]
        if indexes_not_led_by_city(d)
    }
    assert offenders == {}
    assert index_fields(KitUnitTalk) == [["city", "title"], ["city", "seats"], ["city", "host"]]
