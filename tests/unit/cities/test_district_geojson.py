"""The districts' GeoJSON validation (services/cities/districts.py): strict, every problem at
once, each message naming the feature, German texts for all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import services.cities  # noqa: F401 - registers the German texts
from services.cities.districts import (
    MAX_FEATURES,
    MAX_POSITIONS,
    MESSAGES_DE,
    DistrictErrors,
    validate_districts,
)
from services.kit.i18n import german

SQUARE = [[9.0, 48.0], [9.1, 48.0], [9.1, 48.1], [9.0, 48.1], [9.0, 48.0]]
DEMO = Path(__file__).parents[3] / "gateway" / "demo" / "musterstadt_districts.geojson"


def feature(name: object, geometry: object) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def problems(document: object) -> list[str]:
    with pytest.raises(DistrictErrors) as caught:
        validate_districts(document)
    return caught.value.messages


def test_polygons_and_multipolygons_are_kept_with_only_name_and_shape() -> None:
    island = [[9.2, 48.0], [9.3, 48.0], [9.25, 48.05], [9.2, 48.0]]
    doc = collection(
        {**feature("  Alt   stadt ", {"type": "Polygon", "coordinates": [SQUARE]}),
         "id": 7, "properties": {"name": "  Alt   stadt ", "owner": "Frau X"}},
        feature("Insel", {"type": "MultiPolygon", "coordinates": [[SQUARE], [island]]}),
    )  # fmt: skip
    found = validate_districts(doc)
    assert [d["name"] for d in found] == ["Alt stadt", "Insel"]
    assert found[0] == {"name": "Alt stadt", "polygons": [[SQUARE]]}
    assert len(found[1]["polygons"]) == 2
    assert "owner" not in json.dumps(found)


def test_every_problem_is_named_by_feature_number_and_name() -> None:
    open_ring = SQUARE[:-1] + [[9.0, 48.05]]
    doc = collection(
        feature("Nord", {"type": "Point", "coordinates": [9.0, 48.0]}),
        feature("Süd", {"type": "Polygon", "coordinates": [open_ring]}),
        feature("", {"type": "Polygon", "coordinates": [SQUARE]}),
        feature("nord", {"type": "Polygon", "coordinates": [[[9, 48], [9, 91], [9, 48]]]}),
        feature("Ost", {"type": "Polygon", "coordinates": [[["a", 48], *SQUARE[1:]]]}),
        {"type": "Fläche"},
    )
    found = problems(doc)
    assert found == [
        "Feature 1 (Nord): the geometry must be a Polygon or MultiPolygon.",
        "Feature 2 (Süd): a ring is not closed (last position = first).",
        "Feature 3: the property name is missing.",
        "Feature 4 (nord): the name is used twice.",
        "Feature 4 (nord): longitude or latitude out of range (WGS 84 degrees).",
        "Feature 4 (nord): every ring needs at least 4 positions.",
        "Feature 5 (Ost): a position is not a pair of numbers.",
        "Feature 6: not a GeoJSON Feature.",
    ]
    assert german(found[0]) == (
        "Stadtteil 1 (Nord): Die Geometrie muss ein Polygon oder MultiPolygon sein."
    )
    assert german(found[3]) == "Stadtteil 4 (nord): Der Name kommt doppelt vor."


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        {"type": "Feature"},
        {"type": "FeatureCollection"},
        {"type": "FeatureCollection", "features": {}},
    ],
)
def test_anything_but_a_feature_collection_is_refused(document: object) -> None:
    assert problems(document) == ["The file must be a GeoJSON FeatureCollection."]


def test_limits() -> None:
    assert problems(collection()) == ["The FeatureCollection has no features."]
    many = [feature(f"T{n}", {"type": "Polygon", "coordinates": [SQUARE]}) for n in range(61)]
    assert problems(collection(*many)) == [f"At most {MAX_FEATURES} districts."]
    ring = [[9 + n * 1e-5, 48.0] for n in range(MAX_POSITIONS)] + [[9.0, 48.1], [9.0, 48.0]]
    assert problems(collection(feature("Groß", {"type": "Polygon", "coordinates": [ring]}))) == [
        f"The districts have more than {MAX_POSITIONS} points together; simplify them."
    ]
    long_name = feature("x" * 81, {"type": "Polygon", "coordinates": [SQUARE]})
    assert problems(collection(long_name)) == ["Feature 1: the name is longer than 80 characters."]


def test_booleans_and_non_finite_numbers_are_no_coordinates() -> None:
    bad = [[True, 48.0], *SQUARE[1:]]
    assert problems(collection(feature("A", {"type": "Polygon", "coordinates": [bad]}))) == [
        "Feature 1 (A): a position is not a pair of numbers."
    ]
    nan = [[float("nan"), 48.0], *SQUARE[1:]]
    assert problems(collection(feature("A", {"type": "Polygon", "coordinates": [nan]})))


@pytest.mark.parametrize("name", ["Nord\nSüd", "A\x00", "\ud800", "Ost\u202e"])
def test_names_with_breaks_controls_or_surrogates_are_refused(name: str) -> None:
    square = feature(name, {"type": "Polygon", "coordinates": [SQUARE]})
    assert problems(collection(square)) == [
        "Feature 1: the name contains characters that are not allowed."
    ]


def test_every_message_has_german_text() -> None:
    for english, text in MESSAGES_DE.items():
        sample = english.format(number=2, name="Altstadt", limit=5)
        assert german(sample) == text.format(number=2, name="Altstadt", limit=5)


def test_the_demo_city_districts_are_valid() -> None:
    found = validate_districts(json.loads(DEMO.read_text("utf-8")))
    assert 5 <= len(found) <= 8
    assert {"Nord", "Altstadt", "Süd"} <= {d["name"] for d in found}
