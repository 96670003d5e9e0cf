"""Barrier reports ("Barriere melden", issue 16 item 3) against the real services: stored
under a unique reference number (also when many arrive at once), mailed to the city's contact
and to the reporter, listed and answered by the city's admins only, part of the reporter's
data export and forgotten with the account."""

from __future__ import annotations

import re
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cities_support import city_body, fresh_year

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
from personal_data_support import PASSWORD, _database_leaks, _person  # noqa: E402

from services.kit.testing import OPERATOR_EMAIL, wait_until

pytestmark = pytest.mark.integration
REFERENCE = re.compile(r"^BF-\d{4}-\d{6}$")


@pytest.fixture(scope="module")
def town(api, operator) -> dict:
    """A city with a contact address of its own, and its admin."""
    slug = f"stadt-{uuid.uuid4().hex[:8]}"
    contact = f"barrieren-{slug}@example.org"
    admin_email = f"admin-{slug}@example.org"
    body = city_body(slug, fresh_year(), admin_email)
    body["contact"] = {"name": "Beauftragte für Barrierefreiheit", "email": contact}
    made = api.post("/cities", body, token=operator["token"])
    assert made.status_code == 201, made.text
    invitation = api.mailed_token(admin_email)
    admin = api.verified_login_as(admin_email)
    assert api.post("/invitations/accept", {"token": invitation}, token=admin["token"]).ok
    return {"slug": slug, "contact": contact, "admin": admin}


def _report(api, **fields) -> dict:
    body = {
        "page": "/stadt/x/gespraeche",
        "description": "Der Knopf ist mit Tastatur unerreichbar.",
    }
    body.update(fields)
    response = api.post("/accessibility/reports", body)
    assert response.status_code == 201, response.text
    return response.json()


def _text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_report_gets_a_reference_and_reaches_the_contact_and_the_reporter(api, town) -> None:
    reporter = f"melder-{uuid.uuid4().hex[:8]}@example.org"
    hostile = 'Kein Fokus <script>alert(1)</script>\nzweite Zeile =HYPERLINK("x")'
    made = _report(api, city=town["slug"], email=reporter, description=hostile)
    assert REFERENCE.match(made["reference"])
    assert made["city"] == town["slug"]

    to_city = api.sink.wait_for(town["contact"])[-1]
    assert made["reference"] in to_city["Subject"]
    assert "\n" not in to_city["Subject"]
    body = _text(to_city)
    assert made["reference"] in body and hostile in body and reporter in body
    assert f"/barrierefreiheit/meldungen?stadt={town['slug']}" in body

    confirmation = api.sink.wait_for(reporter)[-1]
    assert made["reference"] in confirmation["Subject"]
    assert made["reference"] in _text(confirmation)


def test_references_stay_unique_when_many_reports_arrive_at_once(api, town) -> None:
    def one(index: int) -> str:
        return _report(api, city=town["slug"], description=f"Gleichzeitige Meldung Nummer {index}")[
            "reference"
        ]

    with ThreadPoolExecutor(max_workers=12) as pool:
        references = list(pool.map(one, range(24)))
    assert len(set(references)) == 24, references
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(numbers[0], numbers[0] + 24))  # no number lost or doubled


def test_a_report_is_refused_with_the_field_named(api, town) -> None:
    short = api.post("/accessibility/reports", {"page": "/", "description": "kurz"})
    assert short.status_code == 422
    assert "description" in short.json()["error"]["fields"]
    bad = api.post(
        "/accessibility/reports",
        {"page": "/", "description": "Eine ausreichend lange Beschreibung.", "email": "x@"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"]["email"]["de"] == ["Keine gültige E-Mail-Adresse."]
    unknown = api.post(
        "/accessibility/reports",
        {
            "city": "gibt-es-nicht",
            "page": "/",
            "description": "Eine ausreichend lange Beschreibung.",
        },
    )
    assert unknown.status_code == 404


def test_only_the_citys_admins_and_operators_list_and_answer(api, cities, town, operator) -> None:
    made = _report(api, city=town["slug"], email="antwort-bitte@example.org")
    path = f"/accessibility/reports?city={town['slug']}"
    listed = api.get(path, token=town["admin"]["token"])
    assert listed.status_code == 200, listed.text
    mine = next(r for r in listed.json() if r["reference"] == made["reference"])
    assert mine["email"] == "antwort-bitte@example.org" and mine["answered"] is False

    other_admin = cities.create()["admin"]
    citizen = api.verified_login()
    assert api.get(path).status_code == 401
    assert api.get(path, token=citizen["token"]).status_code == 403
    assert api.get(path, token=other_admin["token"]).status_code == 403
    answer = f"/accessibility/reports/{made['reference']}/answered"
    assert api.post(answer, {}, token=other_admin["token"]).status_code == 403
    assert api.post(answer, {}, token=citizen["token"]).status_code == 403

    done = api.post(answer, {"note": "Telefonisch beantwortet."}, token=town["admin"]["token"])
    assert done.status_code == 200, done.text
    assert done.json()["answered"] is True
    assert done.json()["answer_note"] == "Telefonisch beantwortet."
    again = api.get(path, token=operator["token"]).json()
    assert next(r for r in again if r["reference"] == made["reference"])["answered"] is True
    missing = api.post(
        "/accessibility/reports/BF-1999-000001/answered", {}, token=operator["token"]
    )
    assert missing.status_code == 404


def test_a_platform_wide_report_reaches_the_operator(api, operator, town) -> None:
    before = len([m for m in api.sink.messages if m["To"] == OPERATOR_EMAIL])
    made = _report(api, page="/")
    assert made["city"] is None
    mail = api.sink.wait_for(OPERATOR_EMAIL, count=before + 1)[-1]
    assert made["reference"] in mail["Subject"] and "Plattform" in mail["Subject"]
    listed = api.get("/accessibility/reports?city=plattform", token=operator["token"])
    assert made["reference"] in [r["reference"] for r in listed.json()]
    assert api.get("/accessibility/reports", token=town["admin"]["token"]).status_code == 422
    platform_list = api.get("/accessibility/reports?city=plattform", token=town["admin"]["token"])
    assert platform_list.status_code == 403


def test_the_reporters_export_holds_the_report_and_deletion_forgets_the_address(
    api, platform, town
) -> None:
    person = _person(api, "Melderin")
    response = api.post(
        "/accessibility/reports",
        {
            "city": town["slug"],
            "page": "/stadt/x",
            "description": "Die Karte hat keinen Text.",
            "email": person["email"],
        },
        token=person["token"],
    )
    assert response.status_code == 201, response.text
    reference = response.json()["reference"]

    export = api.get("/me/export", token=person["token"]).json()
    section = next(
        s for s in export["services"]["cities"]["sections"] if s["name"] == "barrier_reports"
    )
    assert [(i["id"], i["email"], i["city"]) for i in section["items"]] == [
        (reference, person["email"], town["slug"])
    ]
    assert section["fields"]["email"] == "E-Mail-Adresse für die Antwort"
    page = api.get("/me/export?format=html", token=person["token"])
    assert "Gemeldete Barrieren" in page.text and reference in page.text

    deleted = api.delete("/me", {"password": PASSWORD}, token=person["token"])
    assert deleted.status_code == 200, deleted.text
    reports = platform.infra.database("cities")["barrier_reports"]

    def forgotten() -> bool:
        kept = reports.find_one({"_id": reference})
        return kept is not None and "email" not in kept and "account_id" not in kept

    wait_until(forgotten, 30, "the deleted reporter's address removed from the report")
    assert [leak for leak in _database_leaks(platform, person) if "barrier" in leak] == []
