"""Wo wird gesprochen? The district map of a city, and the city admin's GeoJSON upload.

The map is an SVG drawn on the server (``gateway.district_map``): each district a link to
the talk or idea list of that district, filled by its count, with a legend and the same
numbers as a table (what a screen reader reads). Only counts per district are shown, never
an address or a point.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.district_map import LABEL_COLOURS, build_map
from gateway.json_guard import MAX_DEPTH, nesting_depth
from gateway.pages.dialogue.base import _city, bp
from gateway.pages.rendering import page_errors, render
from services.cities.districts import MAX_BYTES
from services.kit.errors import DomainError, Forbidden, Invalid, Unauthenticated

MEASURES = ("gespraeche", "ideen")


def _link(slug: str, measure: str, row: dict[str, Any]) -> str:
    if measure == "ideen":
        return url_for(".ideas", slug=slug, district=row["name"])
    # The talk list shows the coming talks; a district with only past ones opens those.
    past = "1" if row["talks"] and not row["talks_upcoming"] else None
    return url_for(".talks", slug=slug, district=row["name"], past=past)


@bp.get("/stadt/<slug>/stadtteile")
def districts(slug: str) -> tuple[str, int]:
    city = _city(slug)
    measure = request.args.get("zeigen", MEASURES[0])
    measure = measure if measure in MEASURES else MEASURES[0]
    found = rpc("cities", "districts", slug)
    counts = rpc("dialogue", "district_counts", slug)
    rows = [row for row in counts["districts"] if found and row["name"] in found["names"]]
    key = "ideas" if measure == "ideen" else "talks"
    drawn = build_map(found["districts"], {r["name"]: r[key] for r in rows}) if found else None
    links = {row["name"]: _link(slug, measure, row) for row in rows}
    caller = current_caller()
    return render(
        "district_map.html",
        city=city,
        measure=measure,
        drawn=drawn,
        rows=rows,
        links=links,
        elsewhere=counts["elsewhere"],
        label_colours=LABEL_COLOURS,
        is_admin=caller.authenticated and caller.has_role(slug, "city_admin"),
    )


# ---------------------------------------------------------------- the admin's upload
def _require_admin(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, "city_admin"):
        raise Forbidden()


def _upload_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_admin(slug)
    return render(
        "district_upload.html",
        status,
        city=_city(slug),
        current=rpc("cities", "districts", slug, False),
        max_kb=MAX_BYTES // 1000,
        **extra,
    )


def _file_error(message: str) -> dict[str, Any]:
    return {"summary": _("Die Datei wurde nicht übernommen."), "fields": {"geojson": [message]}}


@bp.get("/stadt/<slug>/verwaltung/stadtteile")
def district_upload(slug: str) -> tuple[str, int]:
    notice = {
        "hochgeladen": _("Die Stadtteile sind gespeichert."),
        "entfernt": _("Die Stadtteile sind entfernt."),
    }.get(request.args.get("ok", ""))
    return _upload_page(slug, notice=notice)


@bp.post("/stadt/<slug>/verwaltung/stadtteile")
def district_upload_save(slug: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    if request.form.get("remove"):
        rpc("cities", "remove_districts", slug)
        return redirect(url_for(".district_upload", slug=slug, ok="entfernt"))
    upload = request.files.get("geojson")
    content = upload.read(MAX_BYTES + 1) if upload else b""
    if not content:
        return _upload_page(slug, 422, errors=_file_error(_("Bitte wähle eine GeoJSON-Datei.")))
    if len(content) > MAX_BYTES:
        message = _("Die Datei ist größer als %(kb)s kB.", kb=MAX_BYTES // 1000)
        return _upload_page(slug, 422, errors=_file_error(message))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None and nesting_depth(text) > MAX_DEPTH:  # json.loads: RecursionError, a 500
        message = _("Die Datei ist zu tief verschachtelt (höchstens %(limit)s Ebenen).",
                    limit=MAX_DEPTH)  # fmt: skip
        return _upload_page(slug, 422, errors=_file_error(message))
    try:
        if text is None:
            raise ValueError("not UTF-8")
        # The API's guarded reader: it names a lone surrogate (plain json.loads let it through).
        document = current_app.json.loads(text)
    except ValueError:
        message = _("Die Datei ist kein gültiges JSON (UTF-8).")
        return _upload_page(slug, 422, errors=_file_error(message))
    except Invalid as exc:  # a lone surrogate: the reason, German
        said = page_errors(exc)
        messages = [m for texts in said["fields"].values() for m in texts] or [said["summary"]]
        return _upload_page(slug, 422, errors=_file_error(messages[0]))
    try:
        rpc("cities", "put_districts", slug, document, upload.filename)
    except DomainError as exc:
        errors = page_errors(exc)
        errors["summary"] = _("Die Datei wurde nicht übernommen.")
        return _upload_page(slug, exc.status, errors=errors)
    return redirect(url_for(".district_upload", slug=slug, ok="hochgeladen"))
