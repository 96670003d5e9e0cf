"""schemathesis against the running gateway's own OpenAPI document: for every operation a
bounded number of generated requests (valid, and invalid where the document leaves anything
to break), as a signed-in citizen; no answer may be a 5xx, use a status the document does not
declare, or break its declared schema.

``STADTDIALOG_FUZZ_EXAMPLES`` sets the examples per operation and mode: 2 in the README test
command (about 500 requests, ~20 s alone), 25 with ``STADTDIALOG_SLOW_TESTS=1`` (the long variant).

The text-field fuzzing (issue 15) takes one valid generated body per operation and puts each
hostile text into each of its string fields in turn, as the admin of a real city (so most
requests reach the services' schemas instead of a 403/404): no answer may be a 5xx. Three
texts per field in the README test command, every text in every field with
``STADTDIALOG_SLOW_TESTS=1``."""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Iterator
from typing import Any

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


def _accepts_every_request(document: dict[str, Any], method: str, path: str) -> bool:
    """No request to this operation breaks its schema, so there is nothing to make invalid: no
    body, no sign-in to leave out, and every parameter any string (a path's, or one that may be
    left out). schemathesis would only find that out by rejecting a few hundred drafts (about
    0.6 s of CPU per operation, most of this test's time before)."""
    item = document["paths"][path]
    operation = item[method.lower()]
    if "requestBody" in operation or operation.get("security", document.get("security")):
        return False
    parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
    return all(
        parameter.get("schema") == {"type": "string"}
        and (parameter["in"] == "path" or not parameter.get("required"))
        for parameter in parameters
    )


def test_only_an_operation_without_any_invalid_request_is_left_to_the_valid_mode() -> None:
    anyone = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    optional = {"name": "q", "in": "query", "schema": {"type": "string"}}
    document = {
        "paths": {
            "/a/{slug}": {"get": {"parameters": [anyone, optional]}},
            "/b/{slug}": {"get": {"parameters": [anyone], "security": [{"bearer": []}]}},
            "/c": {"post": {"requestBody": {"content": {}}}},
            "/d": {"get": {"parameters": [{**optional, "required": True}]}},
            "/e": {"get": {"parameters": [{**optional, "schema": {"type": "integer"}}]}},
            "/f": {
                "get": {"parameters": [{**optional, "schema": {"type": "string", "maxLength": 9}}]}
            },
        }
    }
    assert _accepts_every_request(document, "GET", "/a/{slug}")
    for method, path in (
        ("GET", "/b/{slug}"),
        ("POST", "/c"),
        ("GET", "/d"),
        ("GET", "/e"),
        ("GET", "/f"),
    ):
        assert not _accepts_every_request(document, method, path), path
    signed_in = {"paths": {**document["paths"]}, "security": [{"bearer": []}]}
    assert not _accepts_every_request(signed_in, "GET", "/a/{slug}")
    signed_in["paths"]["/g"] = {"get": {"security": []}}  # public despite the document's default
    assert _accepts_every_request(signed_in, "GET", "/g")
    required = {**anyone, "name": "city", "in": "query"}  # a path item's own parameters count
    document["paths"]["/h"] = {"parameters": [required], "get": {}}
    assert not _accepts_every_request(document, "GET", "/h")
    document["paths"]["/i"] = {"get": {"parameters": [{"$ref": "#/components/parameters/x"}]}}
    assert not _accepts_every_request(document, "GET", "/i")  # not looked up: still fuzzed invalid


def test_no_5xx_and_no_schema_violation_for_any_operation(api) -> None:
    citizen = api.verified_login()
    headers = {"Authorization": f"Bearer {citizen['token']}"}
    document = requests.get(f"{api.base}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    problems: list[str] = []
    count = without_invalid = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        if (method, operation.path) in SKIPPED:
            continue
        count += 1
        modes = [GenerationMode.POSITIVE]
        if _accepts_every_request(document, method, operation.path):
            without_invalid += 1
        else:
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            problems.extend(_problems(operation, mode, api.base, headers))
    assert count > 50, f"only {count} operations in the document"
    assert without_invalid < count / 2, f"{without_invalid} of {count} take any request"
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))))


# Each a finding of issue 15 or a neighbour of one. The surrogate goes out as the JSON escape
# "\\ud800" (json.dumps escapes it), as an attacker's client would send it.
HOSTILE_TEXTS = (
    "Titel\r\nBcc: x@example.org",
    "Titel\u2028Zeile",
    "Titel\x85Zeile",
    "Titel\x0bZeile",
    "Titel\x00",
    "exe.\u202etxt",
    "Titel \ud800",
    " \t ",
    "x" * 10_000,
    "=cmd|' /C calc'!A0",
)


# Every field gets every text in the long variant; otherwise three per field, rotating over
# fields and operations so that each text still reaches dozens of operations (~1/3 the time).
TEXTS_PER_FIELD = len(HOSTILE_TEXTS) if SLOW else 3


def _texts_for(operation: int, field: int) -> list[str]:
    start = (operation * 7 + field * TEXTS_PER_FIELD) % len(HOSTILE_TEXTS)
    return [HOSTILE_TEXTS[(start + k) % len(HOSTILE_TEXTS)] for k in range(TEXTS_PER_FIELD)]


def _string_paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Where a body holds a string: a path of keys and indexes."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _string_paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _string_paths(inner, (*path, index))


def _with(body: Any, path: tuple, text: str) -> Any:
    changed = copy.deepcopy(body)
    holder = changed
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = text
    return changed


def _valid_case(operation):  # noqa: ANN001, ANN202 - schemathesis' Operation and Case
    """A generated valid request with a JSON body, the one of a few with the most strings
    (optional fields are left out at random); no shrinking, which took minutes."""
    found: list = []

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def pick(case) -> None:  # noqa: ANN001
        if isinstance(case.body, dict | list):
            found.append(case)

    try:
        pick()
    except Unsatisfiable:
        pass
    return max(found, key=lambda case: len(list(_string_paths(case.body))), default=None)


def test_hostile_text_in_every_string_field_never_answers_5xx(api, cities) -> None:
    city = cities.create()
    session = requests.Session()
    headers = {
        "Authorization": f"Bearer {city['admin']['token']}",
        "Content-Type": "application/json",
    }
    schema = schemathesis.openapi.from_url(f"{api.base}/api/v1/openapi.json")
    problems: list[str] = []
    operations = sent = 0
    generating = 0.0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        started = time.monotonic()
        case = _valid_case(operation)
        generating += time.monotonic() - started
        paths = list(_string_paths(case.body)) if case is not None else []
        if not paths:
            continue
        operations += 1
        for name in case.path_parameters or {}:
            if name in ("slug", "city"):
                case.path_parameters[name] = city["slug"]
        url = f"{api.base}{case.formatted_path}"
        for index, path in enumerate(paths):
            for text in _texts_for(operations, index):
                body = json.dumps(_with(case.body, path, text))
                response = session.request(
                    case.method, url, params=case.query, data=body, headers=headers, timeout=30
                )
                sent += 1
                if response.status_code >= 500:
                    field = ".".join(map(str, path))
                    problems.append(
                        f"{case.method} {operation.path} {field}={text[:30]!r} -> "
                        f"{response.status_code}: {response.text[:200]}"
                    )
    session.close()
    print(f"text fuzzing: {operations} operations, {sent} requests, {generating:.0f} s generating")
    assert operations > 40 and sent > 800, f"only {operations} operations, {sent} requests"
    if problems:
        pytest.fail(f"{len(problems)} answers 5xx:\n" + "\n".join(problems))
