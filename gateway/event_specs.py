"""The event types' schemas: one JSON schema per type in ``docs/events/schemas/``, the shared
envelope, and the validation of an envelope against them (pure; ``jsonschema`` is imported only
where envelopes are validated). ``gateway.event_catalogue`` builds the AsyncAPI document from
them."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.kit.events import TYPE_PATTERN

REPO = Path(__file__).resolve().parents[1]
SCHEMAS_DIR = REPO / "docs" / "events" / "schemas"
ENVELOPE_FILE = REPO / "docs" / "events" / "envelope.json"
ASYNCAPI_FILE = REPO / "docs" / "asyncapi.yaml"
VISIBILITIES = ("public", "internal")
# The catalogue's own version: bumped when a type is added (minor) or a version retired (major).
CATALOGUE_VERSION = "1.7.0"
# Keywords of our schema files that are documentation for the catalogue, not JSON Schema.
_META = ("$schema", "$id", "x-visibility", "x-subject")


class CatalogueError(ValueError):
    """A schema file that does not follow the catalogue's rules."""


@dataclass(frozen=True)
class EventSpec:
    type: str
    service: str
    entity: str
    action: str
    version: int
    visibility: str
    description: str
    subject: str
    data_schema: dict[str, Any]  # JSON Schema of ``data`` (catalogue keywords removed)

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    @property
    def example(self) -> dict[str, Any]:
        return self.data_schema["examples"][0]

    @property
    def component(self) -> str:
        """A name usable as an AsyncAPI component key: ``cities.city.created.v1``."""
        return self.type.removeprefix("stadtdialog.")

    @property
    def routing_key(self) -> str:
        """On ``stadtdialog.public``: ``{city}.<service>.<entity>.<action>``."""
        return f"{{city}}.{self.service}.{self.entity}.{self.action}"


def load_spec(path: Path) -> EventSpec:
    raw = json.loads(path.read_text())
    name = path.name.removesuffix(".json")
    match = TYPE_PATTERN.match(name)
    if not match:
        raise CatalogueError(f"{path.name}: the file name must be the event type")
    if raw.get("title") != name:
        raise CatalogueError(f"{path.name}: title must be the event type {name}")
    visibility = raw.get("x-visibility")
    if visibility not in VISIBILITIES:
        raise CatalogueError(f"{path.name}: x-visibility must be one of {VISIBILITIES}")
    if raw.get("type") != "object" or not raw.get("examples"):
        raise CatalogueError(f"{path.name}: data must be an object schema with an example")
    for key in ("description", "x-subject"):
        if not raw.get(key):
            raise CatalogueError(f"{path.name}: {key} is missing")
    return EventSpec(
        type=name,
        service=match["service"],
        entity=match["entity"],
        action=match["action"],
        version=int(match["version"]),
        visibility=visibility,
        description=raw["description"],
        subject=raw["x-subject"],
        data_schema={k: v for k, v in raw.items() if k not in _META},
    )


def load_catalogue(directory: Path = SCHEMAS_DIR) -> dict[str, EventSpec]:
    """Every catalogued type, by type name, in name order."""
    specs = [load_spec(path) for path in sorted(directory.glob("*.json"))]
    return {spec.type: spec for spec in specs}


def load_envelope_schema(path: Path = ENVELOPE_FILE) -> dict[str, Any]:
    return json.loads(path.read_text())


def envelope_schema(
    spec: EventSpec, envelope: dict[str, Any] | None = None, strict: bool = False
) -> dict[str, Any]:
    """A self-contained JSON schema of a whole envelope of one type (for validators).

    The published schemas allow fields they do not name, so a consumer that validates keeps
    accepting a type that gained an optional field (the rule of evolution). ``strict`` closes
    them again for the platform's own checks: a service must not send a field the catalogue
    does not describe (a personal field slipping into a public fact, say)."""
    base = copy.deepcopy(envelope or load_envelope_schema())
    base["$id"] = f"urn:stadtdialog:event:{spec.type}:envelope"
    base["title"] = spec.type
    properties = base["properties"]
    properties["type"] = {"type": "string", "enum": [spec.type]}
    properties["source"] = {"type": "string", "enum": [f"/stadtdialog/{spec.service}"]}
    properties["data"] = copy.deepcopy(spec.data_schema)
    properties["data"].pop("title", None)
    if strict:
        base["additionalProperties"] = False
        properties["data"]["additionalProperties"] = False
    return base


def validation_errors(
    envelope: dict[str, Any], catalogue: dict[str, EventSpec] | None = None, strict: bool = True
) -> list[str]:
    """Why ``envelope`` does not match the catalogue (empty when it does); strictly, as the
    platform checks its own facts, or as a consumer would with the published schema."""
    import jsonschema  # only the checks need it

    catalogue = catalogue if catalogue is not None else load_catalogue()
    spec = catalogue.get(str(envelope.get("type")))
    if spec is None:
        return [f"type {envelope.get('type')!r} is not catalogued"]
    validator = jsonschema.Draft7Validator(envelope_schema(spec, strict=strict))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(envelope)'}: {error.message}"
        for error in sorted(validator.iter_errors(envelope), key=lambda e: list(e.absolute_path))
    ]
