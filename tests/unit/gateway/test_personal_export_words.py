"""The readable data export shows German words, never a raw code or an ISO timestamp."""

from __future__ import annotations

import importlib

import pytest

from gateway.personal_export import CODES, readable
from services.kit.context import ROLES
from services.kit.registry import SERVICES


def _choices(field) -> set[str]:  # noqa: ANN001 - a mongoengine field
    choices = getattr(field, "choices", None) or getattr(
        getattr(field, "field", None), "choices", None
    )
    return {c if isinstance(c, str) else c[0] for c in choices or ()}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_choice_of_an_exported_field_has_a_german_word(name: str) -> None:
    privacy = importlib.import_module(f"services.{name}.privacy")
    missing = {
        f"{model.__name__}.{path}: {code}"
        for model, holds in privacy.PERSONAL_DATA.items()
        for path in holds.show
        if path.split(".")[0] in model._fields
        for code in _choices(model._fields[path.split(".")[0]])
        if code not in CODES
    }
    assert missing == set()


def test_roles_and_statuses_read_as_words() -> None:
    assert all(role in CODES for role in ROLES)
    assert readable("waitlisted") == "Auf der Warteliste"
    assert readable(["in_person", "open"]) == "Vor Ort; Offen für alle"


def test_times_read_in_the_cities_time_zone() -> None:
    assert readable("2026-12-14T17:00:00+00:00") == "14. Dezember 2026, 18:00 Uhr"
    assert readable("2026-07-01T10:30:00") == "1. Juli 2026, 12:30 Uhr"  # stored as UTC
    assert readable("2026-12-14 is a date in text") == "2026-12-14 is a date in text"
