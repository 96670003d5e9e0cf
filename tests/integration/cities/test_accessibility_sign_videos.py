"""Sign-language (DGS) videos against the real services (issue 16 item 4): an operator
uploads through the API, the file is checked by its content, stored in parts in the cities
database and served back whole and in ranges; the city page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from services.kit.testing import wait_until

pytestmark = pytest.mark.integration
VIDEOS = Path(__file__).parents[2] / "fixtures" / "video"


def _put(api, scope: str, data: bytes, token: str | None, name: str = "dgs.webm"):
    headers = {"Content-Type": "application/octet-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.put(
        api.url(f"/accessibility/sign-videos/{scope}?filename={name}"),
        data=data,
        headers=headers,
        timeout=60,
    )


def test_an_operator_uploads_a_city_video_that_is_served_whole_and_in_ranges(
    api, cities, operator
) -> None:
    made = cities.create()
    slug = made["slug"]
    assert api.get(f"/accessibility/sign-videos/{slug}").status_code == 404
    page = requests.get(f"{api.base}/stadt/{slug}", timeout=30).text
    assert "noch kein Video in Deutscher Gebärdensprache" in page

    # Trailing bytes make it span three parts of 512 KiB: ranges cross part borders.
    data = (VIDEOS / "dgs-sample.webm").read_bytes() + bytes(range(256)) * 4500
    assert len(data) > 2 * 512 * 1024
    stored = _put(api, slug, data, operator["token"])
    assert stored.status_code == 200, stored.text
    video = stored.json()
    assert (video["content_type"], video["size"], video["duration_ms"]) == (
        "video/webm",
        len(data),
        2000,
    )
    assert api.get(f"/accessibility/sign-videos/{slug}").json()["id"] == video["id"]

    whole = requests.get(api.url(f"/accessibility/sign-videos/{slug}/file"), timeout=30)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["Content-Type"] == "video/webm"
    border = 512 * 1024
    ranged = requests.get(
        f"{api.base}/stadt/{slug}/gebaerdensprache/video",
        headers={"Range": f"bytes={border - 10}-{border + 9}"},
        timeout=30,
    )
    assert ranged.status_code == 206
    assert ranged.content == data[border - 10 : border + 10]
    assert ranged.headers["Content-Range"] == f"bytes {border - 10}-{border + 9}/{len(data)}"
    download = requests.get(
        f"{api.base}/stadt/{slug}/gebaerdensprache/video?download=1", timeout=30
    )
    assert download.headers["Content-Disposition"] == 'attachment; filename="dgs.webm"'

    def shown() -> bool:
        text = requests.get(f"{api.base}/stadt/{slug}", timeout=30).text
        return f"/stadt/{slug}/gebaerdensprache/video" in text

    wait_until(shown, 30, "the city page shows the video")

    # A new video replaces the old one, whose parts are gone.
    mp4 = (VIDEOS / "dgs-sample.mp4").read_bytes()
    replaced = _put(api, slug, mp4, operator["token"], "neu.mp4")
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["content_type"] == "video/mp4"
    old_part = api.get(f"/accessibility/sign-videos/{slug}").json()
    assert old_part["id"] != video["id"]
    assert (
        requests.get(api.url(f"/accessibility/sign-videos/{slug}/file"), timeout=30).content == mp4
    )


def test_only_operators_upload_and_only_videos_are_taken(api, cities, operator) -> None:
    made = cities.create()
    data = (VIDEOS / "dgs-sample.webm").read_bytes()
    assert _put(api, made["slug"], data, None).status_code == 401
    assert _put(api, made["slug"], data, made["admin"]["token"]).status_code == 403
    renamed = _put(api, made["slug"], b"<html>kein Video</html>" * 20, operator["token"], "x.mp4")
    assert renamed.status_code == 422
    assert renamed.json()["error"]["fields"]["video"]["de"] == [
        "Kein Video im Format MP4 oder WebM."
    ]
    assert _put(api, "gibt-es-nicht", data, operator["token"]).status_code == 404


def test_the_platform_video_is_shown_on_the_sign_language_page(api, operator) -> None:
    data = (VIDEOS / "dgs-sample.webm").read_bytes()
    assert _put(api, "plattform", data, operator["token"]).status_code == 200
    page = requests.get(f"{api.base}/gebaerdensprache", timeout=30)
    assert page.status_code == 200
    assert "/gebaerdensprache/video" in page.text and "0:02 Minuten" in page.text
    assert requests.get(f"{api.base}/gebaerdensprache/video", timeout=30).content == data
