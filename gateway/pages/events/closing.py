"""What citizens see of the Abschluss: a city's closing events and registering for one, the
results of its dialogue, what became of the project ideas, a cohort's results; and the
events' section of the city page."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.cache import cached
from gateway.pages.city import city_section
from gateway.pages.events.base import ACCESSIBILITY, _city, _is_organiser, bp
from gateway.pages.events.charts import IDEAS, TALKS, Bar, Chart, result_charts
from gateway.pages.rendering import page_errors, render
from services.cities.phases import PHASE_TITLES
from services.kit.errors import DomainError, NotFound, Unauthenticated


@city_section("city_events.html")
def _city_events_section(city: dict[str, Any]) -> dict[str, Any]:
    """On the city page: the next published closing event, and where the results are."""
    upcoming = None
    if city.get("phase") in ("table_talks", "closing", "archived"):  # announced early
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
        "confirmed": _("Du hast einen Platz. Wir haben Dir eine Bestätigung geschickt."),
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
        url_for(
            "pages_events.closing_event",
            slug=slug,
            event_id=event_id,
            ok=answer["status"],
            _anchor="meldung",
        )
    )


@bp.post("/stadt/<slug>/abschluss/<event_id>/stornieren")
def closing_unregister(slug: str, event_id: str) -> Response:
    rpc("events", "cancel_registration", slug, event_id)
    return redirect(
        url_for(
            "pages_events.closing_event",
            slug=slug,
            event_id=event_id,
            ok="cancelled",
            _anchor="meldung",
        )
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
    cohort = rpc("cities", "cohort", year)["cities"]
    names = {c["slug"]: c["name"] for c in cohort}
    english = str(get_locale()) == "en"
    phases = {c["slug"]: PHASE_TITLES[c["phase"]][1 if english else 0] for c in cohort}
    charts = [
        Chart(
            "chart-cohort-talks",
            _("Geführte Gespräche je Stadt"),
            [Bar(names.get(c["city"], c["city"]), c["talks_held"], TALKS) for c in data["cities"]],
            TALKS,
        ),
        Chart(
            "chart-cohort-ideas",
            _("Projektideen je Stadt"),
            [Bar(names.get(c["city"], c["city"]), c["ideas"], IDEAS) for c in data["cities"]],
            IDEAS,
        ),
    ]
    return render(
        "results_cohort.html", year=year, results=data, names=names, phases=phases, charts=charts
    )
