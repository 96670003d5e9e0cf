"""Pages of the Abschluss (German first): a city's closing events with registration, the results
of its dialogue with charts, what became of the project ideas, a cohort's results; and for city
admins and partners the management of closing events, next steps, exports and working groups.

Every action is a plain form POST with a CSRF token, so the pages work without JavaScript;
charts are SVG drawn here on the server, each with a table of the same numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.cache import cached
from gateway.pages import page_errors, render
from gateway.pages_city import city_section
from gateway.schema_forms import N_
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated

bp = Blueprint("pages_events", __name__)

ORGANISERS = ("city_admin", "partner")
# Times on the forms are local wall-clock times of German cities.
LOCAL = ZoneInfo("Europe/Berlin")

IDEA_STATUS = {
    "proposed": N_("vorgeschlagen"),
    "in_discussion": N_("in Diskussion"),
    "in_progress": N_("in Umsetzung"),
    "realised": N_("umgesetzt"),
    "not_pursued": N_("nicht weiterverfolgt"),
}
STEP_STATUS = {
    "planned": N_("geplant"),
    "in_progress": N_("läuft"),
    "done": N_("erledigt"),
    "dropped": N_("eingestellt"),
}
PARTNER_KINDS = {
    "association": N_("Verein"),
    "initiative": N_("Initiative"),
    "foundation": N_("Stiftung"),
    "administration": N_("Verwaltung"),
    "business": N_("Unternehmen"),
    "media": N_("Medien"),
    "other": N_("Sonstige"),
}
# Who may sit in a working group (the cities service's ORGANISATION_KINDS).
ORGANISATION_KINDS = {
    k: PARTNER_KINDS[k] for k in ("association", "initiative", "foundation", "administration")
}
ACCESSIBILITY = {
    "step_free": N_("Stufenlos erreichbar"),
    "hearing_loop": N_("Induktionsschleife"),
    "sign_language": N_("Gebärdensprache"),
    "easy_language": N_("Leichte Sprache"),
    "childcare": N_("Kinderbetreuung"),
}


@bp.app_context_processor
def event_labels() -> dict[str, Any]:
    return {
        "idea_status_label": lambda code: _(IDEA_STATUS.get(code, code)),
        "step_status_label": lambda code: _(STEP_STATUS.get(code, code)),
        "partner_kind_label": lambda code: _(PARTNER_KINDS.get(code, code)),
        "local_time": local_time,
    }


def local_time(value: str | None, with_time: bool = True) -> str:
    """An ISO time as a German reader reads it: 12.06.2027, 18:30 (local time)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo:
        moment = moment.astimezone(LOCAL)
    return moment.strftime("%d.%m.%Y, %H:%M" if with_time else "%d.%m.%Y")


# ---------------------------------------------------------------- charts (pure)
@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart as inline SVG: role img, its title and a summary as description.

    The numbers are also printed at each bar, and the page shows them as a table as well, so
    nothing is only in the picture.
    """
    # Narrow on purpose: on a 360 px phone the text stays about as large as the page's own.
    row, label_width, bar_width, pad = 30, 150, 170, 8
    height = max(len(bars), 1) * row + pad
    width = label_width + bar_width + 50
    top = max((b.value for b in bars), default=0) or 1
    summary = "; ".join(f"{b.label}: {b.value}" for b in bars) or _("Noch keine Zahlen.")
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = pad / 2 + index * row
        length = round(bar_width * bar.value / top) if bar.value else 0
        label = bar.label if len(bar.label) <= 20 else bar.label[:19] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 5:.0f}" text-anchor="end" '
            f'class="chart__label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4:.0f}" width="{max(length, 2)}" '
            f'height="{row - 10}" class="chart__bar"></rect>'
            f'<text x="{label_width + max(length, 2) + 6}" y="{y + row / 2 + 5:.0f}" '
            f'class="chart__value">{bar.value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]

    @property
    def svg(self) -> Markup:
        return bar_chart(self.id, self.title, self.bars)


def result_charts(results: dict[str, Any]) -> list[Chart]:
    talks, ideas, topics = results["talks"], results["ideas"], results["topics"]
    charts = [
        Chart(
            "chart-talks",
            _("Tischgespräche"),
            [
                Bar(_("geplant"), talks["planned"]),
                Bar(_("geführt"), talks["held"]),
                Bar(_("abgesagt"), talks["cancelled"]),
                Bar(_("Teilnehmende"), talks["participants"]),
            ],
        ),
        Chart(
            "chart-status",
            _("Projektideen nach Status"),
            [Bar(_(IDEA_STATUS.get(k, k)), v) for k, v in ideas["by_status"].items()],
        ),
    ]
    if ideas["by_category"]:
        charts.append(
            Chart(
                "chart-category",
                _("Projektideen nach Kategorie"),
                [Bar(_unknown(k), v) for k, v in ideas["by_category"].items()],
            )
        )
    if ideas["by_district"]:
        charts.append(
            Chart(
                "chart-district",
                _("Projektideen nach Stadtteil"),
                [Bar(_unknown(k), v) for k, v in ideas["by_district"].items()],
            )
        )
    if topics.get("items"):
        charts.append(
            Chart(
                "chart-topics",
                _("Geführte Gespräche je Thema"),
                [
                    Bar(t["title"] or _("Thema ohne Titel"), t["talks_held"])
                    for t in topics["items"]
                ],
            )
        )
    return charts


def _unknown(key: str) -> str:
    return _("ohne Angabe") if key == "unknown" else key


# ---------------------------------------------------------------- citizen pages
def _city(slug: str) -> dict[str, Any]:
    return rpc("cities", "get_city", slug)


def _is_organiser(slug: str) -> bool:
    caller = current_caller()
    return caller.authenticated and caller.has_role(slug, *ORGANISERS)


@city_section("city_events.html")
def _city_events_section(city: dict[str, Any]) -> dict[str, Any]:
    """On the city page: the next published closing event, and where the results are."""
    upcoming = None
    if city.get("phase") in ("closing", "archived"):
        events = [
            e
            for e in rpc("events", "list_closing_events", city["slug"])
            if e["status"] == "published"
        ]
        upcoming = events[0] if events else None
    return {"event": upcoming, "slug": city["slug"], "phase": city.get("phase")}


@bp.get("/stadt/<slug>/abschluss")
@cached
def closing(slug: str) -> tuple[str, int]:
    city = _city(slug)
    events = rpc("events", "list_closing_events", slug)
    return render("closing.html", city=city, events=events, organiser=_is_organiser(slug))


def _event_page(slug: str, event_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    city = _city(slug)
    event = rpc("events", "closing_event", slug, event_id)
    mine = None
    if current_caller().authenticated:
        try:
            mine = rpc("events", "my_registration", slug, event_id)
        except NotFound:
            mine = None
    return render(
        "closing_event.html",
        status,
        city=city,
        event=event,
        mine=mine,
        organiser=_is_organiser(slug),
        accessibility=[(k, _(v)) for k, v in ACCESSIBILITY.items() if event["accessibility"][k]],
        **extra,
    )


@bp.get("/stadt/<slug>/abschluss/<event_id>")
def closing_event(slug: str, event_id: str) -> tuple[str, int]:
    notice = {
        "confirmed": _("Du bist angemeldet. Wir haben Dir eine Bestätigung geschickt."),
        "waitlisted": _("Die Plätze sind vergeben: Du stehst auf der Warteliste."),
        "cancelled": _("Deine Anmeldung ist storniert."),
    }.get(request.args.get("ok", ""))
    return _event_page(slug, event_id, notice=notice)


@bp.post("/stadt/<slug>/abschluss/<event_id>/anmelden")
def closing_register(slug: str, event_id: str) -> tuple[str, int] | Response:
    if not current_caller().authenticated:
        raise Unauthenticated()
    body = {"needs": request.form.get("needs", "").strip()}
    try:
        answer = rpc("events", "register", slug, event_id, body)
    except DomainError as exc:
        return _event_page(slug, event_id, exc.status, errors=page_errors(exc), form=body)
    return redirect(
        url_for("pages_events.closing_event", slug=slug, event_id=event_id, ok=answer["status"])
    )


@bp.post("/stadt/<slug>/abschluss/<event_id>/stornieren")
def closing_unregister(slug: str, event_id: str) -> Response:
    rpc("events", "cancel_registration", slug, event_id)
    return redirect(
        url_for("pages_events.closing_event", slug=slug, event_id=event_id, ok="cancelled")
    )


@bp.get("/stadt/<slug>/ergebnisse")
@cached
def results(slug: str) -> tuple[str, int]:
    data = rpc("events", "results", slug)
    return render("results.html", city=_city(slug), results=data, charts=result_charts(data))


@bp.get("/stadt/<slug>/ideen-umsetzung")
@cached
def next_steps(slug: str) -> tuple[str, int]:
    overview = rpc("events", "next_steps", slug)
    return render("results_next_steps.html", city=_city(slug), ideas=overview["ideas"])


@bp.get("/jahrgang/<int:year>/ergebnisse")
@cached
def cohort_results(year: int) -> tuple[str, int]:
    data = rpc("events", "cohort_results", year)
    names = {c["slug"]: c["name"] for c in rpc("cities", "cohort", year)["cities"]}
    charts = [
        Chart(
            "chart-cohort-talks",
            _("Geführte Gespräche je Stadt"),
            [Bar(names.get(c["city"], c["city"]), c["talks_held"]) for c in data["cities"]],
        ),
        Chart(
            "chart-cohort-ideas",
            _("Projektideen je Stadt"),
            [Bar(names.get(c["city"], c["city"]), c["ideas"]) for c in data["cities"]],
        ),
    ]
    return render("results_cohort.html", year=year, results=data, names=names, charts=charts)


# ---------------------------------------------------------------- admin and partner pages
def _require_organiser(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *ORGANISERS):
        raise Forbidden()


def _manage_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    city = _city(slug)
    events = rpc("events", "list_closing_events", slug)
    overview = rpc("events", "next_steps", slug)["ideas"]
    return render(
        "closing_admin.html",
        status,
        city=city,
        events=events,
        ideas=overview,
        step_statuses=[(k, _(v)) for k, v in STEP_STATUS.items()],
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/abschluss")
def manage(slug: str) -> tuple[str, int]:
    return _manage_page(slug, notice=request.args.get("ok") and _("Gespeichert."))


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


def event_from_form(form: Any) -> dict[str, Any]:
    """The closing-event form as the API's JSON. Partners and agenda are one line each:
    ``Name | kind | role`` and ``18:30 | Title | speakers``."""
    partners = []
    for line in (form.get("partners") or "").splitlines():
        if line.strip():
            name, kind, role = [*(p.strip() for p in line.split("|")), "", ""][:3]
            partners.append({"name": name, "kind": kind or "other", "role": role})
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
        "capacity": int(capacity_raw) if capacity_raw.isdigit() else capacity_raw,
    }
    closes = (form.get("registration_closes_at") or "").strip()
    body["registration_closes_at"] = _local_iso(closes) if closes else None
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
            " | ".join(filter(None, (p["name"], p["kind"], p["role"]))) for p in event["partners"]
        ),
        "agenda": "\n".join(
            " | ".join(filter(None, (a["time"], a["title"], a["speakers"])))
            for a in event["agenda"]
        ),
        **{f"a11y_{k}": event["accessibility"][k] for k in ACCESSIBILITY},
        "a11y_notes": event["accessibility"]["notes"],
        "capacity": event["registration"]["capacity"],
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
            messages = [_("Zeile %(n)s: %(m)s", n=int(parts[1]) + 1, m=m) for m in messages]
        else:
            key = parts[0]
        fields.setdefault(key, []).extend(messages)
    return {"summary": errors["summary"], "fields": fields}


def _event_form(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    return render(
        "closing_form.html",
        status,
        city=_city(slug),
        accessibility=[(k, _(v)) for k, v in ACCESSIBILITY.items()],
        kinds=[(k, _(v)) for k, v in PARTNER_KINDS.items()],
        **extra,
    )


@bp.route("/stadt/<slug>/verwaltung/abschluss/neu", methods=["GET", "POST"])
def create_event(slug: str) -> tuple[str, int] | Response:
    if request.method == "GET":
        return _event_form(slug, form={"capacity": 100}, event=None)
    _require_organiser(slug)
    body = event_from_form(request.form)
    try:
        made = rpc("events", "create_closing_event", slug, body)
    except DomainError as exc:
        return _event_form(
            slug, exc.status, form=request.form, event=None, errors=_form_errors(exc)
        )
    return redirect(url_for("pages_events.edit_event", slug=slug, event_id=made["id"], ok=1))


@bp.route("/stadt/<slug>/verwaltung/abschluss/<event_id>", methods=["GET", "POST"])
def edit_event(slug: str, event_id: str) -> tuple[str, int] | Response:
    _require_organiser(slug)
    event = rpc("events", "closing_event", slug, event_id)
    registrations = rpc("events", "registrations", slug, event_id)
    if request.method == "GET":
        return _event_form(
            slug,
            form=form_from_event(event),
            event=event,
            registrations=registrations,
            notice=request.args.get("ok") and _("Gespeichert."),
        )
    action = request.form.get("action", "save")
    try:
        if action == "publish":
            rpc("events", "publish_closing_event", slug, event_id)
        elif action == "cancel":
            reason = {"reason": request.form.get("reason", "").strip()}
            rpc("events", "cancel_closing_event", slug, event_id, reason)
        else:
            rpc("events", "update_closing_event", slug, event_id, event_from_form(request.form))
    except DomainError as exc:
        form = form_from_event(event) if action != "save" else request.form
        return _event_form(
            slug,
            exc.status,
            form=form,
            event=event,
            registrations=registrations,
            errors=_form_errors(exc),
            error_section=action,
        )
    return redirect(url_for("pages_events.edit_event", slug=slug, event_id=event_id, ok=1))


@bp.post("/stadt/<slug>/verwaltung/ideen/<idea_id>/schritte")
def add_step(slug: str, idea_id: str) -> tuple[str, int] | Response:
    body = {
        k: request.form.get(k, "").strip()
        for k in ("what", "owner_organisation", "contact_role", "status", "note")
    }
    body["due_date"] = request.form.get("due_date", "").strip() or None
    try:
        rpc("events", "add_next_step", slug, idea_id, body)
    except DomainError as exc:
        return _manage_page(
            slug, exc.status, errors=page_errors(exc), error_idea=idea_id, form=body
        )
    return redirect(url_for("pages_events.manage", slug=slug, ok=1, _anchor=f"idee-{idea_id}"))


@bp.post("/stadt/<slug>/verwaltung/ideen/<idea_id>/schritte/<step_id>")
def change_step(slug: str, idea_id: str, step_id: str) -> tuple[str, int] | Response:
    body = {"status": request.form.get("status", "")}
    try:
        rpc("events", "change_next_step", slug, idea_id, step_id, body)
    except DomainError as exc:
        return _manage_page(slug, exc.status, errors=page_errors(exc), error_idea=idea_id)
    return redirect(url_for("pages_events.manage", slug=slug, ok=1, _anchor=f"idee-{idea_id}"))


# ---------------------------------------------------------------- working groups
def _groups_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    return render(
        "working_groups.html",
        status,
        city=_city(slug),
        groups=rpc("cities", "list_working_groups", slug),
        kinds=[(k, _(v)) for k, v in ORGANISATION_KINDS.items()],
        is_admin=current_caller().has_role(slug, "city_admin"),
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/arbeitsgruppen")
def working_groups(slug: str) -> tuple[str, int]:
    notice = {"group": _("Die Arbeitsgruppe ist angelegt."), "invited": _("Einladung verschickt.")}
    return _groups_page(slug, notice=notice.get(request.args.get("ok", "")))


@bp.post("/stadt/<slug>/verwaltung/arbeitsgruppen")
def create_group(slug: str) -> tuple[str, int] | Response:
    body = {k: request.form.get(k, "").strip() for k in ("name", "description")}
    try:
        rpc("cities", "create_working_group", slug, body)
    except DomainError as exc:
        return _groups_page(slug, exc.status, errors=page_errors(exc), error_group="new", form=body)
    return redirect(url_for("pages_events.working_groups", slug=slug, ok="group"))


@bp.post("/stadt/<slug>/verwaltung/arbeitsgruppen/<group_id>/einladen")
def invite(slug: str, group_id: str) -> tuple[str, int] | Response:
    body = {k: request.form.get(k, "").strip() for k in ("email", "organisation", "kind", "role")}
    body["role"] = body["role"] or "member"
    try:
        rpc("cities", "invite_member", slug, group_id, body)
    except DomainError as exc:
        return _groups_page(
            slug, exc.status, errors=page_errors(exc), error_group=group_id, form=body
        )
    return redirect(
        url_for("pages_events.working_groups", slug=slug, ok="invited", _anchor=f"g-{group_id}")
    )
