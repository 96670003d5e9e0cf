"""Project ideas: the list, one idea's page, proposing one (form from the service's JSON
schema), and supporting, helping with or reporting an idea."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import _city, _labels, _lang, _sign_in_first, bp
from gateway.pages.dialogue.comments import comments_of
from gateway.pages.dialogue.forms import (
    errors_for,
    page_fields,
    values_from_form,
)
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import N_
from services.kit.errors import DomainError, NotFound


# ---------------------------------------------------------------- project ideas
@bp.get("/stadt/<slug>/ideen")
def ideas(slug: str) -> tuple[str, int]:
    return render("idea_list.html", city=_city(slug), ideas=rpc("dialogue", "list_ideas", slug))


IDEA_NOTICES = {
    "vorgeschlagen": N_("Danke! Deine Idee ist veröffentlicht."),
    "unterstuetzt": N_("Danke für Deine Unterstützung!"),
    "zurueckgezogen": N_("Gespeichert."),
    "mitmachen": N_("Schön, dass Du mitmachst! Die Stadt meldet sich, wenn es losgeht."),
    "gemeldet": N_("Danke, die Moderation schaut sich das an."),
}


def _idea_page(slug: str, idea_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    idea = rpc("dialogue", "get_idea", slug, idea_id)
    schema = rpc("dialogue", "idea_form", slug)["schema"]
    known = {"title", "description", "category", "needs", "talk_id", "district"}
    extras = [
        (label_for(schema, name), value)
        for name, value in idea["extra"].items()
        if name not in known and value not in (None, "", [])
    ]
    notice = IDEA_NOTICES.get(request.args.get("ok", ""))
    notice = _(notice) if notice else None
    return render(
        "idea_detail.html",
        status,
        city=_city(slug),
        idea=idea,
        extras=extras,
        notice=notice,
        comments=comments_of(slug, "idea", idea_id),
        **extra,
    )


def label_for(schema: dict[str, Any], name: str) -> str:
    prop = (schema.get("properties") or {}).get(name) or {}
    return (prop.get("x-title-en") if _lang() == "en" else None) or prop.get("title") or name


@bp.get("/stadt/<slug>/ideen/<idea_id>")
def idea(slug: str, idea_id: str) -> tuple[str, int]:
    return _idea_page(slug, idea_id)


@bp.route("/stadt/<slug>/ideen/neu", methods=["GET", "POST"])
def propose(slug: str) -> tuple[str, int] | Response:
    if not current_caller().authenticated:
        return _sign_in_first(_("Um eine Idee vorzuschlagen, melde Dich bitte an."))
    schema = rpc("dialogue", "idea_form", slug)["schema"]
    talk_id = request.values.get("talk_id", "").strip()
    status, errors, values = 200, None, {}
    if request.method == "POST":
        values = values_from_form(schema, request.form)
        try:
            made = rpc("dialogue", "propose_idea", slug, values)
        except DomainError as exc:
            status, errors = exc.status, page_errors(exc)
        else:
            return redirect(
                url_for(
                    ".idea", slug=slug, idea_id=made["id"], ok="vorgeschlagen", _anchor="meldung"
                )
            )
    fields = page_fields(schema, values, _lang(), _labels(), hidden={"talk_id": talk_id})
    return render(
        "idea_form.html",
        status,
        city=_city(slug),
        fields=fields,
        errors=errors,
        errors_for=errors_for,
        from_talk=bool(talk_id),
    )


def _idea_action(slug: str, idea_id: str, ok: str, call: Any) -> Any:
    try:
        call()
    except DomainError as exc:
        return _idea_page(slug, idea_id, exc.status, errors=page_errors(exc))
    return redirect(url_for(".idea", slug=slug, idea_id=idea_id, ok=ok, _anchor="meldung"))


@bp.post("/stadt/<slug>/ideen/<idea_id>/<kind>")
def back_idea(slug: str, idea_id: str, kind: str) -> Any:
    """``unterstuetzen`` (support) or ``mitmachen`` (help); ``withdraw`` takes it back."""
    if not current_caller().authenticated:
        return _sign_in_first(
            _("Um Ideen zu unterstützen, melde Dich bitte an."),
            url_for(".idea", slug=slug, idea_id=idea_id),
        )
    if kind == "melden":
        body = {"reason": request.form.get("reason", "").strip()}
        return _idea_action(
            slug,
            idea_id,
            "gemeldet",
            lambda: rpc("dialogue", "report", slug, "idea", idea_id, body),
        )
    which = {"unterstuetzen": "support", "mitmachen": "helper"}.get(kind)
    if which is None:
        raise NotFound()
    if request.form.get("withdraw"):
        method, ok = "withdraw_support", "zurueckgezogen"
    else:
        method, ok = "support_idea", "unterstuetzt" if which == "support" else "mitmachen"
    return _idea_action(slug, idea_id, ok, lambda: rpc("dialogue", method, slug, idea_id, which))
