"""The city admin's page of the organisations acting in the city's name
(``/stadt/<slug>/verwaltung/organisationen``): a table of every organisation that supports or
helps ideas here, and per organisation its actions — confirm a self-named one, hide a bogus
one with a reason (its members are told by mail), show a hidden one again."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.dialogue.base import _city, bp
from gateway.pages.dialogue.districts import _require_admin
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import N_
from services.kit.errors import DomainError, NotFound

PAGE = "/stadt/<slug>/verwaltung/organisationen"
# What each button does: the form's ``act`` -> (RPC, whether it sends the reason).
ACTS = {
    "bestaetigen": ("confirm_organisation", False),
    "ausblenden": ("hide_organisation", True),
    "zeigen": ("show_organisation", False),
}
NOTICES = {
    "bestaetigen": N_("Die Organisation ist jetzt „von der Stadt bestätigt“."),
    "ausblenden": N_(
        "Die Organisation ist ausgeblendet; ihre Mitglieder sind per E-Mail informiert."
    ),
    "zeigen": N_("Die Organisation wird wieder gezeigt und zählt wieder."),
}


def _page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_admin(slug)
    return render(
        "organisations_admin.html",
        status,
        city=_city(slug),
        organisations=rpc("dialogue", "city_organisations", slug),
        **extra,
    )


@bp.get(PAGE)
def organisations_admin(slug: str) -> tuple[str, int]:
    done = request.args.get("ok", "")
    return _page(slug, notice=_(NOTICES[done]) if done in NOTICES else None)


@bp.post(f"{PAGE}/<key>")
def organisation_act(slug: str, key: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    act = request.form.get("act", "")
    if act not in ACTS:
        raise NotFound()
    method, with_reason = ACTS[act]
    args: list[Any] = [slug, key]
    if with_reason:
        args.append({"reason": request.form.get("reason", "")})
    try:
        rpc("dialogue", method, *args)
    except DomainError as exc:
        return _page(
            slug,
            exc.status,
            errors=page_errors(exc),
            error_key=key,
            reason=request.form.get("reason"),
        )
    return redirect(url_for(".organisations_admin", slug=slug, ok=act, _anchor="meldung"))
