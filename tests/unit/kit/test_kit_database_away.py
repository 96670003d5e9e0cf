"""Which database errors are "away for now" (503, try again) and which are a real failure."""

from __future__ import annotations

import pytest
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from services.kit.db import database_away


@pytest.mark.parametrize(
    "error",
    [
        AutoReconnect("127.0.0.1:27017: connection closed"),
        ServerSelectionTimeoutError("No servers found yet"),
        NotPrimaryError("not primary"),
        OperationFailure("context canceled", code=1),  # FerretDB cut off by its own shutdown
        OperationFailure("shutdown in progress", code=91),
        OperationFailure("interrupted at shutdown", code=11600),
    ],
)
def test_an_outage_is_the_database_away(error: Exception) -> None:
    assert database_away(error)


@pytest.mark.parametrize(
    "error",
    [
        DuplicateKeyError("E11000 duplicate key", code=11000),
        OperationFailure("unknown operator: $foo", code=2),
        OperationFailure("no code"),
        ValueError("a bug"),
        None,
    ],
)
def test_a_real_failure_is_not_hidden_as_an_outage(error: Exception | None) -> None:
    assert not database_away(error)
