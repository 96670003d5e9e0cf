"""Wo wird gesprochen? On a phone: a city admin uploads the districts (a broken file first,
explained in German naming the district), the map counts the talks per district, a district
opens its filtered talk list, and the numbers stand in a table too. axe-core, no raw keys,
nothing wider than 360 px on every page."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect
from test_dialogue_pages import _publish_topic

from services.kit.testing import wait_until

DEMO = Path(__file__).parents[2] / "gateway" / "demo" / "musterstadt_districts.geojson"
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")  # in_person, table_talk … never reach a reader


def _check(page: Page, folder: Path, name: str) -> None:
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    assert not RAW_KEY.findall(page.locator("main").inner_text()), page.url
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _table_talk_city(api, cities, platform) -> dict:
    made = cities.create()
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=token).ok
    for phase in ("scenarios", "transfer"):
        assert api.post(f"/cities/{slug}/phase", {"to": phase}, token=token).status_code == 200
    topic_id = f"topic-{uuid.uuid4().hex[:8]}"
    fact = {"topic_id": topic_id, "title": "Mobilität", "guiding_question": "Wie 2040?"}

    _publish_topic(api, platform, slug, fact)
    assert api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token).status_code == 200
    topic = wait_until(
        lambda: next(iter(api.get(f"/cities/{slug}/topics").json()), None), 90, "the topic"
    )
    return {"slug": slug, "admin": made["admin"], "topic_id": topic["id"]}


def _talk(api, slug: str, token: str, topic_id: str, district: str, days: int) -> None:
    starts = datetime.now(UTC) + timedelta(days=days)
    body = {"title": f"Gespräch in {district} {days}", "topic_id": topic_id,
            "format": "in_person", "address": "Lindenstraße 5", "district": district,
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 6}  # fmt: skip
    made = api.post(f"/cities/{slug}/talks", body, token=token)
    assert made.status_code == 201, made.text


def test_district_map_on_a_phone(phone: Page, api, cities, platform, tmp_path) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, admin, base = city["slug"], city["admin"], api.base

    # The admin uploads the districts on the phone; a broken file is explained first.
    phone.goto(f"{base}/anmelden")
    phone.get_by_label("E-Mail-Adresse").fill(admin["email"])
    phone.get_by_label("Passwort").fill(admin["password"])
    phone.get_by_role("button", name="Anmelden").click()
    expect(phone.get_by_text("Du bist angemeldet.")).to_be_visible()
    phone.goto(f"{base}/stadt/{slug}/verwaltung")
    phone.get_by_role("link", name="Stadtteile (Karte)").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Stadtteile von")
    document = json.loads(DEMO.read_text("utf-8"))
    broken = json.loads(json.dumps(document))
    broken["features"][1]["geometry"] = {"type": "Point", "coordinates": [9.1, 48.7]}
    upload = phone.get_by_label("GeoJSON-Datei der Stadtteile")
    upload.set_input_files(
        {
            "name": "kaputt.geojson",
            "mimeType": "application/geo+json",
            "buffer": json.dumps(broken).encode(),
        }  # fmt: skip
    )
    phone.get_by_role("button", name="Stadtteile speichern").click()
    expect(phone.locator("#geojson-error")).to_contain_text(
        "Stadtteil 2 (Nord): Die Geometrie muss ein Polygon oder MultiPolygon sein."
    )
    _check(phone, tmp_path, "01-upload-error")
    upload = phone.get_by_label("GeoJSON-Datei der Stadtteile")
    upload.set_input_files(
        {
            "name": "stadtteile.geojson",
            "mimeType": "application/geo+json",
            "buffer": DEMO.read_bytes(),
        }  # fmt: skip
    )
    phone.get_by_role("button", name="Stadtteile speichern").click()
    expect(phone.get_by_text("Die Stadtteile sind gespeichert.")).to_be_visible()
    expect(phone.get_by_role("listitem").filter(has_text="Am Mühlbach")).to_be_visible()
    _check(phone, tmp_path, "02-upload-done")

    # Talks in two districts, once the dialogue service knows the districts.
    host = api.verified_login()
    starts = datetime.now(UTC) + timedelta(days=2)
    unknown = {"title": "Im Nirgendwo", "topic_id": city["topic_id"], "format": "in_person",
               "address": "Weg 1", "district": "Mondstadt", "starts_at": starts.isoformat(),
               "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 4}  # fmt: skip
    wait_until(
        lambda: api.post(f"/cities/{slug}/talks", unknown, token=host["token"]).status_code == 422,
        30,
        "the districts known to the dialogue service",
    )
    for days, district in ((3, "Altstadt"), (4, "Altstadt"), (5, "Süd")):
        _talk(api, slug, host["token"], city["topic_id"], district, days)

    # The city page leads to the map; the map counts the talks per district.
    phone.goto(f"{base}/stadt/{slug}")
    phone.get_by_role("link", name="Wo wird gesprochen? Die Karte der Stadtteile").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wo wird gesprochen?")
    old_town = phone.get_by_role("link", name="Altstadt: 2 Tischgespräche").first
    expect(old_town).to_be_visible()
    expect(phone.get_by_role("link", name="Süd: 1 Tischgespräche").first).to_be_visible()
    table = phone.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("^Altstadt 2 0"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Nord 0 0"))).to_be_visible()
    _check(phone, tmp_path, "03-map")

    # A district on the map opens the talk list of that district.
    phone.locator("svg a").filter(has=phone.locator("title", has_text="Altstadt:")).click()
    expect(phone).to_have_url(re.compile(r"/tischgespraeche\?district=Altstadt"))
    expect(phone.get_by_role("heading", name="Gefundene Gespräche: 2")).to_be_visible()
    expect(phone.get_by_label(re.compile("^Stadtteil"))).to_have_value("Altstadt")
    _check(phone, tmp_path, "04-filtered-talks")

    # The ideas view of the map and its (empty) filtered list.
    phone.goto(f"{base}/stadt/{slug}/stadtteile?zeigen=ideen")
    expect(phone.get_by_role("link", name="Altstadt: 0 Ideen").first).to_be_visible()
    _check(phone, tmp_path, "05-map-ideas")
