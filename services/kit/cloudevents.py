"""The public stream's content type: CloudEvents 1.0 in structured JSON mode, as the CloudEvents
AMQP binding names it (``application/cloudevents+json``).

kombu decodes a message by its content type, so every process that publishes or consumes the
public stream registers this serializer; importing this module does that (the kit's outbox
imports it, and ``deploy/local/nameko.yaml`` lists it under ``SERIALIZERS`` and ``ACCEPT`` for
the services' own consumers of the public exchange). The services' internal event exchanges
stay plain ``application/json`` (nameko's default)."""

from __future__ import annotations

from kombu.serialization import register
from kombu.utils.json import dumps, loads

CONTENT_TYPE = "application/cloudevents+json"
SERIALIZER = "cloudevents"
ACCEPT = ["json", SERIALIZER]  # what a consumer of the public exchange accepts

__all__ = ["ACCEPT", "CONTENT_TYPE", "SERIALIZER", "dumps", "loads"]

register(SERIALIZER, dumps, loads, content_type=CONTENT_TYPE, content_encoding="utf-8")
