"""Where the engine tests find the published scenario examples.

``STADTDIALOG_SCENARIO_EXAMPLES`` if set; else the initiative's shared folder beside the
checkout (``../shared/scenario-examples``, where examples added later appear); else the copy
in ``tests/fixtures/scenario-examples`` that travels with the repository, so a clone on
another machine runs the same tests.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _examples() -> Path:
    given = os.environ.get("STADTDIALOG_SCENARIO_EXAMPLES", "").strip()
    if given:
        return Path(given)
    shared = REPO.parent / "shared" / "scenario-examples"
    if shared.is_dir():
        return shared
    return REPO / "tests" / "fixtures" / "scenario-examples"


EXAMPLES = _examples()
