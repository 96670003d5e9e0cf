"""Pure rules of the accessibility feedback and the sign-language videos (no I/O, no nameko,
no mongoengine): the reference number of a barrier report, and what a video file must be.

Used by the cities service and by the gateway (which checks an upload before it sends it on).
"""

from __future__ import annotations

import re

# Reference numbers: "BF-2026-000123" (Barrierefreiheit, year, running number in the year).
REFERENCE_PREFIX = "BF"
REFERENCE_PATTERN = re.compile(r"^BF-(?P<year>\d{4})-(?P<number>\d{6,})$")
# Platform-wide reports and videos belong to no city; this name is not a valid city slug
# (slugs have no "_"), so it can never collide with a city.
PLATFORM = "_plattform"

VIDEO_TYPES = ("video/mp4", "video/webm")
# One RPC message carries at most one part (base64 in JSON: a third more on the wire).
VIDEO_PART_BYTES = 512 * 1024
DEFAULT_VIDEO_MAX_BYTES = 50 * 1024 * 1024


def reference(year: int, number: int) -> str:
    """The human-readable reference of the ``number``-th report of ``year``."""
    if not (1000 <= year <= 9999) or number < 1:
        raise ValueError("year must have four digits and number be positive")
    return f"{REFERENCE_PREFIX}-{year:04d}-{number:06d}"


def reference_number(text: str) -> tuple[int, int] | None:
    """``(year, number)`` of a reference, or None when ``text`` is not one."""
    match = REFERENCE_PATTERN.match(text) if isinstance(text, str) else None
    return (int(match["year"]), int(match["number"])) if match else None


def video_type(head: bytes) -> str | None:
    """The media type of a video file from its first bytes (at least 64), or None.

    MP4 (ISO base media) starts with a box whose type is ``ftyp``; WebM is an EBML document
    (magic ``1A 45 DF A3``) whose DocType is ``webm``. A file's name says nothing: these bytes
    are what a browser's player will read.
    """
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        # QuickTime's own brand is not MP4 for every browser's player.
        return None if brand == b"qt  " else "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        # DocType element (ID 0x4282) followed by its size and the text "webm".
        at = head.find(b"\x42\x82", 4, 64)
        if at != -1 and b"webm" in head[at + 2 : at + 8]:
            return "video/webm"
    return None


def part_count(size: int) -> int:
    """How many parts of ``VIDEO_PART_BYTES`` a file of ``size`` bytes is sent in."""
    return max(1, -(-size // VIDEO_PART_BYTES))
