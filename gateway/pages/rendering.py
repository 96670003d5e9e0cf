"""What every page module shares: render a template with a status, and a domain error's field
messages in the page's language."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import get_locale

from services.kit.errors import DomainError


def page_errors(exc: DomainError) -> dict[str, Any]:
    """Field errors in the page's language: {"summary": text, "fields": {field: [texts]}}."""
    body = exc.to_dict()["error"]
    lang = "en" if str(get_locale()) == "en" else "de"
    return {
        "summary": body["message"][lang],
        "fields": {name: texts[lang] for name, texts in body["fields"].items()},
    }


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status
