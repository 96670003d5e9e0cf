"""One mongoengine connection (alias) per service database.

A service's documents declare ``meta = {"db_alias": "<service>"}``; ``ServiceDatabase`` connects
that alias when the service container starts, so models never carry connection details.
"""

from __future__ import annotations

import mongoengine
from mongoengine import Document
from mongoengine.connection import get_db
from nameko.extensions import DependencyProvider
from pymongo.database import Database

from services.kit.config import Settings, load_settings


def connect(service: str, settings: Settings | None = None) -> Database:
    """Register (once) and return the database of ``service`` under alias ``service``."""
    settings = settings or load_settings()
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
