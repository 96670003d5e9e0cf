"""Who may call which endpoint of the cities service, and tenant isolation between cities.

Every endpoint of ``gateway/api/cities.py`` against six callers, over HTTP with every process
real. Each cell sends a body that is valid for its endpoint, so a 401/403 is about who calls
and a 2xx about success (never a 409/422 standing in for a refusal).

Callers (built once per module, see ``world``):

* **O** operator (``OPERATOR_EMAIL``; ``Caller.has_role`` is true for operators in every city)
* **A** city admin of city A (accepted the operator's mailed invitation)
* **P** partner of city A (role granted by A's admin through the identity API)
* **M** working-group member of city A (invited by e-mail as a ``member``, not a lead, of
  group G, and accepted: role ``working_group_member``)
* **C** citizen: signed in, no role in city A
* **N** anonymous: no token

=============================================  ===  ===  ===  ===  ===  ===
endpoint                                        O    A    P    M    C    N
=============================================  ===  ===  ===  ===  ===  ===
POST   /cities                                  201  403  403  403  403  401
GET    /cities                                  200  200  200  200  200  200
GET    /cities/{A}                              200  200  200  200  200  200
POST   /cities/{X}/archive          (fresh X)   200  403  403  403  403  401
GET    /cohorts/{year}                          200  200  200  200  200  200
GET    /cities/{A}/phases                       200  200  200  200  200  200
PUT    /cities/{A}/schedule                     200  200  403  403  403  401
POST   /cities/{X}/phase            (fresh X)   200  200  403  403  403  401
GET    /cities/{A}/transitions                  200  200  200  403  403  401
POST   /cities/{A}/phases/kickoff/steps/{s}     200  200  403  403  403  401
DELETE /cities/{A}/phases/kickoff/steps/{s}     200  200  403  403  403  401
GET    /cities/{A}/tallies                      200  200  200  200  200  200
POST   /cities/{A}/working-groups               201  201  403  403  403  401
GET    /cities/{A}/working-groups               200  200  200  200  200  200
GET    /cities/{A}/working-groups/{G}           200  200  200  200  200  200
POST   /cities/{A}/working-groups/{G}/invit…    201  201  403  403  403  401
POST   /invitations/accept          (own inv.)  200  200  200  200  200  401
GET    /cities/{A}/plugins                      200  200  200  403  403  401
PUT    /cities/{A}/plugins/{plugin}             200  200  200  403  403  401
DELETE /cities/{A}/plugins/{plugin}  (enabled)  200  200  200  403  403  401
GET    /cities/{A}/plugins/audit                200  200  200  403  403  401
GET    /cities/{A}/districts                    200  200  200  200  200  200
PUT    /cities/{A}/districts                    200  200  403  403  403  401
DELETE /cities/{A}/districts                    200  200  403  403  403  401
=============================================  ===  ===  ===  ===  ===  ===

Cells that change state get objects of their own so they do not interfere:

* ``archive`` and ``advance phase`` act on a fresh city X per cell, created by the operator,
  where the operator grants the same people their roles (A: ``city_admin``, P: ``partner``,
  M: ``working_group_member``; C gets none). For ``advance phase`` the operator first marks
  the kickoff step ``working_group_formed`` done with a note, so the guard lets an authorised
  caller through and the cell answers 200 (without that step it would answer 409 from the
  guard: that is tested in ``test_cities_phases.py``, not here).
* ``create city`` uses a fresh slug and a cohort year with free places for every cell.
* ``invite`` invites a fresh address per cell; M is a plain member of G (leads may invite,
  members may not).
* ``accept`` mails each caller an invitation of their own (to a group of a third city, so the
  roles the matrix relies on in city A do not change); the anonymous cell uses a valid token
  mailed to another address.
* ``disable plugin`` has the operator enable the plugin first, so the authorised cells find it
  enabled (200, not 404).

Besides the status, the working-group reads show members only to O, A, P and to members of
that very group (``test_working_group_members_are_shown_only_to_those_who_may_see_them``);
a group's lead may invite into that group only (``test_a_lead_invites_into_their_own_group_only``).

Tenant isolation: A's admin and A's partner get 403 or 404 on every write endpoint of city B
(and B is unchanged afterwards), 403 on B's transitions, plugins and audit, see B's working
groups without members, and cannot reach B's objects through A's paths.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from cities_support import city_body, fresh_year

ROLES = ("operator", "admin", "partner", "member", "citizen", "anonymous")
COHORT_SIZE = 10
SCHEDULE = {
    "kickoff": {"start": "2031-01-01T00:00:00Z", "end": "2031-02-01T00:00:00Z"},
    "scenarios": {"start": "2031-02-01T00:00:00Z", "end": "2031-04-01T00:00:00Z"},
}
MANUAL_STEP = "kickoff_meeting"  # a kickoff step marked done by hand (no rule)
JUGENDFORUM = {"config": {"required_talks": 2}}
BARRIEREFREI = {"config": {"contact_email": "inklusion@example.org"}}


class Years:
    """Cohort years for the cities this module creates: up to ten cities per fresh year."""

    def __init__(self) -> None:
        self.year = 0
        self.used = COHORT_SIZE

    def next(self) -> int:
        if self.used >= COHORT_SIZE:
            self.year, self.used = fresh_year(), 0
        self.used += 1
        return self.year


@dataclass
class World:
    api: Any
    people: dict[str, dict | None]  # role -> person (None: anonymous)
    a: str  # city A, where the role holders hold their roles
    group: str  # working group G of A; M is a member of it
    other_group: str  # working group G2 of A; M is not a member
    invites_city: str  # city whose group receives the invitations of the "accept" cells
    invites_group: str
    b: dict[str, Any]  # city B of another admin: slug, admin, group, invitation token
    b_archived: dict[str, Any]  # an archived city: slug, group
    years: Years = field(default_factory=Years)

    @property
    def operator(self) -> dict:
        return self.people["operator"]

    def token(self, role: str) -> str | None:
        person = self.people[role]
        return person["token"] if person else None


def _mails_to(api, email: str) -> int:
    return len([m for m in api.sink.messages if m["To"] == email])


def _invite(api, token: str, slug: str, group: str, email: str, **extra: str) -> str:
    """Invite ``email`` to ``group`` and return the token of the mail it gets."""
    before = _mails_to(api, email)
    body = {"email": email, "organisation": "Bürgerverein e.V.", "kind": "association", **extra}
    response = api.post(f"/cities/{slug}/working-groups/{group}/invitations", body, token=token)
    assert response.status_code == 201, response.text
    return api.mailed_token(email, count=before + 1)


def _group(api, token: str, slug: str, name: str) -> str:
    response = api.post(f"/cities/{slug}/working-groups", {"name": name}, token=token)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _operator_city(api, operator: dict, years: Years) -> str:
    slug = f"matrix-{uuid.uuid4().hex[:8]}"
    body = city_body(slug, years.next(), f"admin-{slug}@example.org")
    response = api.post("/cities", body, token=operator["token"])
    assert response.status_code == 201, response.text
    return slug


def fresh_city(w: World, formed: bool = False) -> str:
    """A new city where the role holders hold their roles again (granted by the operator)."""
    slug = _operator_city(w.api, w.operator, w.years)
    for role, name in (("admin", "city_admin"), ("partner", "partner"), ("member", None)):
        grant = {
            "account_id": w.people[role]["id"],
            "city": slug,
            "role": name or "working_group_member",
        }
        response = w.api.post("/roles", grant, token=w.operator["token"])
        assert response.status_code == 200, response.text
    if formed:
        step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
        marked = w.api.post(
            step, {"note": "Matrix: Gruppe gilt als gebildet"}, token=w.operator["token"]
        )
        assert marked.status_code == 200, marked.text
    return slug


@pytest.fixture(scope="module")
def world(api, cities, operator) -> World:
    years = Years()
    made = cities.create(years.next())
    a, admin = made["slug"], made["admin"]
    partner = cities.person_with_role(a, "partner", admin)

    group = _group(api, admin["token"], a, "Zukunft Innenstadt")
    other_group = _group(api, admin["token"], a, "Mobilität")
    _invite(api, admin["token"], a, other_group, f"g2-{a}@example.org", kind="foundation")
    member_email = f"member-{a}@example.org"
    invitation = _invite(api, admin["token"], a, group, member_email, role="member")
    member = api.verified_login_as(member_email)
    accepted = api.post("/invitations/accept", {"token": invitation}, token=member["token"])
    assert accepted.status_code == 200, accepted.text
    citizen = api.verified_login()

    # City B with an admin of its own, a group with an invited person, a marked step and an
    # enabled plugin: everything A's people must not change.
    made_b = cities.create(years.next())
    b, admin_b = made_b["slug"], made_b["admin"]
    group_b = _group(api, admin_b["token"], b, "Arbeitsgruppe B")
    invited_b = f"invited-{b}@example.org"
    token_b = _invite(api, admin_b["token"], b, group_b, invited_b)
    step_b = f"/cities/{b}/phases/kickoff/steps/{MANUAL_STEP}"
    assert api.post(step_b, {}, token=admin_b["token"]).status_code == 200
    enabled = api.put(f"/cities/{b}/plugins/jugendforum", JUGENDFORUM, token=admin_b["token"])
    assert enabled.status_code == 200, enabled.text

    # An archived city with a group and an enabled plugin (set up before archiving).
    archived = _operator_city(api, operator, years)
    group_archived = _group(api, operator["token"], archived, "Archivgruppe")
    enabled = api.put(
        f"/cities/{archived}/plugins/jugendforum", JUGENDFORUM, token=operator["token"]
    )
    assert enabled.status_code == 200, enabled.text
    assert api.post(f"/cities/{archived}/archive", token=operator["token"]).status_code == 200

    invites_city = _operator_city(api, operator, years)
    invites_group = _group(api, operator["token"], invites_city, "Einladungen")

    w = World(
        api=api,
        people={
            "operator": operator,
            "admin": admin,
            "partner": partner,
            "member": member,
            "citizen": citizen,
            "anonymous": None,
        },
        a=a,
        group=group,
        other_group=other_group,
        invites_city=invites_city,
        invites_group=invites_group,
        b={"slug": b, "admin": admin_b, "group": group_b, "invitation": token_b},
        b_archived={"slug": archived, "group": group_archived},
        years=years,
    )
    w.b["snapshot"] = snapshot(w)
    return w


# ------------------------------------------------------------------ the endpoints
Call = Callable[[World, str], requests.Response]


def create_city(w: World, role: str) -> requests.Response:
    slug = f"matrix-new-{uuid.uuid4().hex[:8]}"
    # A body that is valid for everyone: a fresh slug and a year with a free place.
    body = city_body(slug, w.years.next(), f"admin-{slug}@example.org")
    return w.api.post("/cities", body, token=w.token(role))


def archive(w: World, role: str) -> requests.Response:
    return w.api.post(f"/cities/{fresh_city(w)}/archive", token=w.token(role))


def advance(w: World, role: str) -> requests.Response:
    slug = fresh_city(w, formed=True)
    body = {"to": "scenarios", "reason": "Die Arbeitsgruppe steht"}
    return w.api.post(f"/cities/{slug}/phase", body, token=w.token(role))


def invite(w: World, role: str) -> requests.Response:
    body = {
        "email": f"invitee-{uuid.uuid4().hex[:8]}@example.org",
        "organisation": "Stadtverwaltung",
        "kind": "administration",
        "role": "member",
    }
    path = f"/cities/{w.a}/working-groups/{w.group}/invitations"
    return w.api.post(path, body, token=w.token(role))


def accept(w: World, role: str) -> requests.Response:
    person = w.people[role]
    email = person["email"] if person else f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    token = _invite(w.api, w.operator["token"], w.invites_city, w.invites_group, email)
    return w.api.post("/invitations/accept", {"token": token}, token=w.token(role))


def disable_plugin(w: World, role: str) -> requests.Response:
    path = f"/cities/{w.a}/plugins/barrierefrei"
    assert w.api.put(path, BARRIEREFREI, token=w.operator["token"]).status_code == 200
    return w.api.delete(path, token=w.token(role))


def get(path: str) -> Call:
    return lambda w, role: w.api.get(path.format(w=w), token=w.token(role))


# One small square district: enough for the upload to succeed where the caller may upload.
DISTRICTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Mitte"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[7.0, 51.0], [7.01, 51.0], [7.01, 51.01], [7.0, 51.01], [7.0, 51.0]]
                ],
            },
        }
    ],
}

ENDPOINTS: dict[str, tuple[str, str, Call]] = {
    # name: (method, path as in gateway/api/cities.py, the call of one cell)
    "create_city": ("POST", "/cities", create_city),
    "list_cities": ("GET", "/cities", get("/cities")),
    "get_city": ("GET", "/cities/<slug>", get("/cities/{w.a}")),
    "archive_city": ("POST", "/cities/<slug>/archive", archive),
    "cohort": ("GET", "/cohorts/<int:year>", get("/cohorts/{w.years.year}")),
    "phases": ("GET", "/cities/<slug>/phases", get("/cities/{w.a}/phases")),
    "set_schedule": (
        "PUT",
        "/cities/<slug>/schedule",
        lambda w, role: w.api.put(f"/cities/{w.a}/schedule", SCHEDULE, token=w.token(role)),
    ),
    "advance_phase": ("POST", "/cities/<slug>/phase", advance),
    "transitions": ("GET", "/cities/<slug>/transitions", get("/cities/{w.a}/transitions")),
    "mark_step": (
        "POST",
        "/cities/<slug>/phases/<phase>/steps/<step_id>",
        lambda w, role: w.api.post(
            f"/cities/{w.a}/phases/kickoff/steps/{MANUAL_STEP}",
            {"note": "Treffen im Rathaus"},
            token=w.token(role),
        ),
    ),
    "unmark_step": (
        "DELETE",
        "/cities/<slug>/phases/<phase>/steps/<step_id>",
        lambda w, role: w.api.delete(
            f"/cities/{w.a}/phases/kickoff/steps/{MANUAL_STEP}", token=w.token(role)
        ),
    ),
    "tallies": ("GET", "/cities/<slug>/tallies", get("/cities/{w.a}/tallies")),
    "create_working_group": (
        "POST",
        "/cities/<slug>/working-groups",
        lambda w, role: w.api.post(
            f"/cities/{w.a}/working-groups",
            {"name": f"Gruppe {uuid.uuid4().hex[:6]}", "description": "Matrix"},
            token=w.token(role),
        ),
    ),
    "list_working_groups": (
        "GET",
        "/cities/<slug>/working-groups",
        get("/cities/{w.a}/working-groups"),
    ),
    "working_group": (
        "GET",
        "/cities/<slug>/working-groups/<group_id>",
        get("/cities/{w.a}/working-groups/{w.group}"),
    ),
    "invite_member": ("POST", "/cities/<slug>/working-groups/<group_id>/invitations", invite),
    "accept_invitation": ("POST", "/invitations/accept", accept),
    "list_plugins": ("GET", "/cities/<slug>/plugins", get("/cities/{w.a}/plugins")),
    "enable_plugin": (
        "PUT",
        "/cities/<slug>/plugins/<plugin>",
        lambda w, role: w.api.put(
            f"/cities/{w.a}/plugins/jugendforum", JUGENDFORUM, token=w.token(role)
        ),
    ),
    "disable_plugin": ("DELETE", "/cities/<slug>/plugins/<plugin>", disable_plugin),
    "plugin_audit": ("GET", "/cities/<slug>/plugins/audit", get("/cities/{w.a}/plugins/audit")),
    "audit_log": ("GET", "/cities/<slug>/audit-log", get("/cities/{w.a}/audit-log")),
    "city_roles": ("GET", "/cities/<slug>/roles", get("/cities/{w.a}/roles")),
    "districts": ("GET", "/cities/<slug>/districts", get("/cities/{w.a}/districts")),
    "put_districts": (
        "PUT",
        "/cities/<slug>/districts",
        lambda w, role: w.api.put(f"/cities/{w.a}/districts", DISTRICTS, token=w.token(role)),
    ),
    "remove_districts": (
        "DELETE",
        "/cities/<slug>/districts",
        lambda w, role: w.api.delete(f"/cities/{w.a}/districts", token=w.token(role)),
    ),
    "invite_role": (
        "POST",
        "/cities/<slug>/role-invitations",
        lambda w, role: w.api.post(
            f"/cities/{w.a}/role-invitations",
            {"email": f"partner-{uuid.uuid4().hex[:6]}@example.org", "role": "partner"},
            token=w.token(role),
        ),
    ),
}

# Expected status per role, in the order of ROLES: operator, admin, partner, member,
# citizen, anonymous.
PUBLIC = (200,) * 6
OPERATORS = (200, 403, 403, 403, 403, 401)
ADMINS = (200, 200, 403, 403, 403, 401)
PARTNERS = (200, 200, 200, 403, 403, 401)
MATRIX: dict[str, tuple[int, ...]] = {
    "create_city": (201, 403, 403, 403, 403, 401),
    "list_cities": PUBLIC,
    "get_city": PUBLIC,
    "archive_city": OPERATORS,
    "cohort": PUBLIC,
    "phases": PUBLIC,
    "set_schedule": ADMINS,
    "advance_phase": ADMINS,
    "transitions": PARTNERS,
    "mark_step": ADMINS,
    "unmark_step": ADMINS,
    "tallies": PUBLIC,
    "create_working_group": (201, 201, 403, 403, 403, 401),
    "list_working_groups": PUBLIC,
    "working_group": PUBLIC,
    "invite_member": (201, 201, 403, 403, 403, 401),
    "accept_invitation": (200, 200, 200, 200, 200, 401),
    "list_plugins": PARTNERS,
    "enable_plugin": PARTNERS,
    "disable_plugin": PARTNERS,
    "plugin_audit": PARTNERS,
    "audit_log": PARTNERS,
    "city_roles": ADMINS,
    "districts": PUBLIC,
    "put_districts": ADMINS,
    "remove_districts": ADMINS,
    "invite_role": ADMINS,
}
CELLS = [
    pytest.param(endpoint, role, MATRIX[endpoint][index], id=f"{endpoint}-{role}")
    for endpoint in ENDPOINTS
    for index, role in enumerate(ROLES)
]


def test_the_matrix_covers_every_route_of_the_cities_api() -> None:
    from flask import Flask

    from gateway.api.cities import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    routes = {
        (method, rule.rule.removeprefix(bp.url_prefix))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{bp.name}.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, path) for method, path, _ in ENDPOINTS.values()}
    assert set(MATRIX) == set(ENDPOINTS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.mark.parametrize(("endpoint", "role", "expected"), CELLS)
def test_authorization_matrix(world: World, endpoint: str, role: str, expected: int) -> None:
    method, path, call = ENDPOINTS[endpoint]
    response = call(world, role)
    assert response.status_code == expected, f"{method} {path} as {role}: {response.text}"
    if expected in (401, 403):
        assert response.json()["error"]["code"] == (
            "unauthenticated" if expected == 401 else "forbidden"
        )


@pytest.mark.parametrize(
    ("role", "sees_members"),
    [
        ("operator", True),
        ("admin", True),
        ("partner", True),
        ("member", True),  # a member of G sees G's people, not G2's
        ("citizen", False),
        ("anonymous", False),
    ],
)
def test_working_group_members_are_shown_only_to_those_who_may_see_them(
    world: World, role: str, sees_members: bool
) -> None:
    api, token = world.api, world.token(role)
    listed = api.get(f"/cities/{world.a}/working-groups", token=token)
    assert listed.status_code == 200
    groups = {g["id"]: g for g in listed.json()}
    single = api.get(f"/cities/{world.a}/working-groups/{world.group}", token=token).json()
    for view in (groups[world.group], single):
        assert ("members" in view) is sees_members, view
        assert view["composition"]["association"] == 1  # the composition is public
    if sees_members:
        emails = [m["email"] for m in single["members"]]
        assert f"member-{world.a}@example.org" in emails
    other = groups[world.other_group]
    other_single = api.get(f"/cities/{world.a}/working-groups/{world.other_group}", token=token)
    may_see_other = sees_members and role != "member"
    assert ("members" in other) is may_see_other
    assert ("members" in other_single.json()) is may_see_other


def test_a_lead_invites_into_their_own_group_only(world: World) -> None:
    """Leads may invite (beside admins): only into the group they lead, only in their city."""
    api, a = world.api, world.a
    email = f"lead-{uuid.uuid4().hex[:8]}@example.org"
    admin = world.token("admin")
    invitation = _invite(api, admin, a, world.group, email, kind="initiative", role="lead")
    lead = api.verified_login_as(email)
    assert api.post("/invitations/accept", {"token": invitation}, token=lead["token"]).ok

    def invite_as_lead(slug: str, group: str) -> int:
        body = {
            "email": f"by-lead-{uuid.uuid4().hex[:8]}@example.org",
            "organisation": "Stadtteilinitiative",
            "kind": "initiative",
        }
        path = f"/cities/{slug}/working-groups/{group}/invitations"
        return api.post(path, body, token=lead["token"]).status_code

    assert invite_as_lead(a, world.group) == 201
    assert invite_as_lead(a, world.other_group) == 403  # leads G, not G2
    assert invite_as_lead(world.b["slug"], world.b["group"]) == 403
    assert invite_as_lead(a, world.b["group"]) == 404  # B's group under A's slug
    # A lead is a working-group member, not an admin: the admin-only endpoints stay closed.
    path = f"/cities/{a}/working-groups"
    assert api.post(path, {"name": "Eigene Gruppe"}, token=lead["token"]).status_code == 403
    assert api.get(f"/cities/{a}/transitions", token=lead["token"]).status_code == 403


# ------------------------------------------------------------------ tenant isolation
def snapshot(w: World) -> dict[str, Any]:
    """What A's people could change in city B, as B's admin sees it."""
    slug, token = w.b["slug"], w.b["admin"]["token"]
    city = w.api.get(f"/cities/{slug}").json()
    phases = w.api.get(f"/cities/{slug}/phases").json()
    groups = w.api.get(f"/cities/{slug}/working-groups", token=token).json()
    plugins = w.api.get(f"/cities/{slug}/plugins", token=token).json()
    return {
        "city": {k: city[k] for k in ("phase", "status", "schedule")},
        "steps": [(p["phase"], s["id"], s["done"]) for p in phases["phases"] for s in p["steps"]],
        "groups": [(g["id"], g["name"], [m["email"] for m in g["members"]]) for g in groups],
        "plugins": {p["name"]: p["config"] for p in plugins if p["enabled"]},
        "transitions": w.api.get(f"/cities/{slug}/transitions", token=token).json(),
        "audit": len(w.api.get(f"/cities/{slug}/plugins/audit", token=token).json()),
    }


def _writes(target: str) -> dict[str, Callable[[World, dict, str], requests.Response]]:
    """Every write endpoint of the city ``target`` ("b" or "b_archived") of the world."""

    def city(w: World) -> dict[str, Any]:
        return getattr(w, target)

    def step(w: World) -> str:
        return f"/cities/{city(w)['slug']}/phases/kickoff/steps/{MANUAL_STEP}"

    return {
        "archive_city": lambda w, who, slug: w.api.post(
            f"/cities/{slug}/archive", token=who["token"]
        ),
        "set_schedule": lambda w, who, slug: w.api.put(
            f"/cities/{slug}/schedule", SCHEDULE, token=who["token"]
        ),
        "advance_phase": lambda w, who, slug: w.api.post(
            f"/cities/{slug}/phase",
            {"to": "scenarios", "override_reason": "Übernahme"},
            token=who["token"],
        ),
        "mark_step": lambda w, who, slug: w.api.post(
            step(w), {"note": "fremd"}, token=who["token"]
        ),
        "unmark_step": lambda w, who, slug: w.api.delete(step(w), token=who["token"]),
        "create_working_group": lambda w, who, slug: w.api.post(
            f"/cities/{slug}/working-groups", {"name": "Fremdgruppe"}, token=who["token"]
        ),
        "invite_member": lambda w, who, slug: w.api.post(
            f"/cities/{slug}/working-groups/{city(w)['group']}/invitations",
            {"email": who["email"], "organisation": "Fremd e.V.", "kind": "initiative"},
            token=who["token"],
        ),
        "enable_plugin": lambda w, who, slug: w.api.put(
            f"/cities/{slug}/plugins/barrierefrei", BARRIEREFREI, token=who["token"]
        ),
        "reconfigure_plugin": lambda w, who, slug: w.api.put(
            f"/cities/{slug}/plugins/jugendforum",
            {"config": {"required_talks": 9}},
            token=who["token"],
        ),
        "disable_plugin": lambda w, who, slug: w.api.delete(
            f"/cities/{slug}/plugins/jugendforum", token=who["token"]
        ),
    }


WRITES_B = _writes("b")


def _accept_b_invitation(w: World, who: dict, slug: str) -> requests.Response:
    # B's invitation, mailed to someone else: the token alone does not let A's people in.
    return w.api.post("/invitations/accept", {"token": w.b["invitation"]}, token=who["token"])


def _b_group_through_a(w: World, who: dict, slug: str) -> requests.Response:
    # B's group id under A's slug, where A's admin is an admin: the group is not found.
    return w.api.post(
        f"/cities/{w.a}/working-groups/{w.b['group']}/invitations",
        {"email": "quer@example.org", "organisation": "Quer e.V.", "kind": "foundation"},
        token=who["token"],
    )


WRITES_B["accept_invitation"] = _accept_b_invitation
WRITES_B["invite_through_a"] = _b_group_through_a


@pytest.mark.parametrize("actor", ["admin", "partner"])
@pytest.mark.parametrize("write", list(WRITES_B))
def test_people_of_city_a_cannot_write_to_city_b(world: World, actor: str, write: str) -> None:
    who = world.people[actor]
    response = WRITES_B[write](world, who, world.b["slug"])
    assert response.status_code in (403, 404), response.text
    assert snapshot(world) == world.b["snapshot"]


WRITES_ARCHIVED = _writes("b_archived")


@pytest.mark.parametrize("write", list(WRITES_ARCHIVED))
def test_admin_of_city_a_cannot_write_to_an_archived_city_b(world: World, write: str) -> None:
    response = WRITES_ARCHIVED[write](world, world.people["admin"], world.b_archived["slug"])
    assert response.status_code in (403, 404), response.text


@pytest.mark.parametrize("actor", ["admin", "partner"])
@pytest.mark.parametrize("read", ["transitions", "plugins", "plugins/audit"])
def test_admin_only_reads_of_city_b_are_forbidden(world: World, actor: str, read: str) -> None:
    response = world.api.get(f"/cities/{world.b['slug']}/{read}", token=world.token(actor))
    assert response.status_code == 403, response.text
    # The same reads of their own city answer (the 403 is about the tenant, not the read).
    assert world.api.get(f"/cities/{world.a}/{read}", token=world.token(actor)).status_code == 200


@pytest.mark.parametrize("actor", ["admin", "partner"])
def test_working_groups_of_city_b_show_no_members_to_people_of_city_a(
    world: World, actor: str
) -> None:
    slug, group, token = world.b["slug"], world.b["group"], world.token(actor)
    listed = world.api.get(f"/cities/{slug}/working-groups", token=token)
    assert listed.status_code == 200
    assert [g["id"] for g in listed.json()] == [group]
    assert all("members" not in g for g in listed.json())
    single = world.api.get(f"/cities/{slug}/working-groups/{group}", token=token)
    assert single.status_code == 200 and "members" not in single.json()
    # B's admin does see them: the group has someone to hide.
    own = world.api.get(f"/cities/{slug}/working-groups/{group}", token=world.b["admin"]["token"])
    assert [m["email"] for m in own.json()["members"]] == [f"invited-{slug}@example.org"]
    # B's group is not reachable under A's slug, where the actor does hold a role.
    assert (
        world.api.get(f"/cities/{world.a}/working-groups/{group}", token=token).status_code == 404
    )
