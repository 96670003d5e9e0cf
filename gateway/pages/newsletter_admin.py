"""A city admin's newsletter pages: the list of issues, writing and editing a draft (Markdown),
its preview (the page as the archive will show it, and a test mail to oneself), and sending
it after a confirmation that names how many addresses will receive it. The service sends in
batches through its mail outbox (``services/cities/handlers/newsletter_sending.py``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.city_admin import _require_admin
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError

bp = Blueprint("pages_newsletter_admin", __name__)
BASE = "/stadt/<slug>/verwaltung/newsletter"


def _city(slug: str) -> dict[str, Any]:
    _require_admin(slug)
    return rpc("cities", "get_city", slug)


@bp.get(BASE)
def issues(slug: str) -> tuple[str, int]:
    city = _city(slug)
    return render(
        "newsletter_admin.html",
        city=city,
        issues=rpc("cities", "newsletter_issues", slug),
        recipients=rpc("cities", "newsletter_recipients", slug)["recipients"],
        notice=request.args.get("ok") and _("Die Ausgabe wird jetzt verschickt."),
    )


def _editor(
    slug: str, issue: dict[str, Any] | None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    return render("newsletter_edit.html", status, city=_city(slug), issue=issue, **extra)


@bp.route(f"{BASE}/neu", methods=["GET", "POST"])
def new(slug: str) -> tuple[str, int] | Response:
    if request.method == "POST":
        return _save(slug, None)
    return _editor(slug, None, form={})


@bp.route(f"{BASE}/<issue_id>", methods=["GET", "POST"])
def edit(slug: str, issue_id: str) -> tuple[str, int] | Response:
    if request.method == "POST":
        return _save(slug, issue_id)
    _require_admin(slug)
    issue = rpc("cities", "newsletter_issue", slug, issue_id)
    if issue["status"] != "draft":
        return redirect(url_for("pages_newsletter.issue", slug=slug, issue_id=issue_id))
    return _editor(slug, issue, form=issue)


def _save(slug: str, issue_id: str | None) -> tuple[str, int] | Response:
    _require_admin(slug)
    form = {"title": request.form.get("title", ""), "body": request.form.get("body", "")}
    try:
        saved = rpc("cities", "newsletter_save_issue", slug, form, issue_id)
    except DomainError as exc:
        issue = {"id": issue_id} if issue_id else None
        return _editor(slug, issue, exc.status, errors=page_errors(exc), form=form)
    return redirect(url_for(".preview", slug=slug, issue_id=saved["id"]))


def _preview(slug: str, issue_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    city = _city(slug)
    return render(
        "newsletter_preview.html",
        status,
        city=city,
        issue=rpc("cities", "newsletter_issue", slug, issue_id),
        recipients=rpc("cities", "newsletter_recipients", slug)["recipients"],
        **extra,
    )


@bp.get(f"{BASE}/<issue_id>/vorschau")
def preview(slug: str, issue_id: str) -> tuple[str, int]:
    return _preview(slug, issue_id)


@bp.post(f"{BASE}/<issue_id>/testmail")
def test_mail(slug: str, issue_id: str) -> tuple[str, int]:
    _require_admin(slug)
    try:
        sent = rpc("cities", "newsletter_test_mail", slug, issue_id)
    except DomainError as exc:
        return _preview(slug, issue_id, exc.status, errors=page_errors(exc))
    notice = _("Testmail an %(email)s geschickt.", email=sent["sent_to"])
    return _preview(slug, issue_id, notice=notice)


@bp.route(f"{BASE}/<issue_id>/senden", methods=["GET", "POST"])
def send(slug: str, issue_id: str) -> tuple[str, int] | Response:
    if request.method == "POST":
        _require_admin(slug)
        count = request.form.get("recipients", "")
        try:
            rpc("cities", "newsletter_send", slug, issue_id, {"recipients": count})
        except DomainError as exc:
            return _preview(slug, issue_id, exc.status, errors=page_errors(exc), confirm=True)
        return redirect(url_for(".issues", slug=slug, ok=1))
    return _preview(slug, issue_id, confirm=True)
