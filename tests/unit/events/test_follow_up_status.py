"""An idea's status on "Was aus den Ideen wurde" follows its next steps
(services/events/follow_up.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.events.follow_up import PROGRESS, status_with_steps

IDEA = st.sampled_from(PROGRESS)
STEPS = st.lists(st.sampled_from(("planned", "in_progress", "done", "dropped")), max_size=6)


@pytest.mark.parametrize(
    ("idea", "steps", "shown"),
    [
        ("proposed", [], "proposed"),
        ("proposed", ["dropped"], "proposed"),
        ("proposed", ["planned"], "in_discussion"),
        ("proposed", ["planned", "in_progress"], "in_progress"),
        ("proposed", ["planned", "done"], "in_progress"),
        ("proposed", ["done", "done", "dropped"], "realised"),
        ("not_pursued", ["planned"], "in_discussion"),
        ("realised", ["planned"], "realised"),  # never behind the idea's own status
        ("in_progress", ["planned"], "in_progress"),
    ],
)
def test_examples(idea: str, steps: list[str], shown: str) -> None:
    assert status_with_steps(idea, steps) == shown


@given(IDEA, STEPS)
def test_never_behind_the_idea_and_always_a_known_status(idea: str, steps: list[str]) -> None:
    shown = status_with_steps(idea, steps)
    assert shown in PROGRESS
    if idea != "not_pursued":
        assert PROGRESS.index(shown) >= PROGRESS.index(idea)


@given(IDEA, STEPS)
def test_dropped_steps_count_for_nothing(idea: str, steps: list[str]) -> None:
    assert status_with_steps(idea, steps) == status_with_steps(
        idea, [s for s in steps if s != "dropped"]
    )
