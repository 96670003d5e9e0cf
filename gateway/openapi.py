"""The OpenAPI 3 document, generated from the routes' ``@documented`` metadata and the
services' marshmallow schemas (apispec's MarshmallowPlugin turns schemas into components)."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from gateway.api.docs import ApiDoc

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
                        "content": {
                            "application/json": {"schema": doc.response or {"type": "object"}}
                        },
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
            for status in (*doc.errors, 503):
                operation["responses"][str(status)] = {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in rule.arguments
            ]
            if parameters:
                operation["parameters"] = parameters
            paths.setdefault(_path(rule.rule), {})[method.lower()] = operation
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()
