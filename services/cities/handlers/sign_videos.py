"""Sign-language (DGS) videos: one per city and one for the platform, uploaded by an operator.

A video arrives in parts (``put_sign_video_part``, each at most ``VIDEO_PART_BYTES``, so that
no RPC message is large) and becomes the shown one with ``publish_sign_video``, which checks
that every part is there, that they add up to the size and that the first bytes are an MP4 or
WebM video; the one shown before is deleted with its parts. The gateway reads a range of the
file part by part (``sign_video_part``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from services.cities.accessibility import PLATFORM, VIDEO_PART_BYTES, part_count, video_type
from services.cities.handlers.base import CitiesBase, _iso
from services.cities.models import SignVideo, SignVideoPart
from services.cities.schemas import SignVideoPartSchema, SignVideoPublishSchema
from services.kit.errors import Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


def _part_id(video_id: str, index: int) -> str:
    return f"{video_id}:{index:05d}"


def _video_view(video: SignVideo) -> dict[str, Any]:
    return {
        "id": video.id,
        "city": None if video.city == PLATFORM else video.city,
        "content_type": video.content_type,
        "filename": video.filename,
        "size": video.size,
        "duration_ms": video.duration_ms,
        "parts": video.parts,
        "part_bytes": VIDEO_PART_BYTES,
        "uploaded_at": _iso(video.uploaded_at),
    }


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, {field: [message]})


class SignVideoHandlers(CitiesBase):
    def _video_scope(self, scope: str) -> str:
        """``PLATFORM`` or the slug of an existing city (NotFound otherwise)."""
        return PLATFORM if scope == PLATFORM else self._city(scope).id

    @rpc
    def put_sign_video_part(self, scope: str, data: dict) -> dict[str, Any]:
        """Store one part of an upload (operators). Storing it again replaces it: safe to
        repeat."""
        self.caller.require_operator()
        city = self._video_scope(scope)
        values = load(SignVideoPartSchema(), data)
        try:
            content = base64.b64decode(values["data"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _invalid("data", "Not valid base64.") from exc
        if not content or len(content) > VIDEO_PART_BYTES:
            raise _invalid("data", "The part is too large.")
        part = SignVideoPart(id=_part_id(values["upload"], values["index"]), city=city)
        part.data = content
        part.save()
        return {"upload": values["upload"], "index": values["index"], "size": len(content)}

    @rpc
    def publish_sign_video(self, scope: str, data: dict) -> dict[str, Any]:
        """Make an uploaded video the shown one of the city (or the platform)."""
        self.caller.require_operator()
        city = self._video_scope(scope)
        values = load(SignVideoPublishSchema(), data)
        upload, size = values["upload"], values["size"]
        total, first = 0, b""
        for index in range(part_count(size)):
            part = SignVideoPart.objects(id=_part_id(upload, index), city=city).first()
            if part is None:
                raise _invalid("upload", "A part of the video is missing.")
            total += len(part.data)
            first = first or bytes(part.data[:64])
        if total != size:
            raise _invalid("size", "The parts do not add up to the size.")
        if video_type(first) != values["content_type"]:
            raise _invalid("content_type", "Not an MP4 or WebM video.")
        earlier = list(SignVideo.objects(city=city, current=True))
        video = SignVideo.objects(id=upload).first() or SignVideo(id=upload)
        video.city = city
        video.content_type = values["content_type"]
        video.filename = values["filename"]
        video.size, video.duration_ms = size, values["duration_ms"]
        video.parts = part_count(size)
        video.current = True
        video.uploaded_by = self.caller.user_id
        video.save()
        for old in earlier:
            if old.id != video.id:
                self._delete_video(old)
        self._video_changed(city)
        return _video_view(video)

    @rpc
    def sign_video(self, scope: str) -> dict[str, Any] | None:
        """The shown video of a city (or the platform), or None: public."""
        city = self._video_scope(scope)
        video = SignVideo.objects(city=city, current=True).order_by("-uploaded_at").first()
        return _video_view(video) if video else None

    @rpc
    def sign_video_part(self, video_id: str, index: int) -> str:
        """One part of a shown video as base64: public (the gateway streams it)."""
        if not isinstance(video_id, str) or not isinstance(index, int) or index < 0:
            raise NotFound("Video not found.")
        part = SignVideoPart.objects(id=_part_id(video_id, index)).first()
        if part is None or not SignVideo.objects(id=video_id, current=True).first():
            raise NotFound("Video not found.")
        return base64.b64encode(bytes(part.data)).decode("ascii")

    @rpc
    def remove_sign_video(self, scope: str) -> dict[str, int]:
        """Take the city's (or the platform's) video down (operators)."""
        self.caller.require_operator()
        city = self._video_scope(scope)
        removed = 0
        for video in SignVideo.objects(city=city):
            self._delete_video(video)
            removed += 1
        self._video_changed(city)
        return {"removed": removed}

    def _delete_video(self, video: SignVideo) -> None:
        # The parts by their ids (FerretDB finds only _id without a scan).
        for index in range(video.parts or 0):
            SignVideoPart.objects(id=_part_id(video.id, index)).delete()
        video.delete()

    def _video_changed(self, city: str) -> None:
        if city != PLATFORM:
            self._changed(self._city(city))  # the cached city page shows the video
