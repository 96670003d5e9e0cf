"""The dialogue service's forms (JSON schema) as page fields, and page forms back as JSON (pure).

The documentation and project-idea forms are served by the dialogue service as JSON schema,
with the city's plugin fields merged in, so the pages render whatever the schema says:

- ``integer``/``number`` → number input, ``boolean`` → checkbox,
- ``string`` with ``enum`` → a choice (select), long strings → a text area, others → a line,
- arrays of strings with ``enum`` → checkboxes, free arrays of strings → one entry per line,
- arrays of objects (insights, observations) → repeated rows of their sub-fields; insights
  get one row per guiding question of the talk's topic.

Form names are the service's error paths (``summary``, ``insights.0.answer``), so every
refusal lands next to its field. Values that do not parse are passed on as typed, so the
service names the field with the real reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gateway.schema_forms import form_int, form_number

LOCAL = ZoneInfo("Europe/Berlin")  # what people type and read is the cities' local time
LONG_TEXT = 300  # strings allowed to be longer than this get a text area
EMPTY_ROWS = 2  # free rows offered for arrays of objects without given questions


@dataclass
class PageField:
    name: str  # the form name, also the service's error path
    label: str
    widget: str  # number | text | textarea | select | checkbox | choices | lines | rows | hidden
    required: bool = False
    value: Any = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    rows: list[list[PageField]] = field(default_factory=list)
    fixed: str | None = None  # a row's given question, shown as its legend


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


def label_of(prop: dict[str, Any], name: str, lang: str, labels: dict[str, str]) -> str:
    if name in labels:
        return labels[name]
    if lang == "en" and prop.get("x-title-en"):
        return prop["x-title-en"]
    return prop.get("title") or name


def _choices(values: list[str], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(str(v), labels.get(str(v), str(v))) for v in values if v is not None]


def _scalar(
    name: str, prop: dict[str, Any], label: str, required: bool, value: Any, labels: dict
) -> PageField:
    kind = _kind(prop)
    if kind in ("integer", "number"):
        return PageField(name, label, "number", required, value)
    if kind == "boolean":
        return PageField(name, label, "checkbox", False, bool(value))
    if prop.get("enum"):
        return PageField(name, label, "select", required, value, _choices(prop["enum"], labels))
    widget = "textarea" if (prop.get("maxLength") or 0) > LONG_TEXT else "text"
    return PageField(name, label, widget, required, value)


def page_fields(
    schema: dict[str, Any],
    values: dict[str, Any] | None = None,
    lang: str = "de",
    labels: dict[str, str] | None = None,
    questions: list[str] | tuple[str, ...] = (),
    hidden: dict[str, Any] | None = None,
) -> list[PageField]:
    """Fields of ``schema`` filled with ``values``.

    ``labels`` names fields, sub-fields and enum values in the page's language where the schema
    has no title; ``questions`` are the guiding questions insights answer; ``hidden`` fields
    are carried as hidden inputs with the given value (or left out when it is empty)."""
    values, labels, hidden = values or {}, labels or {}, hidden or {}
    required = set(schema.get("required") or ())
    out: list[PageField] = []
    for name, prop in (schema.get("properties") or {}).items():
        if name in hidden:
            if hidden[name]:
                out.append(PageField(name, name, "hidden", value=hidden[name]))
            continue
        label = label_of(prop, name, lang, labels)
        value = values.get(name, prop.get("default"))
        if _kind(prop) != "array":
            out.append(_scalar(name, prop, label, name in required, value, labels))
            continue
        items = prop.get("items") or {}
        if _kind(items) == "object":
            out.append(_rows(name, items, label, name in required, value, labels, questions))
        elif items.get("enum"):
            chosen = [str(v) for v in (value or [])]
            choices = _choices(items["enum"], labels)
            out.append(PageField(name, label, "choices", name in required, chosen, choices))
        else:
            out.append(PageField(name, label, "lines", name in required, list(value or [])))
    return out


def _rows(
    name: str,
    items: dict[str, Any],
    label: str,
    required: bool,
    value: Any,
    labels: dict[str, str],
    questions: list[str] | tuple[str, ...],
) -> PageField:
    subprops = items.get("properties") or {}
    subrequired = set(items.get("required") or ())
    given = [row for row in (value or []) if isinstance(row, dict)]
    if "question" in subprops and questions:
        # One row per guiding question; the question travels as a hidden value.
        by_question = {row.get("question"): row for row in given}
        starts = [{"question": q, **by_question.get(q, {})} for q in questions]
        fixed = list(questions)
    else:
        starts = given + [{} for _ in range(EMPTY_ROWS)]
        fixed = []
    rows = []
    for index, start in enumerate(starts):
        row = []
        for sub, subprop in subprops.items():
            path = f"{name}.{index}.{sub}"
            if fixed and sub == "question":
                row.append(PageField(path, sub, "hidden", value=fixed[index]))
                continue
            sublabel = label_of(subprop, sub, "de", labels)
            if fixed and sub == "answer":
                sublabel = fixed[index]  # the answer is named by its question
            widget = _scalar(path, subprop, sublabel, sub in subrequired, start.get(sub), labels)
            if widget.widget == "text" and sub in ("answer", "text"):
                widget.widget = "textarea"  # answers are sentences, not a word
            row.append(widget)
        rows.append(row)
    return PageField(
        name,
        label,
        "rows",
        required,
        rows=rows,
        fixed="questions" if fixed else None,
    )


def _typed(prop: dict[str, Any], raw: str) -> Any:
    kind = _kind(prop)
    if kind == "integer":
        return form_int(raw)
    if kind == "number":
        return form_number(raw)
    return raw


def values_from_form(schema: dict[str, Any], form: Any) -> dict[str, Any]:
    """The JSON body for the service from a submitted page form (a werkzeug MultiDict)."""
    body: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        kind = _kind(prop)
        if kind == "boolean":
            body[name] = form.get(name) in ("on", "true", "1")
        elif kind == "array":
            items = prop.get("items") or {}
            if _kind(items) == "object":
                body[name] = _rows_from_form(name, items, form)
            elif items.get("enum"):
                body[name] = form.getlist(name)
            else:
                lines = [line.strip() for line in (form.get(name) or "").splitlines()]
                body[name] = [line for line in lines if line]
        else:
            raw = (form.get(name) or "").strip()
            if raw:
                body[name] = _typed(prop, raw)  # empty: left out, the service names it
    return body


def _rows_from_form(name: str, items: dict[str, Any], form: Any) -> list[dict[str, Any]]:
    subprops = items.get("properties") or {}
    # "ideas.3.text": ASCII digits only ("ideas.².text" made int() fail: a 500).
    row_key = re.compile(rf"{re.escape(name)}\.([0-9]+)\.[^.]*")
    indexes = sorted({int(match[1]) for key in form if (match := row_key.fullmatch(key))})
    rows = []
    for index in indexes:
        row = {}
        for sub, subprop in subprops.items():
            raw = (form.get(f"{name}.{index}.{sub}") or "").strip()
            if raw:
                row[sub] = _typed(subprop, raw)
        # A row counts once something besides its given question was written.
        if any(key != "question" for key in row):
            rows.append(row)
    return rows


def field_labels(fields: list[PageField]) -> dict[str, Any]:
    """The error summary's names of the fields: form name → label, or (label, id) where the
    control's id is not its name (checkboxes of a choice are ``name-1`` …)."""
    labels: dict[str, Any] = {}
    for f in fields:
        if f.widget == "hidden":
            continue
        if f.widget == "choices":
            labels[f.name] = (f.label, f"{f.name}-1")
        elif f.widget == "rows":
            # The group's own errors point at its first control; a sub-field at itself.
            first = next(
                (sub.name for row in f.rows for sub in row if sub.widget != "hidden"), None
            )
            labels[f.name] = (f.label, first)
            for row in f.rows:
                labels.update(field_labels(row))
        else:
            labels[f.name] = f.label
    return labels


def errors_for(name: str, fields: dict[str, list[str]]) -> list[str]:
    """Messages of a field and of its items (``ideas.1``), for fields shown as one control."""
    found: list[str] = []
    for key, messages in fields.items():
        if key == name or key.startswith(f"{name}."):
            found.extend(messages)
    return found


def local_input(value: str | None) -> str:
    """An ISO time from the service as a ``datetime-local`` value in the cities' time zone."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def from_local_input(raw: str) -> str:
    """A ``datetime-local`` value (local time) as an ISO time with offset; unparsable text is
    passed on as typed so that the service names the field."""
    raw = raw.strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL)
    return parsed.isoformat()
