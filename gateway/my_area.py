"""Mein Bereich: what the signed-in person does on the platform, in one view.

Built from the services' ``personal_data_export`` (the same answers the data export joins, so
"mine" means exactly what the export means: the documents that name my account, across every
city) and arranged here into lists with links: talks I host, my registrations (confirmed or
waiting, with the position), documentation drafts, my ideas, supports and help offers, my
observations and my registrations for closing events. Nothing of another person is in these
answers: a hosted talk carries its guests only as numbers.

``arrange`` is pure (the parts, the city names and the time in, the view out) so that its rules
are tested without a platform; ``my_area`` asks the services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gateway.api.common import rpc
from gateway.auth import current_caller
from services.kit.errors import Unauthenticated

# The services whose exports hold a person's activity (identity's holds the account itself).
PARTS = ("dialogue", "scenarios", "events")
# Registrations that still hold a place or a place in the queue.
ACTIVE = ("confirmed", "waitlisted")
SNIPPET = 160  # characters of an observation shown in the list


def _section(parts: dict[str, Any], service: str, name: str) -> list[dict[str, Any]]:
    for section in (parts.get(service) or {}).get("sections", []):
        if section.get("name") == name:
            return list(section.get("items") or [])
    return []


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _upcoming_first(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Upcoming ones soonest first, then past ones latest first."""
    future = sorted((i for i in items if not i["past"]), key=lambda i: i[key] or "")
    past = sorted((i for i in items if i["past"]), key=lambda i: i[key] or "", reverse=True)
    return future + past


def _snippet(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def arrange(parts: dict[str, Any], city_names: dict[str, str], now: datetime) -> dict[str, Any]:
    """The view of Mein Bereich from the services' export answers."""

    def city(slug: str) -> dict[str, str]:
        return {"city": slug, "city_name": city_names.get(slug, slug)}

    hosted, drafts = [], []
    for talk in _section(parts, "dialogue", "talks"):
        starts, ends = _time(talk.get("starts_at")), _time(talk.get("ends_at"))
        base = f"/stadt/{talk['city']}/tischgespraeche/{talk['id']}"
        past = bool(ends and ends <= now)
        documented = bool(talk.get("documented"))
        scheduled = talk.get("status") == "scheduled"
        hosted.append(
            {
                **city(talk["city"]),
                "id": talk["id"],
                "title": talk.get("title"),
                "starts_at": talk.get("starts_at"),
                "status": "documented" if documented and scheduled else talk.get("status"),
                "past": past,
                "running": bool(scheduled and starts and starts <= now and not past),
                "confirmed_guests": talk.get("confirmed_guests", 0),
                "waiting_guests": talk.get("waiting_guests", 0),
                "path": base,
                # A held talk that is not documented yet: its host is asked to document it.
                "documentation_path": f"{base}/dokumentation"
                if past and scheduled and not documented
                else None,
            }
        )
        if talk.get("draft_saved_at") and talk.get("status") == "scheduled":
            drafts.append(
                {
                    **city(talk["city"]),
                    "talk_id": talk["id"],
                    "title": talk.get("title"),
                    "saved_at": talk.get("draft_saved_at"),
                    "path": f"{base}/dokumentation",
                }
            )
    registrations = []
    for reg in _section(parts, "dialogue", "registrations"):
        if reg.get("state") not in ACTIVE or not reg.get("talk_id"):
            continue
        ends = _time(reg.get("talk_ends_at"))
        registrations.append(
            {
                **city(reg["city"]),
                "talk_id": reg["talk_id"],
                "title": reg.get("talk_title"),
                "starts_at": reg.get("talk_starts_at"),
                "state": reg["state"],
                "position": reg.get("position"),
                "talk_cancelled": reg.get("talk_status") == "cancelled",
                "past": bool(ends and ends <= now),
                "path": f"/stadt/{reg['city']}/tischgespraeche/{reg['talk_id']}",
            }
        )
    ideas = [
        {
            **city(idea["city"]),
            "id": idea["id"],
            "title": idea.get("title"),
            "status": idea.get("status"),
            "created_at": idea.get("created_at"),
            "path": f"/stadt/{idea['city']}/ideen/{idea['id']}",
        }
        for idea in _section(parts, "dialogue", "ideas")
    ]
    supports = [
        {
            **city(support["city"]),
            "idea_id": support.get("idea_id"),
            "title": support.get("idea_title"),
            "kind": support.get("kind"),
            "at": support.get("at"),
            "path": f"/stadt/{support['city']}/ideen/{support.get('idea_id')}",
        }
        for support in _section(parts, "dialogue", "idea_supports")
        if support.get("idea_id") and support.get("idea_title")
    ]
    observations = [
        {
            **city(note["city"]),
            "id": note["id"],
            "kind": note.get("kind"),
            "text": _snippet(note.get("text", "")),
            "hidden": bool(note.get("hidden")),
            "created_at": note.get("created_at"),
            "path": f"/stadt/{note['city']}/beobachtungen",
        }
        for note in _section(parts, "scenarios", "observations")
    ]
    events = []
    for reg in _section(parts, "events", "registrations"):
        if reg.get("state") not in ACTIVE or not reg.get("event_id"):
            continue
        starts = _time(reg.get("starts_at"))
        events.append(
            {
                **city(reg["city"]),
                "event_id": reg["event_id"],
                "title": reg.get("event_title"),
                "starts_at": reg.get("starts_at"),
                "state": reg["state"],
                "position": reg.get("position"),
                "past": bool(starts and starts <= now),
                "path": f"/stadt/{reg['city']}/abschluss/{reg['event_id']}",
            }
        )
    newest = lambda items, key: sorted(items, key=lambda i: i[key] or "", reverse=True)  # noqa: E731
    return {
        "hosted_talks": _upcoming_first(hosted, "starts_at"),
        "registrations": _upcoming_first(registrations, "starts_at"),
        "documentation_drafts": newest(drafts, "saved_at"),
        "ideas": newest(ideas, "created_at"),
        "supports": newest(supports, "at"),
        "observations": newest(observations, "created_at"),
        "event_registrations": _upcoming_first(events, "starts_at"),
    }


def city_names() -> dict[str, str]:
    return {c["slug"]: c["name"] for c in rpc("cities", "list_cities")}


def my_area(names: dict[str, str] | None = None) -> dict[str, Any]:
    """Mein Bereich of the signed-in person (``Unauthenticated`` for nobody)."""
    account_id = current_caller().user_id
    if not account_id:
        raise Unauthenticated()
    parts = {name: rpc(name, "personal_data_export", account_id) for name in PARTS}
    return arrange(parts, city_names() if names is None else names, datetime.now(UTC))
