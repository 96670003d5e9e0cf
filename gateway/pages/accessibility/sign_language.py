"""Sign-language (DGS) videos on pages: ``/gebaerdensprache`` (the platform's video and the
cities'), the section on each city page, the files themselves, and the operator's upload."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import format_decimal

from gateway import sign_video
from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.accessibility.base import bp, city_names
from gateway.pages.city import city_section
from gateway.pages.rendering import page_errors, render
from services.cities.accessibility import PLATFORM
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated


def described(video: dict[str, Any] | None) -> dict[str, Any] | None:
    """The video's view with its size in MB and its duration as minutes and seconds."""
    if video is None:
        return None
    seconds = round(video["duration_ms"] / 1000)
    return {
        **video,
        # Under a megabyte in kB: "0,0 MB" would say nothing.
        "megabytes": format_decimal(video["size"] / 1_000_000, format="#,##0.0")
        if video["size"] >= 1_000_000
        else None,
        "kilobytes": format_decimal(max(1, round(video["size"] / 1000)), format="#,##0"),
        "minutes": seconds // 60,
        "seconds": f"{seconds % 60:02d}",
        "iso_duration": f"PT{seconds}S",
    }


@city_section("city_sign_video.html")
def city_video(city: dict[str, Any]) -> dict[str, Any]:
    return {"video": described(rpc("cities", "sign_video", city["slug"])), "slug": city["slug"]}


@bp.get("/gebaerdensprache")
def sign_language() -> tuple[str, int]:
    video = described(rpc("cities", "sign_video", PLATFORM))
    return render("sign_language.html", 200, video=video, cities=city_names())


def _file(scope: str) -> Response:
    video = rpc("cities", "sign_video", scope)
    if video is None:
        raise NotFound("No sign-language video yet.")
    return sign_video.serve(video, download=request.args.get("download") == "1")


@bp.get("/gebaerdensprache/video")
def platform_file() -> Response:
    return _file(PLATFORM)


@bp.get("/stadt/<slug>/gebaerdensprache/video")
def city_file(slug: str) -> Response:
    return _file(slug)


def _require_operator() -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.operator:
        raise Forbidden("Only operators may do this.")


def _admin_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_operator()
    names = city_names()
    videos = {"plattform": described(rpc("cities", "sign_video", PLATFORM))}
    for slug in names:
        videos[slug] = described(rpc("cities", "sign_video", slug))
    return render(
        "sign_video_admin.html",
        status,
        names=names,
        videos=videos,
        limit_mb=sign_video.max_bytes() // 1_000_000,
        **extra,
    )


@bp.get("/gebaerdensprache/verwaltung")
def sign_video_admin() -> tuple[str, int]:
    return _admin_page(notice=request.args.get("ok") and "saved")


def _scope(value: str) -> str:
    return PLATFORM if value in ("", "plattform") else value


@bp.post("/gebaerdensprache/verwaltung")
def sign_video_upload() -> tuple[str, int] | Response:
    _require_operator()
    target = request.form.get("scope", "plattform")
    try:
        if request.form.get("remove"):
            rpc("cities", "remove_sign_video", _scope(target))
        else:
            file = request.files.get("video")
            stream = file.stream if file else None
            size = 0
            if stream is not None:
                stream.seek(0, 2)
                size = stream.tell()
            sign_video.upload(_scope(target), stream, file.filename if file else "", size)
    except DomainError as exc:
        return _admin_page(exc.status, errors=page_errors(exc), target=target)
    return redirect(url_for("pages_a11y.sign_video_admin", ok=1))
