"""Small rules of changing the workshop: when two factor names are the same, and how an own
assessment criterion is listed beside the base criteria (pure, no I/O)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from services.scenarios.handlers.criteria import criterion_key, own_criterion
from services.scenarios.handlers.factors import _same_name
from services.scenarios.transfer import BASE_CRITERIA


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Verkehr", "verkehr", True),
        ("  Verkehr ", "VERKEHR", True),
        ("Öffentlicher  Raum", "öffentlicher raum", True),
        ("Straße", "STRASSE", True),  # casefold: ß = ss
        ("Verkehr", "Verkehrswende", False),
        ("Wohnen", "Wohnen 2", False),
    ],
)
def test_factor_names_compare_without_case_and_extra_spaces(a: str, b: str, same: bool) -> None:
    assert (_same_name(a) == _same_name(b)) is same


def test_an_own_criterion_is_optional_and_keyed_apart_from_the_others() -> None:
    criterion = SimpleNamespace(id="665f1c2e9b1e8a0012350009", title="Kosten", description="")
    listed = own_criterion(criterion)
    assert listed["id"] == criterion_key(criterion) == "c-665f1c2e9b1e8a0012350009"
    assert listed["required"] is False and listed["source"] == "project"
    assert listed["description_de"] is None  # no empty hint under the field
    # no dot and no "$": it is a key of the assessment's ratings document
    assert "." not in listed["id"] and not listed["id"].startswith("$")
    assert listed["id"] not in {c["id"] for c in BASE_CRITERIA}
