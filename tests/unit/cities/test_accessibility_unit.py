"""Pure rules of barrier reports and sign-language videos (services/cities/accessibility.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.cities.accessibility import (
    VIDEO_PART_BYTES,
    part_count,
    reference,
    reference_number,
    video_type,
)

VIDEOS = Path(__file__).parents[2] / "fixtures" / "video"


def test_reference_numbers_read_like_a_file_number() -> None:
    assert reference(2026, 123) == "BF-2026-000123"
    assert reference(2026, 1) == "BF-2026-000001"
    assert reference(2027, 1_234_567) == "BF-2027-1234567"  # more than a million still fits


def test_a_reference_is_read_back_and_anything_else_is_refused() -> None:
    assert reference_number("BF-2026-000123") == (2026, 123)
    for text in ("BF-2026-123", "bf-2026-000123", "BF-26-000123", "BF-2026-000123 ", "", None):
        assert reference_number(text) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("year, number", [(999, 1), (2026, 0), (2026, -5), (10000, 1)])
def test_impossible_references_are_not_made(year: int, number: int) -> None:
    with pytest.raises(ValueError):
        reference(year, number)


def test_the_video_type_comes_from_the_content() -> None:
    assert video_type((VIDEOS / "dgs-sample.webm").read_bytes()[:64]) == "video/webm"
    assert video_type((VIDEOS / "dgs-sample.mp4").read_bytes()[:64]) == "video/mp4"


@pytest.mark.parametrize(
    "head",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(56),  # a picture named .mp4
        b"<html><script>alert(1)</script></html>".ljust(64),
        b"\x00\x00\x00\x14ftypqt  " + bytes(52),  # QuickTime, not every browser plays it
        b"\x1a\x45\xdf\xa3" + b"\x42\x82\x88matroska".ljust(60),  # Matroska, not WebM
        b"",
        b"\x00\x00\x00\x14fty",
    ],
)
def test_other_files_are_no_video(head: bytes) -> None:
    assert video_type(head) is None


def test_a_file_is_sent_in_parts_of_half_a_megabyte() -> None:
    assert part_count(1) == 1
    assert part_count(VIDEO_PART_BYTES) == 1
    assert part_count(VIDEO_PART_BYTES + 1) == 2
    assert part_count(50 * 1024 * 1024) == 100
