"""A city's districts (Stadtteile) as GeoJSON: strict validation, pure (no I/O).

A city admin uploads one FeatureCollection of Polygon/MultiPolygon features, each with a
name property. Everything that is wrong is reported at once, each message naming the feature
by its number and name, so an admin can fix the file in one go. What is kept is normalised:
only the name and the geometry (coordinates rounded to 6 decimals, about 10 cm), so that
nothing else a GIS export carries (owners, addresses, ids) is stored or shown.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import ValidationError

from services.kit.text import clean_text

MAX_BYTES = 1_000_000  # the uploaded file (the gateway refuses larger ones before parsing)
MAX_FEATURES = 60
MAX_POSITIONS = 50_000  # all rings of all features together
MAX_NAME = 80
NAME_KEYS = ("name", "Name", "NAME")  # the property the name is read from, first found wins

MSG_NOT_COLLECTION = "The file must be a GeoJSON FeatureCollection."
MSG_NO_FEATURES = "The FeatureCollection has no features."
MSG_TOO_MANY = "At most {limit} districts."
MSG_TOO_MANY_POINTS = "The districts have more than {limit} points together; simplify them."
MSG_NOT_FEATURE = "Feature {number}: not a GeoJSON Feature."
MSG_NO_NAME = "Feature {number}: the property name is missing."
MSG_NAME_LENGTH = "Feature {number}: the name is longer than {limit} characters."
MSG_NAME_CHARACTERS = "Feature {number}: the name contains characters that are not allowed."
MSG_DUPLICATE = "Feature {number} ({name}): the name is used twice."
MSG_GEOMETRY_TYPE = "Feature {number} ({name}): the geometry must be a Polygon or MultiPolygon."
MSG_RING = "Feature {number} ({name}): every ring needs at least 4 positions."
MSG_RING_OPEN = "Feature {number} ({name}): a ring is not closed (last position = first)."
MSG_POSITION = "Feature {number} ({name}): a position is not a pair of numbers."
MSG_RANGE = "Feature {number} ({name}): longitude or latitude out of range (WGS 84 degrees)."
MSG_STRUCTURE = "Feature {number} ({name}): the coordinates are not nested as GeoJSON asks."

MESSAGES_DE = {
    MSG_NOT_COLLECTION: "Die Datei muss eine GeoJSON-FeatureCollection sein.",
    MSG_NO_FEATURES: "Die FeatureCollection enthält keine Stadtteile (features ist leer).",
    MSG_TOO_MANY: "Höchstens {limit} Stadtteile.",
    MSG_TOO_MANY_POINTS: (
        "Die Stadtteile haben zusammen mehr als {limit} Punkte; bitte vereinfache sie."
    ),
    MSG_NOT_FEATURE: "Stadtteil {number}: kein GeoJSON-Feature.",
    MSG_NO_NAME: "Stadtteil {number}: Die Eigenschaft name fehlt.",
    MSG_NAME_LENGTH: "Stadtteil {number}: Der Name ist länger als {limit} Zeichen.",
    MSG_NAME_CHARACTERS: (
        "Stadtteil {number}: Der Name enthält unerlaubte Zeichen (Zeilenumbrüche, Steuerzeichen)."
    ),
    MSG_DUPLICATE: "Stadtteil {number} ({name}): Der Name kommt doppelt vor.",
    MSG_GEOMETRY_TYPE: (
        "Stadtteil {number} ({name}): Die Geometrie muss ein Polygon oder MultiPolygon sein."
    ),
    MSG_RING: "Stadtteil {number} ({name}): Jeder Ring braucht mindestens 4 Positionen.",
    MSG_RING_OPEN: (
        "Stadtteil {number} ({name}): Ein Ring ist nicht geschlossen "
        "(letzte Position = erste Position)."
    ),
    MSG_POSITION: "Stadtteil {number} ({name}): Eine Position ist kein Zahlenpaar.",
    MSG_RANGE: (
        "Stadtteil {number} ({name}): Länge oder Breite außerhalb des Bereichs (WGS-84-Grad)."
    ),
    MSG_STRUCTURE: (
        "Stadtteil {number} ({name}): Die Koordinaten sind nicht wie bei GeoJSON verschachtelt."
    ),
}

Polygon = list[list[list[float]]]  # rings of [lon, lat]


class DistrictErrors(ValueError):
    """Every problem of an upload, English messages (German in MESSAGES_DE)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages[0])
        self.messages = messages


def _name(properties: Any) -> Any:
    if not isinstance(properties, dict):
        return None
    for key in NAME_KEYS:
        if key in properties:
            return properties[key]
    return None


def _position(value: Any) -> list[float] | None:
    if not isinstance(value, list) or len(value) < 2:
        return None
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        if isinstance(number, bool) or not isinstance(number, int | float):
            return None
        if not math.isfinite(number):
            return None
    return [round(float(lon), 6), round(float(lat), 6)]


def _polygon(rings: Any, say: Any) -> tuple[Polygon, int]:
    """One polygon's rings, checked; ``say`` records a message once. Returns positions."""
    if not isinstance(rings, list) or not rings:
        say(MSG_STRUCTURE)
        return [], 0
    kept: Polygon = []
    count = 0
    for ring in rings:
        if not isinstance(ring, list) or not all(isinstance(p, list) for p in ring):
            say(MSG_STRUCTURE)
            continue
        positions = [_position(p) for p in ring]
        if any(p is None for p in positions):
            say(MSG_POSITION)
            continue
        points = [p for p in positions if p is not None]
        if any(not (-180 <= lon <= 180 and -90 <= lat <= 90) for lon, lat in points):
            say(MSG_RANGE)
        if len(points) < 4:
            say(MSG_RING)
        elif points[0] != points[-1]:
            say(MSG_RING_OPEN)
        kept.append(points)
        count += len(points)
    return kept, count


def validate_districts(document: Any) -> list[dict[str, Any]]:
    """The districts of a GeoJSON FeatureCollection, or DistrictErrors naming every problem.

    Each district: ``{"name": str, "polygons": [polygon, …]}`` (a Polygon becomes one)."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DistrictErrors([MSG_NOT_COLLECTION])
    features = document.get("features")
    if not isinstance(features, list):
        raise DistrictErrors([MSG_NOT_COLLECTION])
    if not features:
        raise DistrictErrors([MSG_NO_FEATURES])
    if len(features) > MAX_FEATURES:
        raise DistrictErrors([MSG_TOO_MANY.format(limit=MAX_FEATURES)])
    errors: list[str] = []
    districts: list[dict[str, Any]] = []
    seen: set[str] = set()
    total = 0
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(MSG_NOT_FEATURE.format(number=number))
            continue
        name = _name(feature.get("properties"))
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            errors.append(MSG_NO_NAME.format(number=number))
            continue
        try:  # a name shows on pages and in mails: no line breaks, controls, surrogates
            name = " ".join(clean_text(name).split())
        except ValidationError:
            errors.append(MSG_NAME_CHARACTERS.format(number=number))
            continue
        if len(name) > MAX_NAME:
            errors.append(MSG_NAME_LENGTH.format(number=number, limit=MAX_NAME))
            continue
        said: set[str] = set()

        def say(
            message: str, number: int = number, name: str = name, said: set[str] = said
        ) -> None:
            if message not in said:
                said.add(message)
                errors.append(message.format(number=number, name=name))

        if name.casefold() in seen:
            say(MSG_DUPLICATE)
        seen.add(name.casefold())
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        polygons: list[Polygon] = []
        if kind == "Polygon":
            kept, count = _polygon(coordinates, say)
            polygons, total = [kept], total + count
        elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
            for rings in coordinates:
                kept, count = _polygon(rings, say)
                polygons.append(kept)
                total += count
        elif kind == "MultiPolygon":
            say(MSG_STRUCTURE)
        else:
            say(MSG_GEOMETRY_TYPE)
        districts.append({"name": name, "polygons": polygons})
    if total > MAX_POSITIONS:
        errors.append(MSG_TOO_MANY_POINTS.format(limit=MAX_POSITIONS))
    if errors:
        raise DistrictErrors(errors)
    return districts
