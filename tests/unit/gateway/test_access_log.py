"""The gateway's access log: one INFO line per request, except reads served from the public
cache, which are counted in the metrics and logged at DEBUG only."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from gateway.app import create_app
from gateway.metrics import REQUESTS


@pytest.fixture
def app(monkeypatch) -> Flask:
    monkeypatch.setenv("STADTDIALOG_PUBLIC_CACHE", "0")  # no invalidator: filled by hand below
    app = create_app()
    cache = app.extensions["public_cache"]
    cache.connected.set()
    cache.put("/api/v1/cities?||", (b"[]", 200, "application/json"), cache.generation)
    return app


def _count(endpoint: str, status: str) -> float:
    return REQUESTS.labels("GET", endpoint, status)._value.get()


def test_cache_hits_are_counted_and_logged_at_debug_only(app, caplog) -> None:
    client = app.test_client()
    before = _count("/api/v1/cities", "200")
    with caplog.at_level(logging.INFO, logger="gateway.requests"):
        assert client.get("/api/v1/cities").get_data() == b"[]"
        assert client.get("/api/v1/gibt-es-nicht").status_code == 404
    lines = [r for r in caplog.records if r.name == "gateway.requests"]
    assert [r.getMessage() for r in lines] == ["GET (unmatched) 404"]
    assert _count("/api/v1/cities", "200") == before + 1

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="gateway.requests"):
        client.get("/api/v1/cities")
    hits = [r for r in caplog.records if r.name == "gateway.requests"]
    assert [(r.levelno, r.getMessage()) for r in hits] == [
        (logging.DEBUG, "GET /api/v1/cities 200")
    ]
