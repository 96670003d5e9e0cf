"""The broker permissions of an integrator (pure rules of gateway/integrators.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.integrators import access_for, check_name, cities_of

SLUG = st.from_regex(r"\A[a-z][a-z0-9-]{1,20}\Z")


def test_binding_keys_of_its_cities_only() -> None:
    access = access_for("stadtwerke-app", ["muster", "beispielstadt"])
    allowed = re.compile(access.topic_read)
    for key in ("muster.#", "muster.dialogue.idea.*", "beispielstadt.#"):
        assert allowed.search(key), key
    for key in ("#", "*.dialogue.#", "musterstadt.#", "muster", "xmuster.#", "_global.#"):
        assert not allowed.search(key), key


def test_queues_of_its_own_name_and_reading_the_public_exchange() -> None:
    access = access_for("acme", ["muster"])
    own, read = re.compile(access.configure), re.compile(access.read)
    assert own.match("integrator.acme.muster") and read.match("integrator.acme.muster")
    assert read.match("stadtdialog.public")
    for name in ("integrator.acme.", "integrator.acmex.q", "integrator.other.q", "fremd"):
        assert not own.match(name), name
    for name in ("stadtdialog.publicx", "cities.events", "integrator.other.q"):
        assert not read.match(name), name
    assert access.write == access.configure  # no exchange: publishing is refused


@pytest.mark.parametrize("name", ["", "Acme", "a b", "-acme", "acme-", "ä", "a" * 41, "a.b"])
def test_names_that_cannot_be_a_broker_user_or_queue_prefix(name: str) -> None:
    with pytest.raises(ValueError, match="Kleinbuchstaben"):
        check_name(name)


def test_at_least_one_city() -> None:
    with pytest.raises(ValueError, match="Mindestens eine Stadt"):
        access_for("acme", [])


@given(st.lists(SLUG, min_size=1, max_size=5))
def test_the_cities_read_back_from_the_pattern(slugs: list[str]) -> None:
    assert cities_of(access_for("acme", slugs).topic_read) == sorted(set(slugs))
