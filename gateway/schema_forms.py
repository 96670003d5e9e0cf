"""Forms rendered from a JSON schema (pure): a plugin's config schema becomes form fields,
and the submitted form becomes the JSON the API expects.

Only the shapes plugin configs use are supported: strings (with ``format: email``), integers,
numbers, booleans, nullable variants, and arrays of strings (free lines, or a choice of an
``enum``). Values that do not parse are passed on as typed, so the service's validation names
the field with the real reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

# ASCII digits only: str.isdigit() also says yes to "²" and "①", which int() then refuses
# (that was a 500), and int()/float() take "٣" or "３" as 3, which no German form means.
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def N_(text: str) -> str:  # noqa: N802 - the usual marker: extracted for translation, shown via _()
    return text


# Choices plugins offer by their code: the platform's forms (plugins/hookspecs.py FORMS).
CHOICE_LABELS: dict[str, str] = {
    "talk_documentation": N_("Dokumentation eines Tischgesprächs"),
    "project_idea": N_("Projektidee"),
    "observation": N_("Beobachtung oder Prognose"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    widget: str  # text | email | number | checkbox | lines | choices
    required: bool
    value: Any = None
    choices: tuple[str, ...] = field(default=())
    hint: str | None = None

    def choice_label(self, choice: str) -> str:
        """A choice as the page names it, in the page's language (never its code)."""
        return gettext(CHOICE_LABELS[choice]) if choice in CHOICE_LABELS else choice


def form_int(raw: str) -> int | str:
    """A whole number typed into a page form, or the text as typed: the service then names
    the field ("Keine gültige ganze Zahl."), in German on the page."""
    return int(raw) if _INTEGER.fullmatch(raw) else raw


def form_number(raw: str) -> float | str:
    """A decimal number (comma or point) typed into a page form, or the text as typed."""
    return float(raw.replace(",", ".")) if _NUMBER.fullmatch(raw) else raw


def _base_type(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


def fields_from_schema(
    schema: dict[str, Any], current: dict[str, Any] | None = None
) -> list[FieldSpec]:
    current = current or {}
    required = set(schema.get("required", ()))
    specs = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = _base_type(prop)
        value = current.get(name, prop.get("default"))
        hint = None
        if kind == "array":
            enum = tuple((prop.get("items") or {}).get("enum") or ())
            widget = "choices" if enum else "lines"
            hint = None if enum else N_("Ein Eintrag pro Zeile.")
            specs.append(
                FieldSpec(
                    name,
                    prop.get("description", name),
                    widget,
                    name in required,
                    list(value or []),
                    enum,
                    hint,
                )
            )
            continue
        widget = {"integer": "number", "number": "number", "boolean": "checkbox"}.get(kind, "text")
        if kind == "string" and prop.get("format") == "email":
            widget = "email"
        specs.append(
            FieldSpec(name, prop.get("description", name), widget, name in required, value)
        )
    return specs


def config_from_form(schema: dict[str, Any], form: Any) -> dict[str, Any]:
    """``form`` is a werkzeug MultiDict (``get``/``getlist``) keyed ``config.<name>``."""
    config: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        key = f"config.{name}"
        kind = _base_type(prop)
        if kind == "boolean":
            config[name] = form.get(key) in ("on", "true", "1")
        elif kind == "array":
            if (prop.get("items") or {}).get("enum"):
                chosen = form.getlist(key)
                if chosen:
                    config[name] = chosen
            else:
                lines = [line.strip() for line in (form.get(key) or "").splitlines()]
                if any(lines) or name in schema.get("required", ()):
                    config[name] = [line for line in lines if line]
        else:
            raw = (form.get(key) or "").strip()
            if raw == "":
                continue  # optional fields left empty take their default
            if kind == "integer":
                config[name] = form_int(raw)
            elif kind == "number":
                config[name] = form_number(raw)
            else:
                config[name] = raw
    return config
