"""``/api/v1`` routes of the events service: closing events, registrations, results, next steps,
and the event catalogue (AsyncAPI) for integrators."""

from __future__ import annotations

from typing import Any

import yaml
from flask import Blueprint, Response, request
from flask_babel import force_locale

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.event_catalogue import ASYNCAPI_FILE
from gateway.pages.events.charts import result_charts
from gateway.results_export import Extras, to_csv, to_xlsx
from gateway.results_report import Phases, to_html, to_pdf
from gateway.rpc import ServiceUnavailable
from services.events.schemas import (
    CancelSchema,
    ClosingEventSchema,
    NextStepChangeSchema,
    NextStepSchema,
    RegistrationSchema,
)
from services.kit.errors import DomainError, Forbidden, Unauthenticated

bp = Blueprint("api_events", __name__, url_prefix="/api/v1")
TAG = "events"
CITY = "/cities/<slug>"
EVENT = f"{CITY}/closing-events/<event_id>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_catalogue: dict[str, Any] = {}


CSV = "text/csv; charset=utf-8"


def _download(body: str | bytes, content_type: str, filename: str) -> Response:
    # content_type, not mimetype: Flask would add a second "charset" to a mimetype that has one
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- closing events
@bp.post(f"{CITY}/closing-events")
@documented(
    "Create a closing event as a draft (city admins and partners; closing phase)",
    TAG,
    body=ClosingEventSchema,
    status=201,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def create_closing_event(slug: str) -> Response:
    return json_response(rpc("events", "create_closing_event", slug, json_body()), 201)


@bp.get(f"{CITY}/closing-events")
@documented("The city's closing events (drafts for admins and partners only)", TAG, errors=(404,))
def list_closing_events(slug: str) -> Response:
    return json_response(rpc("events", "list_closing_events", slug))


@bp.get(EVENT)
@documented("One closing event with its free places", TAG, errors=(404,))
def closing_event(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "closing_event", slug, event_id))


@bp.put(EVENT)
@documented(
    "Change a closing event (all fields; admins and partners; closing phase)",
    TAG,
    body=ClosingEventSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def update_closing_event(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "update_closing_event", slug, event_id, json_body()))


@bp.post(f"{EVENT}/publish")
@documented(
    "Publish a closing event: registration opens (admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def publish_closing_event(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "publish_closing_event", slug, event_id))


@bp.post(f"{EVENT}/cancel")
@documented(
    "Cancel a closing event with a reason; registrants are told (admins and partners)",
    TAG,
    body=CancelSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def cancel_closing_event(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "cancel_closing_event", slug, event_id, json_body()))


# ---------------------------------------------------------------- registrations
@bp.post(f"{EVENT}/registrations")
@documented(
    "Register for a closing event: a place, or the waiting list when it is full",
    TAG,
    body=RegistrationSchema,
    status=201,
    auth=True,
    errors=(401, 404, 409, 422),
)
def register(slug: str, event_id: str) -> Response:
    body = json_body() if request.get_data() else {}
    return json_response(rpc("events", "register", slug, event_id, body), 201)


@bp.get(f"{EVENT}/registrations/me")
@documented("My registration: confirmed, or my place on the waiting list", TAG, auth=True)
def my_registration(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "my_registration", slug, event_id))


@bp.delete(f"{EVENT}/registrations/me")
@documented("Cancel my registration (the waiting list moves up)", TAG, auth=True, errors=(401, 404))
def cancel_registration(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "cancel_registration", slug, event_id))


@bp.get(f"{EVENT}/registrations")
@documented(
    "Who registered: display names, needs, places, waiting list (admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def registrations(slug: str, event_id: str) -> Response:
    return json_response(rpc("events", "registrations", slug, event_id))


# ---------------------------------------------------------------- results
@bp.get(f"{CITY}/results")
@documented("The results of the city's dialogue (built from the public facts)", TAG, errors=(404,))
def results(slug: str) -> Response:
    return json_response(rpc("events", "results", slug))


def _optional(service: str, method: str, slug: str) -> list[dict[str, Any]] | None:
    """A part of the export another service gives; without it the export leaves it out."""
    try:
        return rpc(service, method, slug)
    except (ServiceUnavailable, DomainError):
        return None


def _assessments(slug: str) -> tuple[dict[str, Any] | None, bool]:
    """The scenarios' assessments in aggregate, and whether the reader may not see them yet
    (the working group's until the transfer phase is over)."""
    try:
        return rpc("scenarios", "assessment_results", slug), False
    except (Unauthenticated, Forbidden):
        return None, True
    except (ServiceUnavailable, DomainError):
        return None, False


def _city_extras(slug: str) -> Extras:
    """What a city's workbook and report show beside the results: the published scenarios and
    their assessments (counts and means), every published topic, the ideas' next steps and
    the public closing events with their registrations (counts only). The scenario phase and
    the topics come from their services: without them the export leaves the scenarios out and
    lists the topics the results know (those with talks) rather than failing."""
    assessments, hidden = _assessments(slug)
    return Extras(
        scenarios=_optional("scenarios", "list_scenarios", slug),
        assessments=assessments,
        assessments_hidden=hidden,
        topics=_optional("dialogue", "list_topics", slug),
        next_steps=rpc("events", "next_steps", slug)["ideas"],
        closing_events=rpc("events", "list_closing_events", slug),
    )


def _phases(slug: str, results: dict[str, Any]) -> Phases:
    """What only the report shows: the results page's charts (one unit each), the working
    groups' composition (counts by kind) and the published scenarios' map."""
    charts = [(c.heading, str(c.svg)) for c in result_charts(results)]
    try:
        scenario_map: str | None = rpc("scenarios", "published_map_svg", slug)
    except (ServiceUnavailable, DomainError):  # none published yet, or the service is away
        scenario_map = None
    return Phases(
        working_groups=_optional("cities", "list_working_groups", slug),
        charts=charts,
        scenario_map=scenario_map,
    )


def _cohort_extras(data: dict[str, Any]) -> Extras:
    cohort = rpc("cities", "cohort", data["year"])
    return Extras(names={c["slug"]: c["name"] for c in cohort["cities"]})


@bp.get(f"{CITY}/results.csv")
@documented("The results as CSV (German Excel: UTF-8 with BOM, semicolons)", TAG, errors=(404,))
def results_csv(slug: str) -> Response:
    data = rpc("events", "results", slug)
    return _download(to_csv(data, _city_extras(slug)), CSV, f"ergebnisse-{slug}.csv")


@bp.get(f"{CITY}/results.xlsx")
@documented("The results as a spreadsheet (XLSX), a sheet per subject", TAG, errors=(404,))
def results_xlsx(slug: str) -> Response:
    data = rpc("events", "results", slug)
    return _download(to_xlsx(data, _city_extras(slug)), XLSX, f"ergebnisse-{slug}.xlsx")


@bp.get(f"{CITY}/results/report")
@documented("The results as a printable report (HTML)", TAG, errors=(404,))
def results_report(slug: str) -> Response:
    data = rpc("events", "results", slug)
    with force_locale("de"):  # a German document, its charts too, in any session
        html = to_html(data, _city_extras(slug), _phases(slug, data))
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get(f"{CITY}/results/report.pdf")
@documented("The results as a printable report (PDF, A4)", TAG, errors=(404,))
def results_report_pdf(slug: str) -> Response:
    data = rpc("events", "results", slug)
    with force_locale("de"):
        pdf = to_pdf(data, _city_extras(slug), _phases(slug, data))
    return _download(pdf, "application/pdf", f"ergebnisbericht-{slug}.pdf")


@bp.get("/cohorts/<int:year>/results")
@documented("The results of a cohort: the sum of its cities and each city", TAG, errors=(422,))
def cohort_results(year: int) -> Response:
    return json_response(rpc("events", "cohort_results", year))


@bp.get("/cohorts/<int:year>/results.csv")
@documented("The results of a cohort as CSV (German Excel: UTF-8 with BOM, semicolons)", TAG)
def cohort_results_csv(year: int) -> Response:
    data = rpc("events", "cohort_results", year)
    return _download(to_csv(data, _cohort_extras(data)), CSV, f"ergebnisse-{year}.csv")


@bp.get("/cohorts/<int:year>/results.xlsx")
@documented("The results of a cohort as a spreadsheet (XLSX), a sheet per subject", TAG)
def cohort_results_xlsx(year: int) -> Response:
    data = rpc("events", "cohort_results", year)
    return _download(to_xlsx(data, _cohort_extras(data)), XLSX, f"ergebnisse-{year}.xlsx")


# ---------------------------------------------------------------- next steps
@bp.get(f"{CITY}/next-steps")
@documented("What became of the city's project ideas: their next steps", TAG, errors=(404,))
def next_steps(slug: str) -> Response:
    return json_response(rpc("events", "next_steps", slug))


@bp.post(f"{CITY}/ideas/<idea_id>/next-steps")
@documented(
    "Add a next step to a project idea (admins and partners; closing phase)",
    TAG,
    body=NextStepSchema,
    status=201,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def add_next_step(slug: str, idea_id: str) -> Response:
    return json_response(rpc("events", "add_next_step", slug, idea_id, json_body()), 201)


@bp.patch(f"{CITY}/ideas/<idea_id>/next-steps/<step_id>")
@documented(
    "Change a next step: status, due date, owner … (admins and partners; closing phase)",
    TAG,
    body=NextStepChangeSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def change_next_step(slug: str, idea_id: str, step_id: str) -> Response:
    return json_response(rpc("events", "change_next_step", slug, idea_id, step_id, json_body()))


# ---------------------------------------------------------------- the event catalogue
@bp.get("/events/asyncapi.json")
@documented("The catalogue of every event type (AsyncAPI 3) for integrators", TAG)
def asyncapi() -> Response:
    if "document" not in _catalogue:
        _catalogue["document"] = yaml.safe_load(ASYNCAPI_FILE.read_text())
    return json_response(_catalogue["document"])
