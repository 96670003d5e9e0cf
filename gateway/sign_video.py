"""Sign-language videos in the gateway: check an upload by its content, send it to the cities
service in parts, and serve it back with HTTP ranges (the browser's player seeks with them).

The type is read from the file's first bytes (``services.cities.accessibility.video_type``)
and confirmed, with the duration, by MediaInfo (``pymediainfo``: its wheel carries the
library, no system package needed): the container must be MPEG-4 or WebM and hold a video
track. The size limit is ``STADTDIALOG_DGS_MAX_BYTES`` (default 50 MB).
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from typing import IO, Any

from flask import Flask, Response, request, stream_with_context
from pymediainfo import MediaInfo

from gateway.api.common import rpc
from services.cities.accessibility import (
    DEFAULT_VIDEO_MAX_BYTES,
    VIDEO_PART_BYTES,
    video_type,
)
from services.kit.errors import Invalid

# What MediaInfo calls the containers a browser plays, by the type the first bytes gave.
CONTAINERS = {"video/mp4": "MPEG-4", "video/webm": "WebM"}
NOT_A_VIDEO = "Not an MP4 or WebM video."
TOO_LARGE = "The video is larger than {limit} MB."
NO_FILE = "Choose a video file."
# A ranged answer carries at most this much: the player asks again for the rest.
RANGE_CHUNK = 4 * VIDEO_PART_BYTES


# The routes that take a video: they may carry more than the app's 1 MB limit.
UPLOAD_ENDPOINTS = {"api_accessibility.put_video", "pages_a11y.sign_video_upload"}


def install(app: Flask) -> None:
    """Raise the body limit for the upload routes only. Installed before the CSRF check,
    which reads the form (and so the body) of every page POST first."""

    @app.before_request
    def allow_video_uploads() -> None:
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = max_bytes() + 64 * 1024  # the form's other fields


def spooled_body() -> tuple[IO[bytes], int]:
    """The raw request body (an API upload) as a seekable file, and its size."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    shutil.copyfileobj(request.stream, spool)
    return spool, spool.tell()


def max_bytes() -> int:
    raw = os.environ.get("STADTDIALOG_DGS_MAX_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_VIDEO_MAX_BYTES


def _field_error(message: str, **values: Any) -> Invalid:
    return Invalid(message.format(**values), {"video": [message.format(**values)]})


def probe(stream: IO[bytes], size: int) -> tuple[str, int]:
    """``(content type, duration in ms)`` of an uploaded file, or ``Invalid`` naming "video"."""
    if size <= 0:
        raise _field_error(NO_FILE)
    if size > max_bytes():
        raise _field_error(TOO_LARGE, limit=max_bytes() // (1000 * 1000))
    stream.seek(0)
    kind = video_type(stream.read(64))
    if kind is None:
        raise _field_error(NOT_A_VIDEO)
    stream.seek(0)
    try:
        info = MediaInfo.parse(stream)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a video we play"
        raise _field_error(NOT_A_VIDEO) from exc
    general = info.general_tracks[0] if info.general_tracks else None
    if general is None or general.format != CONTAINERS[kind] or not info.video_tracks:
        raise _field_error(NOT_A_VIDEO)
    duration = general.duration or info.video_tracks[0].duration or 0
    return kind, int(float(duration))


def upload(scope: str, stream: IO[bytes], filename: str, size: int) -> dict[str, Any]:
    """Check ``stream`` and send it to the cities service in parts; the published video."""
    kind, duration_ms = probe(stream, size)
    upload_id = uuid.uuid4().hex
    stream.seek(0)
    index = 0
    while chunk := stream.read(VIDEO_PART_BYTES):
        data = base64.b64encode(chunk).decode("ascii")
        part = {"upload": upload_id, "index": index, "data": data}
        rpc("cities", "put_sign_video_part", scope, part)
        index += 1
    name = os.path.basename(filename or "").strip()[:200] or f"gebaerdensprache.{kind[6:]}"
    return rpc(
        "cities",
        "publish_sign_video",
        scope,
        {
            "upload": upload_id,
            "content_type": kind,
            "filename": name,
            "size": size,
            "duration_ms": duration_ms,
        },
    )


def _parts(video: dict[str, Any], start: int, end: int) -> Iterator[bytes]:
    """The bytes ``start``..``end`` (inclusive) of a video, read part by part."""
    part_bytes = video["part_bytes"]
    for index in range(start // part_bytes, end // part_bytes + 1):
        data = base64.b64decode(rpc("cities", "sign_video_part", video["id"], index))
        offset = index * part_bytes
        yield data[max(start - offset, 0) : end - offset + 1]


def serve(video: dict[str, Any], download: bool) -> Response:
    """The video, whole or the asked range (206), as a browser's ``<video>`` wants it."""
    size = video["size"]
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "public, max-age=300",
        "ETag": f'"{video["id"]}"',
    }
    if download:
        # The stored name is the uploader's; quote nothing from it into the header unescaped.
        ascii_name = "".join(c for c in video["filename"] if c.isalnum() or c in "._-")
        headers["Content-Disposition"] = f'attachment; filename="{ascii_name or "video"}"'
    wanted = request.range.range_for_length(size) if request.range else None
    if wanted is None:
        # Streamed part by part: a whole video never sits in the gateway's memory.
        headers["Content-Length"] = str(size)
        body = stream_with_context(_parts(video, 0, size - 1))
        return Response(body, 200, headers=headers, content_type=video["content_type"])
    start, stop = wanted[0], min(wanted[1], wanted[0] + RANGE_CHUNK)
    headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    body = b"".join(_parts(video, start, stop - 1))
    return Response(body, 206, headers=headers, content_type=video["content_type"])
