"""The OpenAPI 3 document, generated from the routes' ``@documented`` metadata and the
services' marshmallow schemas (apispec's MarshmallowPlugin turns schemas into components)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from gateway.api.docs import ApiDoc
from gateway.mail_limits import MAIL_ENDPOINTS

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {
                    "type": "object",
                    "properties": {"de": {"type": "string"}, "en": {"type": "string"}},
                },
                "fields": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "de": {"type": "array", "items": {"type": "string"}},
                            "en": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        }
    },
}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _error_statuses(doc: ApiDoc, arguments: Iterable[str], endpoint: str = "") -> list[int]:
    """The errors a route names, plus those every route of its kind can answer: 404 for an
    unknown path value, 401 without a valid token, 422 for a body or query that breaks its schema,
    503 when a service does not answer, 429 when it sends mail (gateway/mail_limits.py)."""
    statuses = set(doc.errors) | {503}
    if endpoint in MAIL_ENDPOINTS:
        statuses.add(429)
    if arguments:
        statuses.add(404)
    if doc.auth:
        statuses.add(401)
    if doc.body is not None or doc.query is not None:
        statuses.add(422)
    return sorted(statuses)


def _param_schema(rule: Rule, name: str) -> dict[str, Any]:
    converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug keeps them only here
    if isinstance(converter, IntegerConverter):
        return {"type": "integer"}
    return {"type": "string"}


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Stadtdialog API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "JSON API of Stadtdialog. Errors name the field and the reason."},
    )
    spec.components.schema("Error", _ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        doc: ApiDoc | None = getattr(view, "__apidoc__", None)
        if doc is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "summary": doc.summary,
                "tags": [doc.tag],
                "operationId": rule.endpoint.replace(".", "_") + f"_{method.lower()}",
                "responses": {
                    str(doc.status): {
                        "description": "OK",
                        # A route that names no response schema promises only some JSON.
                        "content": {"application/json": {"schema": doc.response or {}}},
                    }
                },
            }
            if doc.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": doc.body}},
                }
            if doc.auth:
                operation["security"] = [{"bearer": []}]
            for status in _error_statuses(doc, rule.arguments, rule.endpoint):
                operation["responses"][str(status)] = {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": _param_schema(rule, name)}
                for name in sorted(rule.arguments)
            ]
            if doc.query is not None:  # apispec spreads the schema into one per field
                parameters.append({"in": "query", "schema": doc.query})
            if parameters:
                operation["parameters"] = parameters
            paths.setdefault(_path(rule.rule), {})[method.lower()] = operation
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()
