"""The password hasher's parameters: argon2-cffi's defaults unless the test profile is asked
for by name; anything else is refused."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from services.identity.passwords import password_hasher


def test_production_uses_argon2_defaults() -> None:
    assert password_hasher({})._parameters == PasswordHasher()._parameters
    assert password_hasher({"STADTDIALOG_PASSWORD_HASHING": "default"})._parameters == (
        profiles.RFC_9106_LOW_MEMORY
    )


def test_the_test_profile_only_by_its_name() -> None:
    cheap = password_hasher({"STADTDIALOG_PASSWORD_HASHING": "cheapest"})
    assert cheap._parameters == profiles.CHEAPEST
    with pytest.raises(ValueError, match="STADTDIALOG_PASSWORD_HASHING"):
        password_hasher({"STADTDIALOG_PASSWORD_HASHING": "fast"})


def test_hashes_of_either_profile_verify_under_the_other() -> None:
    strong, cheap = (
        password_hasher({}),
        password_hasher({"STADTDIALOG_PASSWORD_HASHING": "cheapest"}),
    )
    assert cheap.verify(strong.hash("Tischgespräch-42"), "Tischgespräch-42")
    made_cheaply = cheap.hash("Tischgespräch-42")
    assert strong.verify(made_cheaply, "Tischgespräch-42")
    assert strong.check_needs_rehash(made_cheaply)  # a login upgrades it
