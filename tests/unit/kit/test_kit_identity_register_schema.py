"""Identity's ``RegisterSchema``: each bad input is refused naming its field."""

from __future__ import annotations

import pytest

from services.identity.schemas import CONSENT_NEEDED, MIN_PASSWORD, RegisterSchema
from services.kit.errors import Invalid
from services.kit.schemas import load

GOOD = {
    "email": "anna@example.org",
    "display_name": "Anna",
    "password": "lange-genug-42",
    "privacy_consent": True,
}


def refused(**changes: object) -> dict[str, list[str]]:
    data = {**GOOD, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    with pytest.raises(Invalid) as caught:
        load(RegisterSchema(), data)
    return caught.value.fields


def test_good_registration_is_loaded_with_default_locale():
    assert load(RegisterSchema(), GOOD) == {**GOOD, "locale": "de", "privacy_version": None}


def test_short_password_names_password():
    assert refused(password="kurz-1") == {
        "password": [f"Length must be between {MIN_PASSWORD} and 256."]
    }


def test_password_of_minimum_length_is_accepted():
    password = "a1" * (MIN_PASSWORD // 2)
    assert len(password) == MIN_PASSWORD
    assert load(RegisterSchema(), {**GOOD, "password": password})["password"] == password


@pytest.mark.parametrize("password", ["nurbuchstaben", "NurBuchstabenÄÖÜ", "1234567890123"])
def test_password_of_one_kind_of_character_names_password(password):
    assert refused(password=password) == {
        "password": ["Password must contain letters and digits or symbols."]
    }


@pytest.mark.parametrize("email", ["anna", "anna@", "@example.org", "anna example.org"])
def test_malformed_email_names_email(email):
    assert refused(email=email) == {"email": ["Not a valid email address."]}


def test_unknown_field_is_named():
    assert refused(operator=True) == {"operator": ["Unknown field."]}


@pytest.mark.parametrize("display_name", ["   ", "\t\n"])
def test_blank_display_name_names_display_name(display_name):
    assert refused(display_name=display_name) == {
        "display_name": ["Missing data for required field."]
    }


def test_empty_display_name_names_display_name():
    assert list(refused(display_name="")) == ["display_name"]


def test_missing_fields_are_each_named():
    with pytest.raises(Invalid) as caught:
        load(RegisterSchema(), {})
    assert caught.value.fields == {
        **{
            name: ["Missing data for required field."]
            for name in ("email", "display_name", "password")
        },
        "privacy_consent": [CONSENT_NEEDED],
    }


@pytest.mark.parametrize("consent", [False, "false", 0, None])
def test_a_registration_without_consent_names_the_consent(consent: object) -> None:
    assert refused(privacy_consent=consent) == {"privacy_consent": [CONSENT_NEEDED]}


def test_the_version_shown_is_kept_and_never_negative() -> None:
    assert load(RegisterSchema(), {**GOOD, "privacy_version": 3})["privacy_version"] == 3
    assert list(refused(privacy_version=-1)) == ["privacy_version"]


def test_unknown_locale_names_locale():
    assert refused(locale="fr") == {"locale": ["Must be one of: de, en."]}


def test_password_is_never_dumped():
    assert "password" not in RegisterSchema().dump(GOOD)
