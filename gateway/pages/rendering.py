"""What every page module shares: render a template with a status, a domain error's field
messages in the page's language, the error summary's links to the fields, and where sign-in
should return a person to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request, url_for
from flask_babel import get_locale

from gateway.next_path import safe_next
from services.kit.errors import DomainError

# Endpoints whose own ``next`` is passed on (the sign-in page links to registration and back).
ACCOUNT_ENDPOINTS = ("pages.login", "pages.register", "pages.resend_verification")


def page_errors(exc: DomainError) -> dict[str, Any]:
    """Field errors in the page's language:
    {"code": "invalid", "summary": text, "fields": {field: [texts]}}."""
    body = exc.to_dict()["error"]
    lang = "en" if str(get_locale()) == "en" else "de"
    return {
        "code": body["code"],
        "summary": body["message"][lang],
        "fields": {name: texts[lang] for name, texts in body["fields"].items()},
    }


def error_links(
    fields: Mapping[str, list[str]], labels: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The error summary's rows: every field's messages, with a link to its input when the page
    named the field (``labels``: field → label, or field → (label, id of the input)).

    An error on an item (``ideas.1``, ``insights.0.answer``) is linked to the nearest named
    field it belongs to; errors of fields the page does not show are listed without a link."""
    labels = labels or {}
    rows = []
    for name, messages in fields.items():
        owner = name
        while owner and owner not in labels:
            owner = owner.rpartition(".")[0]
        named = labels.get(owner) if owner else None
        if isinstance(named, list | tuple):
            label, target = named[0], named[1]
        elif named:
            label, target = named, owner
        else:
            label, target = None, None
        rows.append(
            {"href": f"#{target}" if target else None, "label": label, "text": " ".join(messages)}
        )
    return rows


# Pages with a link token worth coming back to (an invitation to accept once signed in); other
# token pages (confirm, reset, unsubscribe, guest links) are one-time links: no way back, and
# their token stays out of the sign-in link.
RETURN_WITH_TOKEN = ("pages_dialogue.invitation", "pages_city.invitation")


def here() -> str | None:
    """The page being shown as a ``next`` value (a GET's path and query), else None."""
    if request.method != "GET":
        return None
    if "token" in request.args and request.endpoint not in RETURN_WITH_TOKEN:
        return None
    path = request.full_path
    return safe_next(path[:-1] if path.endswith("?") else path)


def account_url(endpoint: str, next_path: str | None = None) -> str:
    """Sign-in or registration that returns to ``next_path`` (default: this page)."""
    if request.endpoint in ACCOUNT_ENDPOINTS:
        wanted = safe_next(next_path) or safe_next(request.values.get("next"))
    else:
        wanted = safe_next(next_path) or here()
    return url_for(endpoint, next=wanted) if wanted else url_for(endpoint)


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status
