"""``/api/v1`` routes of the cities service."""

from __future__ import annotations

from flask import Blueprint, Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.cache import cached
from services.cities.schemas import (
    AcceptInvitationSchema,
    AdvanceSchema,
    CityCreateSchema,
    InvitationSchema,
    PluginConfigSchema,
    RoleInvitationSchema,
    ScheduleSchema,
    StepDoneSchema,
    WorkingGroupSchema,
)

bp = Blueprint("api_cities", __name__, url_prefix="/api/v1")
TAG = "cities"
CITY = "/cities/<slug>"


# ---------------------------------------------------------------- tenants and cohorts
@bp.post("/cities")
@documented(
    "Create a city tenant and invite its first admin (operators)",
    TAG,
    body=CityCreateSchema,
    status=201,
    auth=True,
    errors=(401, 403, 409, 422),
)
def create_city() -> Response:
    return json_response(rpc("cities", "create_city", json_body()), 201)


@bp.get("/cities")
@documented("List the cities (operators may add ?include_archived=1)", TAG)
@cached
def list_cities() -> Response:
    include = request.args.get("include_archived") in ("1", "true")
    return json_response(rpc("cities", "list_cities", include))


@bp.get(CITY)
@documented("One city", TAG, errors=(404,))
@cached
def get_city(slug: str) -> Response:
    return json_response(rpc("cities", "get_city", slug))


@bp.post(f"{CITY}/archive")
@documented("Archive a city (operators)", TAG, auth=True, errors=(401, 403, 404))
def archive_city(slug: str) -> Response:
    return json_response(rpc("cities", "archive_city", slug))


@bp.get("/cohorts/<int:year>")
@documented("A cohort year: its cities, their phases and the free places", TAG)
@cached
def cohort(year: int) -> Response:
    return json_response(rpc("cities", "cohort", year))


# ---------------------------------------------------------------- phases and steps
@bp.get(f"{CITY}/phases")
@documented("The phase timeline with windows and steps", TAG, errors=(404,))
@cached
def phases(slug: str) -> Response:
    return json_response(rpc("cities", "phases", slug))


@bp.put(f"{CITY}/schedule")
@documented(
    "Set planned phase windows (city admins)",
    TAG,
    body=ScheduleSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def set_schedule(slug: str) -> Response:
    return json_response(rpc("cities", "set_schedule", slug, json_body()))


@bp.post(f"{CITY}/phase")
@documented(
    "Advance to the next phase (city admins); guards explain refusals",
    TAG,
    body=AdvanceSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def advance_phase(slug: str) -> Response:
    return json_response(rpc("cities", "advance_phase", slug, json_body()))


@bp.get(f"{CITY}/transitions")
@documented(
    "Every phase transition: who, when, why (admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def transitions(slug: str) -> Response:
    return json_response(rpc("cities", "transitions", slug))


@bp.get(f"{CITY}/audit-log")
@documented(
    "The city's audit log, newest first, 25 a page (?page=2; ?kind=phase: phase history) "
    "(admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def audit_log(slug: str) -> Response:
    page = request.args.get("page", "1")
    if not page.isdigit():
        page = "0"  # refused by the service with the field named
    kind = request.args.get("kind") or None
    return json_response(rpc("cities", "audit_log", slug, int(page), kind))


@bp.get(f"{CITY}/roles")
@documented(
    "The city's people with a role: name, role, since when (city admins)",
    TAG,
    auth=True,
    errors=(401, 403),
)
def city_roles(slug: str) -> Response:
    return json_response(rpc("identity", "city_roles", slug))


@bp.post(f"{CITY}/role-invitations")
@documented(
    "Grant a role by e-mail: the person is mailed an invitation naming the city (city admins)",
    TAG,
    body=RoleInvitationSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def invite_role(slug: str) -> Response:
    return json_response(rpc("cities", "invite_role", slug, json_body()))


@bp.post(f"{CITY}/phases/<phase>/steps/<step_id>")
@documented(
    "Mark a step done (city admins)",
    TAG,
    body=StepDoneSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def mark_step(slug: str, phase: str, step_id: str) -> Response:
    body = json_body() if request.get_data() else {}
    return json_response(rpc("cities", "mark_step", slug, phase, step_id, body))


@bp.delete(f"{CITY}/phases/<phase>/steps/<step_id>")
@documented("Mark a step not done (city admins)", TAG, auth=True, errors=(401, 403, 404))
def unmark_step(slug: str, phase: str, step_id: str) -> Response:
    return json_response(rpc("cities", "unmark_step", slug, phase, step_id))


@bp.get(f"{CITY}/tallies")
@documented("Counts of public facts the city's step rules read", TAG, errors=(404,))
@cached
def tallies(slug: str) -> Response:
    return json_response(rpc("cities", "tallies", slug))


# ---------------------------------------------------------------- working groups
@bp.post(f"{CITY}/working-groups")
@documented(
    "Create a working group (city admins)",
    TAG,
    body=WorkingGroupSchema,
    status=201,
    auth=True,
    errors=(401, 403, 404, 422),
)
def create_working_group(slug: str) -> Response:
    return json_response(rpc("cities", "create_working_group", slug, json_body()), 201)


@bp.get(f"{CITY}/working-groups")
@documented("Working groups with their composition (members for admins and members)", TAG)
@cached
def list_working_groups(slug: str) -> Response:
    return json_response(rpc("cities", "list_working_groups", slug))


@bp.get(f"{CITY}/working-groups/<group_id>")
@documented("One working group", TAG, errors=(404,))
@cached
def working_group(slug: str, group_id: str) -> Response:
    return json_response(rpc("cities", "working_group", slug, group_id))


@bp.post(f"{CITY}/working-groups/<group_id>/invitations")
@documented(
    "Invite a person by e-mail (city admins and the group's leads)",
    TAG,
    body=InvitationSchema,
    status=201,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def invite_member(slug: str, group_id: str) -> Response:
    return json_response(rpc("cities", "invite_member", slug, group_id, json_body()), 201)


@bp.post("/invitations/accept")
@documented(
    "Accept an invitation (signed in with the invited e-mail address; each link works once)",
    TAG,
    body=AcceptInvitationSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def accept_invitation() -> Response:
    return json_response(rpc("cities", "accept_invitation", json_body()))


# ---------------------------------------------------------------- plugins
@bp.get(f"{CITY}/plugins")
@documented(
    "Installed plugins and which are enabled here (admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def list_plugins(slug: str) -> Response:
    return json_response(rpc("cities", "list_plugins", slug))


@bp.put(f"{CITY}/plugins/<plugin>")
@documented(
    "Enable or reconfigure a plugin (admins and partners)",
    TAG,
    body=PluginConfigSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def enable_plugin(slug: str, plugin: str) -> Response:
    return json_response(rpc("cities", "enable_plugin", slug, plugin, json_body()))


@bp.delete(f"{CITY}/plugins/<plugin>")
@documented("Disable a plugin (admins and partners)", TAG, auth=True, errors=(401, 403, 404))
def disable_plugin(slug: str, plugin: str) -> Response:
    return json_response(rpc("cities", "disable_plugin", slug, plugin))


@bp.get(f"{CITY}/plugins/audit")
@documented(
    "Who enabled, reconfigured or disabled which plugin (admins and partners)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def plugin_audit(slug: str) -> Response:
    return json_response(rpc("cities", "plugin_audit", slug))


# ---------------------------------------------------------------- districts (Stadtteile)
@bp.put(f"{CITY}/districts")
@documented(
    "Upload or replace the city's districts: a GeoJSON FeatureCollection of Polygon or "
    "MultiPolygon features with a name property (city admins)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def put_districts(slug: str) -> Response:
    return json_response(rpc("cities", "put_districts", slug, json_body()))


@bp.get(f"{CITY}/districts")
@documented("The city's districts with their shapes (null while none)", TAG, errors=(404,))
def districts(slug: str) -> Response:
    return json_response(rpc("cities", "districts", slug))


@bp.delete(f"{CITY}/districts")
@documented("Remove the city's districts (city admins)", TAG, auth=True, errors=(401, 403, 404))
def remove_districts(slug: str) -> Response:
    return json_response(rpc("cities", "remove_districts", slug))
