"""schemathesis against the running gateway's own OpenAPI document: for every operation a
bounded number of generated requests (valid and invalid), as a signed-in citizen; no answer
may be a 5xx, use a status the document does not declare, or break its declared schema.

``STADTDIALOG_FUZZ_EXAMPLES`` sets the examples per operation and mode: 2 in the README test
command (about 500 requests, ~80 s), 25 with ``STADTDIALOG_SLOW_TESTS=1`` (the long variant)."""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

SLOW = os.environ.get("STADTDIALOG_SLOW_TESTS", "") not in ("", "0")
EXAMPLES = int(os.environ.get("STADTDIALOG_FUZZ_EXAMPLES", "25" if SLOW else "2"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Would end the test's own session or account half-way; their refusals are tested elsewhere.
SKIPPED = {("DELETE", "/api/v1/sessions/current"), ("DELETE", "/api/v1/me")}


def _problems(operation, mode: GenerationMode, base: str, headers: dict) -> list[str]:
    found: list[str] = []
    session = requests.Session()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # noqa: ANN001 - a schemathesis Case
        response = case.call(base_url=base, session=session, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:  # collected, reported all at once below
            summary = str(exc).strip().splitlines()
            found.append(
                f"{operation.method.upper()} {operation.path} [{mode.value}] -> "
                f"{response.status_code}: {' / '.join(summary[:6])[:600]}"
            )

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid (no parameters, no body): only the valid mode applies.
        assert mode == GenerationMode.NEGATIVE
    session.close()
    return found


def test_no_5xx_and_no_schema_violation_for_any_operation(api) -> None:
    citizen = api.verified_login()
    headers = {"Authorization": f"Bearer {citizen['token']}"}
    schema = schemathesis.openapi.from_url(f"{api.base}/api/v1/openapi.json")
    problems: list[str] = []
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        count += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems.extend(_problems(operation, mode, api.base, headers))
    assert count > 50, f"only {count} operations in the document"
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))))
