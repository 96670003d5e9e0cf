"""The host documents a talk: the form is rendered from the JSON schema the dialogue service
serves (with the fields the city's plugins add); save a draft or submit."""

from __future__ import annotations

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.dialogue.base import _city, _labels, _lang, bp
from gateway.pages.dialogue.forms import (
    errors_for,
    page_fields,
    values_from_form,
)
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError, Forbidden


# ---------------------------------------------------------------- documentation
def _questions(slug: str, topic_id: str | None) -> list[str]:
    if not topic_id:
        return []
    topic = next((t for t in rpc("dialogue", "list_topics", slug) if t["id"] == topic_id), None)
    return list(topic["guiding_questions"]) if topic else []


@bp.route("/stadt/<slug>/tischgespraeche/<talk_id>/dokumentation", methods=["GET", "POST"])
def document(slug: str, talk_id: str) -> tuple[str, int] | Response:
    talk = rpc("dialogue", "get_talk", slug, talk_id)
    if not talk["is_host"]:
        raise Forbidden("Only the host may do this.")
    schema = rpc("dialogue", "documentation_form", slug, talk["kind"])["schema"]
    status, errors, notice = 200, None, None
    if request.method == "POST":
        values = values_from_form(schema, request.form)
        try:
            if request.form.get("action") == "entwurf":
                rpc("dialogue", "save_draft", slug, talk_id, values)
                notice = _("Entwurf gespeichert.")
            else:
                rpc("dialogue", "submit_documentation", slug, talk_id, values)
                return redirect(
                    url_for(
                        ".talk", slug=slug, talk_id=talk_id, ok="dokumentiert", _anchor="meldung"
                    )
                )
        except DomainError as exc:
            status, errors = exc.status, page_errors(exc)
    else:
        saved = rpc("dialogue", "documentation", slug, talk_id)
        values = ((saved["submitted"] or saved["draft"]) or {}).get("values") or {}
    fields = page_fields(
        schema, values, _lang(), _labels(), questions=_questions(slug, talk["topic_id"])
    )
    return render(
        "talk_documentation.html",
        status,
        city=_city(slug),
        talk=talk,
        fields=fields,
        errors=errors,
        notice=notice,
        errors_for=errors_for,
    )
