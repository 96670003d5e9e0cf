"""An idea's status as its next steps tell it (pure).

The dialogue service keeps the status the city gave an idea during the talks; after the
Abschluss, partners record next steps, and those say more about where the idea stands. On
"Was aus den Ideen wurde" the status follows the steps, never behind the idea's own:

- no step, or every step dropped: the idea's own status;
- every step that is not dropped is done: ``realised``;
- a step in progress or done: ``in_progress``;
- only planned steps: at least ``in_discussion``.
"""

from __future__ import annotations

from collections.abc import Iterable

# The order in which an idea moves on; ``not_pursued`` is left behind by any live step.
PROGRESS = ("not_pursued", "proposed", "in_discussion", "in_progress", "realised")


def status_with_steps(idea_status: str, step_statuses: Iterable[str]) -> str:
    live = [s for s in step_statuses if s != "dropped"]
    if not live:
        return idea_status
    if all(s == "done" for s in live):
        by_steps = "realised"
    elif any(s in ("in_progress", "done") for s in live):
        by_steps = "in_progress"
    else:
        by_steps = "in_discussion"
    own = PROGRESS.index(idea_status) if idea_status in PROGRESS else 0
    return PROGRESS[max(own, PROGRESS.index(by_steps))]
