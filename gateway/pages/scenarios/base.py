"""The scenario pages' blueprint and what they share: who may work in the workspace, the
rating scales, and the helpers that render a workspace page or act and show it again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.city_reads import city_of
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import form_int
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated

bp = Blueprint("pages_scenarios", __name__)

WORKSPACE_ROLES = ("facilitator", "working_group_member", "city_admin")
EDITORS = ("facilitator", "working_group_member")
INFLUENCE_SCALE = (0, 1, 2, 3)
CONSISTENCY_SCALE = (1, 2, 3, 4, 5)
ACTIVE_RUN = ("queued", "running")
REFRESH_SECONDS = 2

Page = Callable[..., tuple[str, int]]


@bp.app_template_filter("decimal")
def decimal(value: float, digits: int = 1) -> str:
    """A mean or an index as the reader's locale writes it ("1,5" in German, not "1.5")."""
    return format_decimal(value, format="0." + "0" * digits)


# ------------------------------------------------------------------ helpers
def _svg(text: str) -> Response:
    response = Response(text, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _require_workspace(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *WORKSPACE_ROLES):
        raise Forbidden()


def _roles(slug: str) -> dict[str, bool]:
    caller = current_caller()
    return {
        "is_facilitator": caller.has_role(slug, "facilitator"),
        "is_editor": caller.has_role(slug, *EDITORS),
        "is_admin": caller.has_role(slug, "city_admin"),
    }


def _project(slug: str) -> dict[str, Any] | None:
    try:
        return rpc("scenarios", "get_project", slug)
    except NotFound:
        return None


def _int_or_raw(raw: str) -> int | str | None:
    """A form value for the service: empty = not given, digits = a number, anything else is
    passed on as typed so the service names the field with the real reason."""
    raw = raw.strip()
    if raw == "":
        return None
    return form_int(raw)


def _act(call: Callable[[], Any], again: Callable[[DomainError], tuple[str, int]], target: str):
    """Run an action; on a refusal show the page again with the errors, else redirect."""
    try:
        call()
    except DomainError as exc:
        return again(exc)
    return redirect(target)


def _resolution_request() -> tuple[dict[str, str], dict[str, Any], str]:
    """A dispute's resolution form: as typed (shown again after an error), as the service's
    body (an empty choice is left out, so the service names the missing value), and the id
    of the form's section on the page."""
    form = {k: request.form.get(k, "") for k in ("a", "b", "value", "note")}
    body: dict[str, Any] = {"a": form["a"], "b": form["b"]}
    if (value := _int_or_raw(form["value"])) is not None:
        body["value"] = value
    if form["note"].strip():
        body["note"] = form["note"].strip()
    return form, body, f"pair-{form['a']}-{form['b']}"


def _resolution_fields(section: str) -> dict[str, tuple[str, str]]:
    """Field → (German label, input id) of a resolution form, for the error summary."""
    return {
        "value": (_("Festgelegter Wert"), f"{section}-value"),
        "note": (_("Notiz"), f"{section}-note"),
    }


def _settle_dispute(slug: str, method: str, page: Callable[..., Any], endpoint: str):
    """A facilitator settles one disputed cell of a rating matrix (influence, consistency or
    cross-impact alike): on a refusal its page again with the form as typed and each error
    at its field, else back to the disputes."""
    form, body, section = _resolution_request()
    return _act(
        lambda: rpc("scenarios", method, slug, body),
        lambda exc: page(
            slug,
            exc.status,
            form=form,
            errors=page_errors(exc),
            error_section=section,
            error_fields=_resolution_fields(section),
        ),
        url_for(endpoint, slug=slug, ok=1, _anchor="strittig"),
    )


def _saved() -> str | None:
    if request.args.get("zurueckgezogen"):  # a rater's matrix withdrawn (versions.py)
        return _(
            "Deine Bewertungen dieser Matrix sind zurückgezogen. Die Fassung bleibt aufbewahrt."
        )
    return _("Gespeichert.") if request.args.get("ok") else None


def _titles(projections: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Projection id → its title and its key factor's title (from ``list_projections``)."""
    return {
        p["id"]: {"title": p["title"], "factor": kf["title"]}
        for kf in projections["key_factors"]
        for p in kf["projections"]
    }


def _blocks(ids: list[str], factor_of: dict[str, str], titles: dict[str, dict[str, str]]):
    """The key-factor blocks of a projection matrix for its header and separators: each
    block's factor title and width, and the indices where a block starts."""
    blocks: list[dict[str, Any]] = []
    starts: set[int] = set()
    for i, pid in enumerate(ids):
        if i == 0 or factor_of.get(pid) != factor_of.get(ids[i - 1]):
            starts.add(i)
            blocks.append({"title": titles.get(pid, {}).get("factor", "–"), "size": 0})
        blocks[-1]["size"] += 1
    return {"blocks": blocks, "starts": starts}


def _snapshot_titles(snapshot: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        p["id"]: {"title": p["title"], "factor": kf["title"]}
        for kf in snapshot["key_factors"]
        for p in kf["projections"]
    }


def _matrix_from_form(n: int, skip: Callable[[int, int], bool]) -> list[list[Any]]:
    """Cells ``cell-i-j`` of the submitted form as rows (None: not judged or not rated)."""
    return [
        [
            None if skip(i, j) else _int_or_raw(request.form.get(f"cell-{i}-{j}", ""))
            for j in range(n)
        ]
        for i in range(n)
    ]


def _workspace(slug: str, template: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    city = city_of(slug)
    extra.setdefault("notice", _saved())
    return render(template, status, city=city, **_roles(slug), **extra)
