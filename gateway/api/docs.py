"""Route metadata for the OpenAPI document: ``@documented(...)`` on each API view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema


@dataclass(frozen=True)
class ApiDoc:
    summary: str
    tag: str
    body: type[Schema] | None = None
    # Query parameters, each a field of this schema (refused ones answer 422).
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    auth: bool = False
    errors: tuple[int, ...] = field(default=())


def documented(summary: str, tag: str, **options: Any) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view.__apidoc__ = ApiDoc(summary=summary, tag=tag, **options)  # type: ignore[attr-defined]
        return view

    return decorate
