"""The event catalogue: one JSON schema per event type, and the AsyncAPI 3 document built from them.

The source of truth is ``docs/events/schemas/<type>.json`` (the ``data`` of one event type,
JSON Schema draft-07, with ``x-visibility`` public|internal and ``x-subject``) plus the shared
envelope ``docs/events/envelope.json``. ``docs/asyncapi.yaml`` is generated from them
(``python -m gateway.event_catalogue``) and a unit test keeps it in step, validates it
against the official AsyncAPI 3.0.0 JSON schema and compares it with the types the services
emit (``gateway.event_scan``).

Pure: no nameko, no mongoengine. ``jsonschema`` is imported only where envelopes are validated.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from gateway.event_specs import (
    ASYNCAPI_FILE,
    CATALOGUE_VERSION,
    ENVELOPE_FILE,
    REPO,
    SCHEMAS_DIR,
    VISIBILITIES,
    CatalogueError,
    EventSpec,
    envelope_schema,
    load_catalogue,
    load_envelope_schema,
    load_spec,
    validation_errors,
)
from services.kit.cloudevents import CONTENT_TYPE as CLOUDEVENTS
from services.kit.events import PUBLIC_EXCHANGE

# The schema side lives in gateway.event_specs; its names stay importable from here.
__all__ = [
    "ASYNCAPI_FILE",
    "ENVELOPE_FILE",
    "SCHEMAS_DIR",
    "VISIBILITIES",
    "CatalogueError",
    "EventSpec",
    "build_asyncapi",
    "envelope_schema",
    "load_catalogue",
    "load_envelope_schema",
    "load_spec",
    "main",
    "render_asyncapi",
    "validation_errors",
]


# ---------------------------------------------------------------------- the AsyncAPI document
def _amqp_channel_binding(exchange: str, vhost: str = "/") -> dict[str, Any]:
    return {
        "amqp": {
            "is": "routingKey",
            "exchange": {
                "name": exchange,
                "type": "topic",
                "durable": True,
                "autoDelete": False,
                "vhost": vhost,
            },
            "bindingVersion": "0.3.0",
        }
    }


def _strip_for_asyncapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Our data schemas embedded as AsyncAPI schema objects: no ``$schema``/``$id``."""
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


def build_asyncapi(
    catalogue: dict[str, EventSpec] | None = None, envelope: dict[str, Any] | None = None
) -> dict[str, Any]:
    catalogue = catalogue if catalogue is not None else load_catalogue()
    envelope = envelope or load_envelope_schema()
    public = [s for s in catalogue.values() if s.public]
    internal = [s for s in catalogue.values() if not s.public]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": _strip_for_asyncapi(envelope)}
    for spec in catalogue.values():
        key = spec.component
        data_name = f"{key}.data"
        schemas[data_name] = _strip_for_asyncapi(spec.data_schema)
        example_envelope = {
            "id": "5b1f0c1e-7a0e-4f63-9d1b-2f7b9a9b6a11",
            "source": f"/stadtdialog/{spec.service}",
            "specversion": "1.0",
            "type": spec.type,
            "time": "2027-06-01T18:30:00.000Z",
            "subject": "…",
            "datacontenttype": "application/json",
            "city": "musterstadt",
            "data": spec.example,
        }
        # The public stream: CloudEvents' structured content type (its AMQP binding); the
        # services' own exchanges: plain JSON for nameko.
        content_type = CLOUDEVENTS if spec.public else "application/json"
        messages[key] = {
            "name": spec.type,
            "title": spec.type,
            "summary": spec.description,
            "description": f"Subject: {spec.subject}.",
            "contentType": content_type,
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "const": spec.type},
                            "source": {"type": "string", "const": f"/stadtdialog/{spec.service}"},
                            "data": {"$ref": f"#/components/schemas/{data_name}"},
                        },
                    },
                ]
            },
            "tags": [{"name": spec.visibility}, {"name": spec.service}],
            "examples": [{"name": "example", "payload": example_envelope}],
            "x-visibility": spec.visibility,
        }
        if spec.public:
            channel = f"public.{key}"
            channels[channel] = {
                "address": spec.routing_key,
                "title": f"{spec.entity} {spec.action} ({spec.service})",
                "description": (
                    f"On the topic exchange `{PUBLIC_EXCHANGE}`; `city` is the city's slug "
                    "(`_global` for facts without a city). Bind `<city>.#` for one city."
                ),
                "parameters": {"city": {"description": "The city's slug, or `_global`."}},
                "messages": {key: {"$ref": f"#/components/messages/{key}"}},
                "bindings": _amqp_channel_binding(PUBLIC_EXCHANGE),
            }
        else:
            channel = f"internal.{key}"
            channels[channel] = {
                "address": spec.type,
                "title": f"{spec.type} (internal)",
                "description": (
                    f"Internal: only on the service's own exchange `{spec.service}.events` "
                    "(routing key = type), never on the public exchange. Not part of the "
                    "public contract; it may change without notice."
                ),
                "messages": {key: {"$ref": f"#/components/messages/{key}"}},
                "bindings": _amqp_channel_binding(f"{spec.service}.events"),
            }
        operations[f"send.{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"The {spec.service} service publishes {spec.type}.",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{key}"}],
            "tags": [{"name": spec.visibility}],
            "bindings": {
                "amqp": {"deliveryMode": 2, "mandatory": False, "bindingVersion": "0.3.0"}
            },
        }
    return {
        "asyncapi": "3.0.0",
        "id": "urn:stadtdialog:events",
        "info": {
            "title": "Stadtdialog event stream",
            "version": CATALOGUE_VERSION,
            "description": (
                "Facts of the Stadtdialog platform for third parties (city administrations' "
                "systems, local media, researchers, partner foundations). Public facts go to "
                f"the durable topic exchange `{PUBLIC_EXCHANGE}` with routing key "
                "`<city>.<service>.<entity>.<action>`, as persistent messages published with "
                "publisher confirms from each service's outbox. Every message is a CloudEvents "
                "1.0 event in structured JSON mode (content type `application/cloudevents+json`) "
                "plus the extension attribute `city`. "
                "Delivery is at-least-once: de-duplicate by `id`. Public facts carry no "
                "personal data. Ignore fields you do not know (the schemas allow them): a version "
                "gains optional fields "
                "only; a change in meaning is a new type version (`.v2`). "
                f"{len(public)} public and {len(internal)} internal types. How to consume: "
                "docs/events.md; an example consumer: docs/examples/city_consumer.py."
            ),
            "license": {
                "name": "EUPL-1.2",
                "url": "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            },
            "tags": [
                {"name": "public", "description": "On the public exchange: the contract."},
                {"name": "internal", "description": "Between services only; may change."},
            ],
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "A local platform (deploy/local/run); production brokers are "
                "announced per deployment.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render_asyncapi(document: dict[str, Any] | None = None) -> str:
    document = document or build_asyncapi()
    header = (
        "# Generated from docs/events/schemas/*.json and docs/events/envelope.json by\n"
        "# `python -m gateway.event_catalogue`: edit those files, not this one.\n"
    )
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def main(argv: list[str] | None = None) -> int:
    """``python -m gateway.event_catalogue [--check]``: write (or check) docs/asyncapi.yaml."""
    args = sys.argv[1:] if argv is None else argv
    text = render_asyncapi()
    if "--check" in args:
        current = ASYNCAPI_FILE.read_text() if ASYNCAPI_FILE.exists() else ""
        if current != text:
            print("docs/asyncapi.yaml is out of date: run python -m gateway.event_catalogue")
            return 1
        return 0
    ASYNCAPI_FILE.write_text(text)
    print(f"wrote {ASYNCAPI_FILE.relative_to(REPO)} ({len(load_catalogue())} event types)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
