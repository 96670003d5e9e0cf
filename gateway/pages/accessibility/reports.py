"""'Barriere melden': the feedback form of the accessibility statement (anyone), its
confirmation with the reference number, and the list of reports for city admins and operators.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Response, redirect, request, url_for

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.accessibility.base import bp, city_names
from gateway.pages.rendering import page_errors, render
from services.cities.accessibility import PLATFORM, reference_number
from services.kit.errors import DomainError, Forbidden, Unauthenticated

PAGE_MAX = 500


def _referring_page() -> str:
    """The page the person came from: ``?seite=`` (the footer link sets it), else the Referer
    of this platform. Only a path is kept: nothing of another site is put into the form."""
    wanted = request.args.get("seite", "")
    if not wanted:
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc and referrer.netloc != request.host:
            return ""
        wanted = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if not wanted.startswith("/") or wanted.startswith("//"):
        return ""
    return wanted[:PAGE_MAX]


def _form_page(form: dict[str, str], status: int = 200, **extra: Any) -> tuple[str, int]:
    return render("barrier_report.html", status, form=form, cities=city_names(), **extra)


@bp.get("/barrierefreiheit/melden")
def report() -> tuple[str, int]:
    cities = city_names()
    city = request.args.get("stadt", "")
    form = {"city": city if city in cities else "", "page": _referring_page()}
    return render("barrier_report.html", 200, form=form, cities=cities)


@bp.post("/barrierefreiheit/melden")
def send_report() -> tuple[str, int] | Response:
    form = {k: request.form.get(k, "") for k in ("city", "page", "description", "email")}
    body: dict[str, Any] = {
        "city": form["city"] or None,
        "page": form["page"].strip(),
        "description": form["description"],
        "email": form["email"].strip() or None,
    }
    try:
        made = rpc("cities", "report_barrier", body, uuid.uuid4().hex)
    except DomainError as exc:
        return _form_page(form, exc.status, errors=page_errors(exc))
    mailed = "1" if made["email"] else "0"
    return redirect(url_for("pages_a11y.report_sent", nr=made["reference"], mail=mailed))


@bp.get("/barrierefreiheit/melden/danke")
def report_sent() -> tuple[str, int]:
    number = request.args.get("nr", "")
    if reference_number(number) is None:
        return render("barrier_report_done.html", 404, reference=None)
    return render(
        "barrier_report_done.html", 200, reference=number, mailed=request.args.get("mail") == "1"
    )


def _admin_cities() -> list[str]:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    return sorted(slug for slug, roles in caller.roles.items() if "city_admin" in roles)


def _list_page(scope: str | None, status: int = 200, **extra: Any) -> tuple[str, int]:
    caller = current_caller()
    own = _admin_cities()
    if scope is None and not caller.operator:
        if not own:
            raise Forbidden()
        scope = own[0]  # an admin sees their (first) city's reports
    reports = rpc("cities", "list_barrier_reports", scope)
    names = city_names()
    choices = {slug: names.get(slug, slug) for slug in (names if caller.operator else own)}
    return render(
        "barrier_reports.html",
        status,
        reports=reports,
        scope=scope,
        choices=choices,
        operator=caller.operator,
        names=names,
        **extra,
    )


def _scope_of(value: str) -> str | None:
    return PLATFORM if value == "plattform" else (value or None)


@bp.get("/barrierefreiheit/meldungen")
def reports() -> tuple[str, int]:
    notice = request.args.get("ok") and "answered"
    return _list_page(_scope_of(request.args.get("stadt", "")), answered_notice=notice)


@bp.post("/barrierefreiheit/meldungen/<reference>/beantwortet")
def answer(reference: str) -> tuple[str, int] | Response:
    scope = request.form.get("stadt", "")
    note = request.form.get("note", "").strip()
    try:
        rpc("cities", "answer_barrier_report", reference, {"note": note or None})
    except DomainError as exc:
        return _list_page(_scope_of(scope), exc.status, errors=page_errors(exc))
    return redirect(
        url_for("pages_a11y.reports", stadt=scope or None, ok=1, _anchor=f"meldung-{reference}")
    )
