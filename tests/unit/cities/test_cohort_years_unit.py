"""The years a city may join are the years the published event schemas promise integrators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from services.cities.schemas import FIRST_COHORT, LAST_COHORT, CityCreateSchema

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "events" / "schemas"


@pytest.mark.parametrize(
    "name",
    ["stadtdialog.cities.city.created.v1.json", "stadtdialog.scenarios.project.created.v1.json"],
)
def test_the_accepted_years_are_the_published_range(name: str) -> None:
    published = json.loads((SCHEMAS / name).read_text())["properties"]["cohort_year"]
    assert (published["minimum"], published["maximum"]) == (FIRST_COHORT, LAST_COHORT)


@pytest.mark.parametrize("year", [FIRST_COHORT - 1, LAST_COHORT + 1, 9999])
def test_a_year_outside_the_range_is_refused(year: int) -> None:
    with pytest.raises(ValidationError) as refused:
        CityCreateSchema().load({"cohort_year": year}, partial=True)
    assert "cohort_year" in refused.value.messages
