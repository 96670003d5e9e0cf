"""The gateway's JSON reader: bounded depth, no lone surrogates (issue 15).

Python's ``json`` parses ``[[[[…`` recursively: some 3,000 levels raised ``RecursionError``,
a 500. Far fewer levels would still pass into marshmallow, the RPC serialiser and the
database, so the depth is counted before parsing, in one pass over the brackets outside
strings. ``"\\ud800"`` is valid JSON but no valid text (it cannot be encoded as UTF-8: the
database, the mail and the response all fail on it), so a lone surrogate anywhere in a body is
refused right after parsing with a 422 naming where it was, before any service sees it. The
services refuse them as well (``services.kit.text``) for callers other than the gateway.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

from services.kit.errors import Invalid
from services.kit.text import LONE_SURROGATE, has_lone_surrogate

MAX_DEPTH = 64
TOO_DEEP = "The request body is nested too deeply (at most {limit} levels)."
NOT_JSON = "The request body is not valid JSON."

# A JSON string (escapes included), written so that the regex engine does not backtrack.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# A surrogate written as an escape; raw ones are found in the decoded text itself.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """Deepest bracket nesting outside strings, counting stops just past ``limit``."""
    deepest = depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _surrogate_path(value: Any, path: str = "") -> str | None:
    """Where the first lone surrogate sits, as the dotted path the error bodies use."""
    if isinstance(value, str):
        return (path or "_schema") if has_lone_surrogate(value) else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, inner in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and has_lone_surrogate(key):
            return path or "_schema"
        found = _surrogate_path(inner, name)
        if found:
            return found
    return None


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's provider with the two checks in ``loads`` (which ``request.get_json`` uses)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if isinstance(s, bytes | bytearray):
            try:  # what json.loads does with bytes, keeping raw surrogates to be refused below
                s = s.decode(json.detect_encoding(s), "surrogatepass")
            except UnicodeDecodeError as exc:
                raise Invalid(NOT_JSON) from exc
        if nesting_depth(s) > MAX_DEPTH:
            raise Invalid(TOO_DEEP.format(limit=MAX_DEPTH))
        data = super().loads(s, **kwargs)
        if has_lone_surrogate(s) or _SURROGATE_ESCAPE.search(s):
            path = _surrogate_path(data)
            if path:
                raise Invalid(fields={path: [LONE_SURROGATE]})
        return data


def json_or_none(request: Any) -> Any:
    """The request's JSON body for readers that only peek at it (a rate limit's key, which
    account a write named), or None. ``get_json(silent=True)`` keeps werkzeug's own errors
    quiet, not this reader's refusals: a hostile body (a lone surrogate, nesting too deep)
    raised from a limiter's key function or an after-request hook, where the view's own
    reading is what answers it with a 422."""
    if not request.is_json:
        return None
    try:
        return request.get_json(silent=True)
    except Invalid:
        return None
