"""The upload check of sign-language videos: content, not name, decides; MediaInfo reads the
duration (gateway/sign_video.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gateway.sign_video import probe
from services.kit.errors import Invalid

VIDEOS = Path(__file__).parents[2] / "fixtures" / "video"


@pytest.mark.parametrize(
    "name, kind", [("dgs-sample.webm", "video/webm"), ("dgs-sample.mp4", "video/mp4")]
)
def test_a_real_video_gives_its_type_and_duration(name: str, kind: str) -> None:
    data = (VIDEOS / name).read_bytes()
    assert probe(io.BytesIO(data), len(data)) == (kind, 2000)


def test_a_file_that_only_starts_like_a_video_is_refused() -> None:
    # The first bytes of an MP4 and then nothing a player can read.
    fake = (VIDEOS / "dgs-sample.mp4").read_bytes()[:64] + b"no video here" * 50
    with pytest.raises(Invalid) as refused:
        probe(io.BytesIO(fake), len(fake))
    assert refused.value.fields == {"video": ["Not an MP4 or WebM video."]}


def test_a_text_file_is_refused_whatever_its_name() -> None:
    text = b"Das ist kein Video." * 10
    with pytest.raises(Invalid) as refused:
        probe(io.BytesIO(text), len(text))
    assert "video" in refused.value.fields


def test_an_empty_or_too_large_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Invalid) as empty:
        probe(io.BytesIO(b""), 0)
    assert empty.value.fields == {"video": ["Choose a video file."]}
    monkeypatch.setenv("STADTDIALOG_DGS_MAX_BYTES", "2000000")
    data = (VIDEOS / "dgs-sample.webm").read_bytes()
    with pytest.raises(Invalid) as large:
        probe(io.BytesIO(data), 3_000_000)
    assert large.value.fields == {"video": ["The video is larger than 2 MB."]}
