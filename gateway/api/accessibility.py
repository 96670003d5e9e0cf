"""``/api/v1/accessibility``: barrier reports and sign-language (DGS) videos."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, request

from gateway import sign_video
from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.auth import current_caller
from services.cities.accessibility import PLATFORM
from services.cities.schemas import BarrierAnswerSchema, BarrierReportSchema
from services.kit.errors import Forbidden, Invalid, NotFound, Unauthenticated

bp = Blueprint("api_accessibility", __name__, url_prefix="/api/v1/accessibility")
TAG = "accessibility"
# A city's slug, or "plattform" for the platform's own video.
SCOPE = "/sign-videos/<scope>"
PLATFORM_SCOPE = "plattform"


def require_operator() -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.operator:
        raise Forbidden("Only operators may do this.")


def video_scope(scope: str) -> str:
    return PLATFORM if scope == PLATFORM_SCOPE else scope


@bp.post("/reports")
@documented(
    "Report a barrier (anyone; the city's contact and, with an e-mail, the reporter are mailed)",
    TAG,
    body=BarrierReportSchema,
    status=201,
    errors=(404, 409, 422, 429),
)
def report_barrier() -> Response:
    return json_response(rpc("cities", "report_barrier", json_body(), uuid.uuid4().hex), 201)


@bp.get("/reports")
@documented(
    "List barrier reports: ?city=<slug> (its admins), ?city=plattform or none (operators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def list_reports() -> Response:
    city = request.args.get("city") or None
    return json_response(rpc("cities", "list_barrier_reports", video_scope(city) if city else None))


@bp.post("/reports/<reference>/answered")
@documented(
    "Mark a barrier report answered (the city's admins, operators)",
    TAG,
    body=BarrierAnswerSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def answer_report(reference: str) -> Response:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise Invalid("The request body must be a JSON object.")
    return json_response(rpc("cities", "answer_barrier_report", reference, body))


@bp.get(SCOPE)
@documented(
    "The sign-language video of a city (or 'plattform'): size, duration", TAG, errors=(404,)
)
def get_video(scope: str) -> Response:
    video = rpc("cities", "sign_video", video_scope(scope))
    if video is None:
        raise NotFound("No sign-language video yet.")
    return json_response(video)


@bp.put(SCOPE)
@documented(
    "Upload the sign-language video of a city or 'plattform' (operators): the body is the "
    "MP4 or WebM file itself",
    TAG,
    auth=True,
    errors=(401, 403, 404, 413, 422),
)
def put_video(scope: str) -> Response:
    require_operator()  # before the body is read: nobody else sends 50 MB here
    body, size = sign_video.spooled_body()
    with body:
        filename = request.args.get("filename", "")
        return json_response(sign_video.upload(video_scope(scope), body, filename, size))


@bp.delete(SCOPE)
@documented("Take a sign-language video down (operators)", TAG, auth=True, errors=(401, 403, 404))
def delete_video(scope: str) -> Response:
    return json_response(rpc("cities", "remove_sign_video", video_scope(scope)))


@bp.get(f"{SCOPE}/file")
@documented("The video file (HTTP ranges supported; ?download=1 as attachment)", TAG, errors=(404,))
def video_file(scope: str) -> Response:
    video = rpc("cities", "sign_video", video_scope(scope))
    if video is None:
        raise NotFound("No sign-language video yet.")
    return sign_video.serve(video, download=request.args.get("download") == "1")
