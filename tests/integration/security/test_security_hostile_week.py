"""A security tester's pass over the week's new features (issues 18 and 20), against one
running platform: district GeoJSON upload, project file import (XLSX/ZIP), newsletter tokens
and admin pages, search, notifications and follows, the organisations page. Each hostile
input answers a 4xx with a German reason (never a 500, never markup run, never a header
added); ids of another city or person are not found; non-admins are refused."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
import requests
from bson import ObjectId

pytestmark = pytest.mark.integration

NOT_FOUND_OR_REFUSED = (403, 404)


def _page_session(api, person: dict | None) -> tuple[requests.Session, str]:
    """A browser-like session (signed in as ``person`` unless None) and its CSRF token."""
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    if person is None:
        return session, token
    signed_in = session.post(
        f"{api.base}/anmelden",
        data={"email": person["email"], "password": person["password"], "csrf_token": token},
        timeout=30,
    )
    assert signed_in.status_code == 200, signed_in.text[:300]
    return session, re.search(r'name="csrf_token" value="([^"]+)"', signed_in.text).group(1)


@pytest.fixture(scope="module")
def town(cities) -> dict:
    return cities.create()


@pytest.fixture(scope="module")
def other_town(cities) -> dict:
    return cities.create()


@pytest.fixture(scope="module")
def admin_page(api, town) -> tuple[requests.Session, str]:
    return _page_session(api, town["admin"])


# ---------------------------------------------------------------- district GeoJSON upload
def _upload(api, session_token, slug: str, content: bytes, filename: str = "bezirke.geojson"):
    """The form as a browser posts it, written by hand: requests would percent-encode a line
    break in the file name, a hostile client sends it raw."""
    session, token = session_token
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="geojson"; '
        f'filename="{filename}"\r\nContent-Type: application/geo+json\r\n\r\n'
    ).encode("utf-8", "surrogatepass")
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return session.post(
        f"{api.base}/stadt/{slug}/verwaltung/stadtteile",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=60,
    )


def _square(name: str) -> dict:
    ring = [[9.0, 48.0], [9.01, 48.0], [9.01, 48.01], [9.0, 48.01], [9.0, 48.0]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _collection(*features: dict) -> bytes:
    import json

    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.mark.parametrize("depth", [2_000, 200_000])
def test_deeply_nested_geojson_on_the_upload_page_is_a_german_422(
    api, town, admin_page, depth: int
) -> None:
    """Python's json parser recursed into ``[[[[…`` and raised RecursionError: a 500."""
    content = b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"
    response = _upload(api, admin_page, town["slug"], content)
    assert response.status_code == 422, response.text[:300]
    assert "Die Datei ist zu tief verschachtelt (höchstens 64 Ebenen)." in response.text


@pytest.mark.parametrize(
    ("name", "german"),
    [
        ("Altstadt\\r\\nBcc: x@example.org", "Stadtteil 1: Der Name enthält unerlaubte"),
        ("Altstadt\\u0000", "Stadtteil 1: Der Name enthält unerlaubte Zeichen"),
        ("Altstadt \\u202e", "Stadtteil 1: Der Name enthält unerlaubte Zeichen"),
        ("Altstadt \\ud800", "ungültiges Zeichen (ein einzelnes Surrogat)"),
        ("A" * 100_000, "Stadtteil 1: Der Name ist länger als 80 Zeichen."),
    ],
)
def test_hostile_district_names_are_refused_by_name(
    api, town, admin_page, name: str, german: str
) -> None:
    content = _collection(_square("Neustadt")).replace(b"Neustadt", name.encode())
    response = _upload(api, admin_page, town["slug"], content)
    assert response.status_code == 422, response.text[:300]
    assert german in response.text, response.text[-2000:]
    assert api.get(f"/cities/{town['slug']}/districts").json() is None  # nothing stored


def test_markup_in_a_district_name_and_the_file_name_is_shown_as_text(
    api, town, admin_page
) -> None:
    name = "<script>alert(1)</script>"
    response = _upload(
        api, admin_page, town["slug"], _collection(_square(name)), filename="<b>x</b>.json"
    )
    assert response.status_code == 200, response.text[:300]
    shown = requests.get(f"{api.base}/stadt/{town['slug']}/stadtteile", timeout=30)
    assert shown.status_code == 200
    assert "<script>alert(1)" not in shown.text and "&lt;script&gt;" in shown.text
    upload_page = admin_page[0].get(
        f"{api.base}/stadt/{town['slug']}/verwaltung/stadtteile", timeout=30
    )
    assert "<b>x</b>" not in upload_page.text
    # A raw line break in the file name: the form part is not read as a file at all.
    broken = _upload(api, admin_page, town["slug"], _collection(_square("Mitte")), "a\r.json")
    assert broken.status_code == 422 and "Bitte wähle eine GeoJSON-Datei." in broken.text
    # A file name with NUL, ESC or a direction override is not kept (it was, and the public
    # API handed it out); the upload itself is fine. A plain name is kept.
    for hostile in ("bezirke\x00.json", "nosj.\u202eexe.json", "a\x1b[31m.json"):
        sent = _upload(api, admin_page, town["slug"], _collection(_square("Mitte")), hostile)
        assert sent.status_code == 200, (hostile, re.findall(r"<li>([^<]*)</li>", sent.text)[:3])
        assert api.get(f"/cities/{town['slug']}/districts").json()["filename"] is None, hostile
    _upload(api, admin_page, town["slug"], _collection(_square("Mitte")), filename="<i>a</i>.json")
    assert api.get(f"/cities/{town['slug']}/districts").json()["filename"] == "<i>a</i>.json"


def test_districts_of_a_city_are_changed_only_by_its_admins(
    api, town, other_town, admin_page
) -> None:
    foreign = _upload(api, admin_page, other_town["slug"], _collection(_square("Nord")))
    assert foreign.status_code in NOT_FOUND_OR_REFUSED, foreign.status_code
    anonymous = _page_session(api, None)
    assert _upload(api, anonymous, town["slug"], _collection(_square("Süd"))).status_code == 401
    citizen = _page_session(api, api.verified_login())
    refused = _upload(api, citizen, town["slug"], _collection(_square("Süd")))
    assert refused.status_code in NOT_FOUND_OR_REFUSED
    by_api = api.put(
        f"/cities/{other_town['slug']}/districts",
        {"type": "FeatureCollection", "features": [_square("Ost")]},
        token=town["admin"]["token"],
    )
    assert by_api.status_code in NOT_FOUND_OR_REFUSED, by_api.text


# ---------------------------------------------------------------- project file import
@pytest.fixture(scope="module")
def workshop(api, cities, town) -> tuple[requests.Session, str]:
    """The town's project, and its facilitator's page session."""
    slug, admin = town["slug"], town["admin"]
    made = api.post(f"/cities/{slug}/scenarios/project", {"title": "Zukunft"}, token=admin["token"])
    assert made.status_code == 201, made.text
    return _page_session(api, cities.person_with_role(slug, "facilitator", admin))


def _zip(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (k, (b"&lol%d;" % (k - 1) if k > 1 else b"&lol;") * 10)
        for k in range(1, 10)
    )
    + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    + b"<sheets><sheet name='&lol9;' sheetId='1'/></sheets></workbook>"
)
TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheets><sheet name='&ext;' sheetId='1'/></sheets></workbook>"
)


@pytest.mark.parametrize(
    ("upload", "german"),
    [
        (_zip(("Projekt.csv", b"\0" * (21 * 1024 * 1024))), "zu groß für ein Projekt"),
        (
            _zip(("../../../tmp/Projekt.csv", b"Titel;x\n"), ("/etc/Faktoren.csv", b"a\n")),
            "Das Blatt „Einflussfaktoren“ fehlt.",
        ),
        (_zip(("[Content_Types].xml", TYPES), ("xl/workbook.xml", LAUGHS)), "lässt sich weder"),
        (_zip(("[Content_Types].xml", TYPES), ("xl/workbook.xml", EXTERNAL)), "lässt sich weder"),
        (b"PK\x03\x04" + b"kaputt" * 100, "lässt sich weder"),
        (b'=HYPERLINK("http://evil.example")', "keine XLSX-Arbeitsmappe"),
    ],
    ids=["bomb", "traversal", "billion-laughs", "external-entity", "broken", "not-a-zip"],
)
def test_hostile_project_files_are_refused_in_german(
    api, town, workshop, upload: bytes, german: str
) -> None:
    session, token = workshop
    response = session.post(
        f"{api.base}/stadt/{town['slug']}/szenarien/werkstatt/projekt/import",
        data={"csrf_token": token},
        files={"datei": ("../../projekt.xlsx", upload)},
        timeout=120,
        allow_redirects=False,
    )
    assert response.status_code in (413, 422), response.text[:300]
    if response.status_code == 422:
        assert german in response.text, response.text[-3000:]
        assert "root:" not in response.text


# ---------------------------------------------------------------- newsletter
@pytest.mark.parametrize(
    "token",
    ["", "gefälscht", "a" * 100_000, "abc\x00def", "abc\r\nX-Evil: 1", "\u202eabc"],
    ids=["empty", "forged", "100kB", "nul", "crlf", "rtl"],
)
def test_hostile_newsletter_tokens_answer_4xx(api, token: str) -> None:
    for path in ("/newsletter/confirm", "/newsletter/unsubscribe"):
        answer = api.post(path, {"token": token})
        assert answer.status_code == 422, (path, answer.status_code, answer.text[:300])
        assert answer.json()["error"]["message"]["de"]
    page = requests.post(
        f"{api.base}/newsletter/bestaetigen", data={"token": token, "csrf_token": "x"}, timeout=30
    )
    assert page.status_code == 400  # the confirmation page's form needs its CSRF token
    one_click = requests.post(
        f"{api.base}/mail/abbestellen",
        params={"token": token},
        data={"List-Unsubscribe": "One-Click"},
        timeout=30,
    )
    assert one_click.status_code in (400, 414, 422), one_click.status_code
    if one_click.status_code != 414:
        assert "Abbestellen nicht möglich" in one_click.text
    shown = requests.get(f"{api.base}/newsletter/bestaetigen", params={"token": token}, timeout=30)
    assert shown.status_code in (200, 414) and "X-Evil" not in shown.headers


def test_subscribing_reveals_nothing_about_an_address(api, town) -> None:
    slug, email = town["slug"], f"leser-{uuid.uuid4().hex[:8]}@example.org"
    first = api.post(f"/cities/{slug}/newsletter/subscriptions", {"email": email})
    again = api.post(f"/cities/{slug}/newsletter/subscriptions", {"email": email})
    fresh = api.post(
        f"/cities/{slug}/newsletter/subscriptions", {"email": f"x{uuid.uuid4().hex[:6]}@ex.org"}
    )
    assert first.status_code == again.status_code == fresh.status_code == 202
    assert first.json() == again.json() == fresh.json()
    header = api.post(
        f"/cities/{slug}/newsletter/subscriptions", {"email": "a@example.org\r\nBcc: b@ex.org"}
    )
    assert header.status_code == 422 and "email" in header.json()["error"]["fields"]


def test_newsletter_admin_routes_refuse_others_and_other_cities(
    api, town, other_town, admin_page
) -> None:
    slug, admin = town["slug"], town["admin"]
    draft = api.post(
        f"/cities/{slug}/newsletter/issues",
        {
            "title": "Juni",
            "body": "<script>alert(1)</script> **fett** [klick](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> [data](data:text/html;base64,PHNjcmlwdD4=)',
        },
        token=admin["token"],
    )
    assert draft.status_code == 201, draft.text
    issue_id = draft.json()["id"]
    citizen = api.verified_login()
    foreign_admin = other_town["admin"]
    for who in (None, citizen, foreign_admin):
        token = who["token"] if who else None
        for method, path, body in (
            ("get", f"/cities/{slug}/newsletter/issues", None),
            ("put", f"/cities/{slug}/newsletter/issues/{issue_id}", {"title": "X", "body": "Y"}),
            ("post", f"/cities/{slug}/newsletter/issues/{issue_id}/test-mail", None),
            ("post", f"/cities/{slug}/newsletter/issues/{issue_id}/send", {"recipients": 0}),
            ("get", f"/cities/{slug}/newsletter/recipients", None),
        ):
            call = getattr(api, method)
            answer = call(path, body, token=token) if body is not None else call(path, token=token)
            assert answer.status_code in (401, 403, 404), (method, path, answer.status_code)
    # A draft is not shown to anyone but the city's admins, and not under another city.
    assert api.get(f"/cities/{slug}/newsletter/issues/{issue_id}").status_code == 404
    other = api.get(
        f"/cities/{other_town['slug']}/newsletter/issues/{issue_id}", token=foreign_admin["token"]
    )
    assert other.status_code == 404
    # The preview shows the markup as text; a title with a line break is refused by name.
    session, csrf = admin_page
    preview = session.get(f"{api.base}/stadt/{slug}/verwaltung/newsletter/{issue_id}/vorschau")
    assert preview.status_code == 200 and "<script>alert(1)" not in preview.text
    assert 'href="javascript:' not in preview.text and "<img src=" not in preview.text
    assert 'href="data:' not in preview.text and "<strong>fett</strong>" in preview.text
    refused = session.post(
        f"{api.base}/stadt/{slug}/verwaltung/newsletter/{issue_id}",
        data={"csrf_token": csrf, "title": "Juni\r\nBcc: x@example.org", "body": "Text"},
        timeout=30,
    )
    assert refused.status_code == 422 and "Darf keine Zeilenumbrüche enthalten." in refused.text


# ---------------------------------------------------------------- search, follows, notifications
@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", "a" * 100_000, "\x00\r\n", "%ED%A0%80", "\u202eabc", "(.*)*$"],
    ids=["markup", "100kB", "controls", "surrogate-bytes", "rtl", "regex"],
)
def test_hostile_search_queries_answer_without_a_500(api, town, query: str) -> None:
    slug = town["slug"]
    raw = query if query.startswith("%") else requests.utils.quote(query)
    page = requests.get(f"{api.base}/stadt/{slug}/suche?q={raw}", timeout=30)
    assert page.status_code in (200, 414), page.status_code
    assert "<script>alert(1)" not in page.text
    answer = requests.get(f"{api.url(f'/cities/{slug}/search')}?q={raw}", timeout=30)
    assert answer.status_code in (200, 414, 422), (answer.status_code, answer.text[:300])
    foreign = requests.get(f"{api.base}/stadt/nirgendwo-{uuid.uuid4().hex[:6]}/suche?q=a")
    assert foreign.status_code == 404


def test_notifications_and_follows_of_others_are_not_found(api, town) -> None:
    anna = api.verified_login()
    for bad in (str(ObjectId()), "x" * 5_000, "..%2F..%2Fadmin", "%00"):
        answer = api.post(f"/me/notifications/{bad}/read", token=anna["token"])
        assert answer.status_code in (404, 414), (bad, answer.status_code)
    assert api.post(f"/me/notifications/{ObjectId()}/read").status_code == 401
    assert api.get("/me/notifications").status_code == 401
    for kind, target in (("idea", str(ObjectId())), ("admin", "x"), ("talk", "y" * 3_000)):
        answer = api.put(f"/me/follows/{town['slug']}/{kind}/{target}", token=anna["token"])
        assert answer.status_code in (404, 422), (kind, answer.status_code, answer.text[:200])
    nowhere = api.put(f"/me/follows/nirgendwo-{uuid.uuid4().hex[:6]}", token=anna["token"])
    assert nowhere.status_code == 404, nowhere.text


def test_a_nul_in_a_page_path_or_the_follow_form_is_not_found(api, town, admin_page) -> None:
    session, csrf = admin_page
    for path in ("/stadt/{slug}/newsletter/a%00b", "/stadt/{slug}/themen/a%00b", "/stadt/a%00b"):
        page = session.get(f"{api.base}{path.format(slug=town['slug'])}", timeout=30)
        assert page.status_code == 404 and "Nicht gefunden" in page.text, path
    follow = session.post(
        f"{api.base}/stadt/{town['slug']}/folgen",
        data={"csrf_token": csrf, "target_kind": "topic", "target_id": "a\x00b", "on": "1"},
        timeout=30,
        allow_redirects=False,
    )
    assert follow.status_code == 404 and "Nicht gefunden" in follow.text


def test_organisations_page_is_the_city_admins_only(api, town, other_town, admin_page) -> None:
    session, csrf = admin_page
    foreign = session.post(
        f"{api.base}/stadt/{other_town['slug']}/verwaltung/organisationen/x",
        data={"csrf_token": csrf, "act": "bestaetigen"},
        timeout=30,
    )
    assert foreign.status_code in NOT_FOUND_OR_REFUSED
    unknown = session.post(
        f"{api.base}/stadt/{town['slug']}/verwaltung/organisationen/{'x' * 3000}",
        data={"csrf_token": csrf, "act": "ausblenden", "reason": "Spam\x00"},
        timeout=30,
    )
    assert unknown.status_code in (404, 422), unknown.status_code
    citizen_session, citizen_csrf = _page_session(api, api.verified_login())
    refused = citizen_session.post(
        f"{api.base}/stadt/{town['slug']}/verwaltung/organisationen/x",
        data={"csrf_token": citizen_csrf, "act": "bestaetigen"},
        timeout=30,
    )
    assert refused.status_code in NOT_FOUND_OR_REFUSED
    api_call = api.post(
        f"/cities/{other_town['slug']}/organisations/x/confirm", token=town["admin"]["token"]
    )
    assert api_call.status_code in NOT_FOUND_OR_REFUSED


@pytest.mark.parametrize("bad", ["a%00b", "%EF%BF%BF", "a%E2%80%AEb", "x" * 3000])
def test_hostile_ids_in_the_new_routes_are_not_found(api, town, bad: str) -> None:
    """A NUL reached a query as it was (Postgres under FerretDB refused it: a false 503)."""
    slug, token = town["slug"], town["admin"]["token"]
    for method, path in (
        ("get", f"/cities/{slug}/comments/idea/{bad}"),
        ("post", f"/cities/{slug}/comments/idea/{bad}"),
        ("patch", f"/cities/{slug}/comments/{bad}"),
        ("post", f"/cities/{slug}/comments/{bad}/report"),
        ("post", f"/cities/{slug}/comments/{bad}/hide"),
        ("get", f"/me/follows/{slug}/topic/{bad}"),
        ("put", f"/me/follows/{slug}/topic/{bad}"),
        ("delete", f"/me/follows/{slug}/idea/{bad}"),
        ("put", f"/me/follows/{bad}"),
        ("get", f"/cities/{slug}/newsletter/issues/{bad}"),
        ("put", f"/cities/{slug}/newsletter/issues/{bad}"),
        ("post", f"/cities/{slug}/newsletter/issues/{bad}/send"),
        ("post", f"/cities/{slug}/organisations/{bad}/confirm"),
        ("get", f"/cities/{bad}/newsletter/archive"),
        ("get", f"/cities/{bad}/search?q=a"),
    ):
        body = {"body": "Hallo", "reason": "Spam", "title": "T", "recipients": 0}
        if "newsletter/issues" in path and method == "put":
            body = {"title": "T", "body": "B"}
        elif "/send" in path:
            body = {"recipients": 0}
        elif "/report" in path or "/hide" in path:
            body = {"reason": "Spam"}
        elif method in ("post", "patch") and "comments" in path:
            body = {"body": "Hallo"}
        answer = requests.request(
            method.upper(),
            api.url(path),
            json=body if method in ("post", "put", "patch") else None,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        if method == "get" and "/me/follows/" in path and "%00" not in bad:
            assert answer.status_code == 200 and answer.json() == {"following": False}
            continue  # whether I follow: no for anything unknown (only a NUL is no id)
        assert answer.status_code in (400, 404, 409, 414, 422), (
            method,
            path[:80],
            answer.status_code,
            answer.text[:200],
        )


@pytest.mark.parametrize("bad", ["a%00b", "%ED%A0%80", "x" * 5000])
def test_hostile_query_values_in_the_new_pages_answer_without_a_5xx(api, town, bad) -> None:
    slug = town["slug"]
    for path in (
        f"/stadt/{slug}/ideen?district={bad}",
        f"/stadt/{slug}/tischgespraeche?district={bad}&topic={bad}&date={bad}",
        f"/stadt/{slug}/stadtteile?zeigen={bad}",
        f"/stadt/{slug}/suche?q={bad}&art={bad}&stand={bad}",
        f"/api/v1/cities/{slug}/ideas?district={bad}",
        f"/api/v1/cities/{slug}/search?q={bad}&kind={bad}&status={bad}",
        f"/api/v1/me/notifications?page={bad}&per_page={bad}",
        f"/mail/abbestellen?token={bad}",
        f"/newsletter/bestaetigen?token={bad}",
    ):
        headers = {"Authorization": f"Bearer {town['admin']['token']}"}
        answer = requests.get(f"{api.base}{path}", headers=headers, timeout=30)
        assert answer.status_code < 500, (path[:90], answer.status_code, answer.text[:200])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key_factor_count", "99999999999999999999999"),
        ("key_factor_count", "３"),
        ("influence_threshold", "<script>alert(1)</script>"),
        ("aggregation", "min\x00"),
        ("title", "Zukunft\r\nBcc: x@example.org"),
        ("description", "x" * 100_000),
    ],
)
def test_hostile_project_settings_are_refused_by_field(
    api, town, other_town, workshop, field: str, value: str
) -> None:
    session, csrf = workshop
    form = {"title": "Zukunft", "description": "", "influence_threshold": "median",
            "rank_by": "micmac", "key_factor_count": "4", "aggregation": "min"}  # fmt: skip
    url = "{base}/stadt/{slug}/szenarien/werkstatt/projekt/einstellungen"
    answer = session.post(
        url.format(base=api.base, slug=town["slug"]),
        data={**form, field: value, "csrf_token": csrf, "bestaetigt": "1"},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 422, (field, answer.status_code)
    assert "<script>alert(1)" not in answer.text
    project = api.get(f"/cities/{town['slug']}/scenarios/project", token=town["admin"]["token"])
    assert project.json()["title"] == "Zukunft"
    foreign = session.post(
        url.format(base=api.base, slug=other_town["slug"]),
        data={**form, "csrf_token": csrf},
        timeout=30,
        allow_redirects=False,
    )
    assert foreign.status_code in NOT_FOUND_OR_REFUSED


def test_newsletter_links_used_twice_late_or_after_unsubscribing(api, town) -> None:
    """A confirmation link works twice with the same answer; an expired one is refused in
    German; after unsubscribing (twice: the same answer) the confirmation link finds
    nothing and nothing is sent to the address again."""
    import time
    from unittest import mock

    from services.cities.newsletter import CONFIRM_TTL
    from services.kit.config import load_settings
    from services.kit.mail_choices import newsletter_unsubscribe_link, unsubscribe_tokens
    from services.kit.tokens import SignedTokens

    slug, email = town["slug"], f"leserin-{uuid.uuid4().hex[:8]}@example.org"
    assert api.post(f"/cities/{slug}/newsletter/subscriptions", {"email": email}).ok
    body = api.sink.wait_for(email)[0].get_body(("plain",)).get_content()
    token = re.search(r"bestaetigen\?token=([\w.\-]+)", body).group(1)
    first, second = (api.post("/newsletter/confirm", {"token": token}) for _ in range(2))
    assert first.status_code == second.status_code == 200 and first.json() == second.json()

    secret = load_settings().secret_key
    claims = SignedTokens(secret, CONFIRM_TTL).read("newsletter-confirm", token)
    with mock.patch("time.time", return_value=time.time() - CONFIRM_TTL - 60):
        late = SignedTokens(secret, CONFIRM_TTL).sign("newsletter-confirm", claims)
    expired = api.post("/newsletter/confirm", {"token": late})
    assert expired.status_code == 422, expired.text
    assert expired.json()["error"]["fields"]["token"]["de"] == ["Der Link ist abgelaufen."]

    link = newsletter_unsubscribe_link(unsubscribe_tokens(secret), api.base, claims["r"])
    gone = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert gone.status_code == 200 and "Du bekommst den Newsletter Teststadt" in gone.text
    twice = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert twice.status_code == 200, twice.text[:300]
    assert "Du bekommst diesen Newsletter nicht mehr." in twice.text  # was "Newsletter  nicht"
    again = api.post("/newsletter/confirm", {"token": token})
    assert again.status_code == 404 and again.json()["error"]["message"]["de"]
