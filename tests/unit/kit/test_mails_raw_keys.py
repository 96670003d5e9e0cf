"""Every mail text of every service, rendered with sample data, carries no raw key, no unfilled
placeholder and no ISO time (the demo scan sees only the mails the demo sends; this sees all).
A new mail function fails the coverage check until it is rendered here."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from raw_text_support import findings

from services.cities import mails as cities
from services.dialogue import mails as dialogue
from services.events import mails as events
from services.identity import mails as identity

LINK = "https://stadtdialog.example/konto/bestaetigen?token=ab_Cd-9"
WHEN = datetime(2027, 6, 12, 16, 30, tzinfo=UTC)
TALK = {"title": "Grüne Innenstadt", "starts_at": "2027-06-12T16:30:00+00:00",
        "ends_at": "2027-06-12T18:30:00+00:00", "address": "Marktplatz 3", "district": "Nord",
        "link": None, "seats_taken": 5, "capacity": 8, "waiting": 1}  # fmt: skip
CHANGES = {"joined": ["a"], "joined_waiting": ["b"], "moved_up": ["c"], "cancelled": 1,
           "full": True}  # fmt: skip
SUMMARY = [{"talk": TALK, "changes": CHANGES, "names": {"a": "Jonas"}, "url": LINK}]

CALLS: dict[str, list[tuple[Any, ...]]] = {
    "cities.admin_invitation": [("Musterstadt", LINK)],
    "cities.role_invitation": [
        ("Musterstadt", r, LINK) for r in ("city_admin", "partner", "facilitator")
    ],
    "cities.working_group_invitation": [("Musterstadt", "Zukunft Musterstadt", LINK)],
    "cities.barrier_report": [
        ("Musterstadt", "BF-2027-000123", "/stadt/x", "Zu klein.", "a@b.example", LINK),
        ("Musterstadt", "BF-2027-1", "/", "x", None, LINK),
    ],  # fmt: skip
    "cities.barrier_report_received": [("BF-2027-000123", "/stadt/x", "Zu klein.")],
    "dialogue.confirmed": [(TALK, "Aylin", "Absagen: " + LINK)],
    "dialogue.waitlisted": [(TALK, "Aylin", 2)],
    "dialogue.promoted": [(TALK, "Aylin", "Absagen: " + LINK)],
    "dialogue.changed": [
        (TALK, "Aylin", ["starts_at", "ends_at", "address", "district", "link", "format", "title"])
    ],  # fmt: skip
    "dialogue.cancelled": [(TALK, "Aylin", "Krank.")],
    "dialogue.guest_verification": [(TALK, "Aylin", LINK)],
    "dialogue.invitation": [(TALK, "Aylin", LINK)],
    "dialogue.guest_cancel_hint": [(LINK,)],
    "dialogue.leave_footer": [(LINK,)],
    "dialogue.settings_footer": [(LINK, LINK)],
    "dialogue.comment_hidden": [
        ("Aylin", "Mehr Bänke am Fluss!", LINK, SimpleNamespace(hidden_reason="Werbung"))
    ],
    "dialogue.organisation_reviewed": [
        ("Aylin", "Familie Meier", "Musterstadt", "Kein Verein.", LINK),
        ("", "Familie Meier", "Musterstadt", None, LINK),
    ],
    "dialogue.reminder": [(TALK, "Aylin", None, LINK, LINK), (TALK, "Aylin", 2, LINK, "")],
    "dialogue.host_summary": [("Aylin", SUMMARY, LINK)],
    "events.registration": [
        (s, "Abschlussabend", WHEN, "Rathaus", LINK, 3)
        for s in ("confirmed", "waitlisted", "promoted")
    ],  # fmt: skip
    "events.changed": [("Abschlussabend", WHEN, "Rathaus", LINK)],
    "events.cancelled": [("Abschlussabend", WHEN, "Sturm.", LINK)],
    "identity.verification": [("Aylin", LINK, "ab_Cd-9")],
    "identity.password_reset": [("Aylin", LINK, "ab_Cd-9")],
    "identity.account_deleted": [("Aylin",)],
    "identity.already_registered": [("Aylin", LINK, LINK), ("Aylin", LINK, None)],
    "identity.email_change": [("Aylin", LINK, "ab_Cd-9")],
    "identity.email_change_requested": [("Aylin",)],
    "identity.email_changed": [("Aylin",)],
    "identity.password_changed": [("Aylin",)],
}
MODULES: dict[str, ModuleType] = {
    "cities": cities, "dialogue": dialogue, "events": events, "identity": identity,
}  # fmt: skip


def _public_functions() -> set[str]:
    return {
        f"{name}.{fn}"
        for name, module in MODULES.items()
        for fn, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not fn.startswith("_")
    }


def test_every_mail_function_is_rendered_here() -> None:
    assert _public_functions() == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_mail_text_has_no_raw_key(name: str) -> None:
    service, fn = name.split(".")
    for args in CALLS[name]:
        made = getattr(MODULES[service], fn)(*args)
        text = "\n".join(made) if isinstance(made, tuple) else made
        assert findings(text) == [], f"{name}{args[:1]}: {findings(text)}"
