"""The closing-event form to the events service's JSON and back: local wall-clock times,
accessibility checkboxes and partners, and the service's field errors on the form's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from gateway.pages.events.base import ACCESSIBILITY, LOCAL, PARTNER_KINDS
from gateway.pages.rendering import page_errors
from gateway.schema_forms import form_int
from services.kit.errors import DomainError


def _local_iso(raw: str) -> str:
    """A form's ``datetime-local`` value (wall clock in Germany) as ISO 8601 with offset.

    What does not parse is passed on as typed, so the service names the field and the reason.
    """
    raw = raw.strip()
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=LOCAL).isoformat()
    except ValueError:
        return raw


def _form_value(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def partner_kind(typed: str) -> str:
    """The code of a partner kind typed by its German or English label (or its code);
    empty is "other". Anything else is passed on, so the service names the field."""
    wanted = typed.strip().casefold()
    if not wanted:
        return "other"
    for code, label in PARTNER_KINDS.items():
        if wanted in (code, label.casefold(), _(label).casefold()):
            return code
    return typed.strip()


def event_from_form(form: Any) -> dict[str, Any]:
    """The closing-event form as the API's JSON. Partners and agenda are one line each:
    ``Name | kind | role`` and ``18:30 | Title | speakers``."""
    partners = []
    for line in (form.get("partners") or "").splitlines():
        if line.strip():
            name, kind, role = [*(p.strip() for p in line.split("|")), "", ""][:3]
            partners.append({"name": name, "kind": partner_kind(kind), "role": role})
    agenda = []
    for line in (form.get("agenda") or "").splitlines():
        if line.strip():
            time, title, speakers = [*(p.strip() for p in line.split("|")), "", ""][:3]
            agenda.append({"time": time, "title": title, "speakers": speakers})
    capacity_raw = str(form.get("capacity") or "").strip()
    body: dict[str, Any] = {
        "title": (form.get("title") or "").strip(),
        "description": (form.get("description") or "").strip(),
        "starts_at": _local_iso(form.get("starts_at") or ""),
        "ends_at": _local_iso(form.get("ends_at") or ""),
        "venue": {
            "name": (form.get("venue_name") or "").strip(),
            "address": (form.get("venue_address") or "").strip(),
            "district": (form.get("venue_district") or "").strip(),
            "directions": (form.get("venue_directions") or "").strip(),
            "online_url": (form.get("venue_online_url") or "").strip() or None,
        },
        "partners": partners,
        "agenda": agenda,
        "accessibility": {
            **{key: form.get(f"a11y_{key}") == "on" for key in ACCESSIBILITY},
            "notes": (form.get("a11y_notes") or "").strip(),
        },
        "capacity": form_int(capacity_raw),
    }
    for name in ("registration_opens_at", "registration_closes_at"):
        typed = (form.get(name) or "").strip()
        body[name] = _local_iso(typed) if typed else None
    return body


def form_from_event(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": event["title"],
        "description": event["description"],
        "starts_at": _form_value(event["starts_at"]),
        "ends_at": _form_value(event["ends_at"]),
        "venue_name": event["venue"]["name"],
        "venue_address": event["venue"]["address"],
        "venue_district": event["venue"]["district"],
        "venue_directions": event["venue"]["directions"],
        "venue_online_url": event["venue"]["online_url"] or "",
        "partners": "\n".join(
            " | ".join(
                filter(None, (p["name"], _(PARTNER_KINDS.get(p["kind"], p["kind"])), p["role"]))
            )
            for p in event["partners"]
        ),
        "agenda": "\n".join(
            " | ".join(filter(None, (a["time"], a["title"], a["speakers"])))
            for a in event["agenda"]
        ),
        **{f"a11y_{k}": event["accessibility"][k] for k in ACCESSIBILITY},
        "a11y_notes": event["accessibility"]["notes"],
        "capacity": event["registration"]["capacity"],
        "registration_opens_at": _form_value(event["registration"].get("opens_at")),
        "registration_closes_at": _form_value(event["registration"]["closes_at"]),
    }


def _form_errors(exc: DomainError) -> dict[str, Any]:
    """Nested fields (``venue.name``, ``partners.0.kind``) are shown at their form field."""
    errors = page_errors(exc)
    fields: dict[str, list[str]] = {}
    for name, messages in errors["fields"].items():
        parts = name.split(".")
        if parts[0] == "venue" and len(parts) > 1:
            key = f"venue_{parts[1]}"
        elif parts[0] == "accessibility":
            key = "a11y_notes"
        elif parts[0] in ("partners", "agenda") and len(parts) > 1 and parts[1].isdigit():
            key = parts[0]
            if parts[0] == "partners" and parts[2:] == ["kind"]:
                # The service lists its codes; a person typed a German word: name those.
                kinds = ", ".join(_(label) for label in PARTNER_KINDS.values())
                messages = [_("Diese Art kennen wir nicht. Möglich: %(kinds)s.", kinds=kinds)]
            messages = [_("Zeile %(n)s: %(m)s", n=int(parts[1]) + 1, m=m) for m in messages]
        else:
            key = parts[0]
        fields.setdefault(key, []).extend(messages)
    return {"summary": errors["summary"], "fields": fields}
