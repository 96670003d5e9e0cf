"""The scenario set for the council as one PDF (``gateway/scenario_set_report.py``): public once
a scenario is published; before that facilitators and city admins can already see what it will
look like (it then says that none is published yet)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Response

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.city_reads import city_of
from gateway.pages.scenarios.base import bp
from gateway.rpc import ServiceUnavailable
from gateway.scenario_set_report import to_pdf
from services.kit.errors import DomainError, NotFound

PREPARERS = ("facilitator", "city_admin")


def may_print(slug: str, published: list[dict]) -> bool:
    """Whether the caller gets the PDF (and sees its link on the scenarios pages)."""
    return bool(published) or current_caller().has_role(slug, *PREPARERS)


@bp.get("/stadt/<slug>/szenarien/szenarien.pdf")
def council_pdf(slug: str) -> Response:
    city = city_of(slug)
    published = [s for s in rpc("scenarios", "list_scenarios", slug) if s["status"] == "published"]
    if not may_print(slug, published):
        raise NotFound("Scenario not found.")
    map_svg: str | None = None
    if published:
        try:
            map_svg = rpc("scenarios", "published_map_svg", slug)
        except (ServiceUnavailable, DomainError):  # the document is whole without the map
            map_svg = None
    now = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin"))
    pdf = to_pdf(city["name"], published, map_svg, now.strftime("%d.%m.%Y, %H:%M Uhr"))
    response = Response(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="szenarien-{slug}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
