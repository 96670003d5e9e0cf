"""One mongoengine connection (alias) per service database.

A service's documents declare ``meta = {"db_alias": "<service>"}``; ``ServiceDatabase`` connects
that alias when the service container starts, so models never carry connection details.
"""

from __future__ import annotations

import mongoengine
from mongoengine import Document
from mongoengine.connection import get_db
from nameko.extensions import DependencyProvider
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure

from services.kit.config import Settings, load_settings
from services.kit.db_metrics import register as register_command_metrics

# Server answers that mean "the database is going away or failed inside", not "this request is
# wrong": FerretDB answers a query cut off by its own shutdown with InternalError (1); MongoDB
# says so with the shutdown and step-down codes (pymongo turns some of them into AutoReconnect).
DATABASE_AWAY_CODES = frozenset({1, 91, 189, 10107, 11600, 11602, 13435, 13436})
DUPLICATE_KEY = 11000


def database_away(error: BaseException | None) -> bool:
    """Whether ``error`` says the database is unreachable for now (an answer: 503, try again)."""
    if isinstance(error, ConnectionFailure):
        return True
    return isinstance(error, OperationFailure) and error.code in DATABASE_AWAY_CODES


def inserted_first(collection: Collection, document: dict) -> bool:
    """Whether this insert of ``document`` (by its ``_id``) came first. FerretDB's updates
    are read-then-write, so "only one of two processes or requests goes on" is claimed by an
    insert against the unique ``_id``: exactly one succeeds."""
    try:
        collection.insert_one(document)
    except DuplicateKeyError:
        return False
    return True


def stored_before(collection: Collection, documents: list[dict]) -> set[int]:
    """Insert ``documents`` in one write, going on past any already stored (a unique key:
    code 11000); the indexes of those, the batch form of ``inserted_first``. Any other
    failure raises, as does a batch refused without a word on which document."""
    if not documents:
        return set()
    try:
        collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors") or []
        if not errors or any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        return {int(error["index"]) for error in errors}
    return set()


def connect(service: str, settings: Settings | None = None) -> Database:
    """Register (once) and return the database of ``service`` under alias ``service``."""
    settings = settings or load_settings()
    register_command_metrics()  # before the first client: pymongo reads its listeners then
    mongoengine.connect(
        db=settings.database_name(service),
        alias=service,
        host=settings.mongodb_uri,
        # FerretDB answers quickly on loopback; fail fast rather than hang a worker.
        serverSelectionTimeoutMS=5000,
        uuidRepresentation="standard",
        tz_aware=True,
    )
    return get_db(service)


class ServiceDatabase(DependencyProvider):
    """Gives a nameko service ``self.db`` (the raw pymongo database) and connects its alias."""

    def __init__(self, service: str, models: tuple[type[Document], ...] = ()) -> None:
        self.service = service
        self.models = models
        self.database: Database | None = None

    def setup(self) -> None:
        self.database = connect(self.service)
        for model in self.models:
            model.ensure_indexes()  # unique indexes must exist before the first insert

    def get_dependency(self, worker_ctx) -> Database:  # noqa: ANN001 - nameko's signature
        assert self.database is not None
        return self.database
