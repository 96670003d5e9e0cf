"""No raw key reaches a person: the demo is seeded, then every page a visitor and a demo citizen
can reach (breadth-first from the start page and the demo cities, German and English), every
CSV/XLSX export and results report (HTML and PDF) linked from them and every mail the demo sent
are scanned for ``snake_case`` words and unfilled placeholders (``raw_text_support``)."""

from __future__ import annotations

import functools
import io
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import requests
from cities_support import fresh_year
from openpyxl import load_workbook
from pypdf import PdfReader
from raw_text_support import findings, page_text
from requests.adapters import HTTPAdapter
from test_demo_seed import SinkInbox
from urllib3.util.retry import Retry

from gateway.demo.command import purge_demo, seed
from gateway.demo.people import DEMO_CITIES, MUSTERSTADT
from gateway.pages.dialogue.base import CATEGORIES
from gateway.pages.events.base import PARTNER_KINDS
from gateway.results_scenarios import QUADRANTS
from services.cities.phases import PHASES
from services.dialogue import models as dialogue
from services.events import models as events
from services.scenarios import models as scenarios
from services.scenarios.transfer import REQUIRED as BASE_CRITERIA

MAX_PAGES = 250  # per person and language; the demo has far fewer
# Links a crawler must not follow: they sign out, switch the language or are machine files
# (and the barrier form once per page it names: the same form each time).
SKIP = re.compile(
    r"abmelden|lang=|melden\?seite=|\.(ics|svg|png|json)(\?|$)|/api/v1/(?!.*(results|report))"
)
# One-word codes of the services (categories, statuses, kinds, phases) that a German page must
# not show as they are; "online", "hybrid", "open" and "digital" are German words as well.
CODES = frozenset(
    {*CATEGORIES, *PARTNER_KINDS, *PHASES, *dialogue.TALK_STATUSES, *dialogue.IDEA_STATUSES,
     *dialogue.SUPPORT_KINDS, *events.EVENT_STATUSES, *events.NEXT_STEP_STATUSES,
     *scenarios.RUN_STATUSES, *scenarios.TOPIC_STATUSES, *scenarios.OBSERVATION_KINDS,
     *QUADRANTS, *BASE_CRITERIA}
    - {"online", "hybrid", "open", "digital"}
)  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _in_scope(url: str, base: str, year: int) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(url):
        return False
    city = re.match(r"/(?:api/v1/cities|stadt)/([^/?]+)", parts.path)
    cohort = re.match(r"/(?:api/v1/cohorts|jahrgang)/(\d+)", parts.path)
    return (not city or city.group(1) in DEMO_CITIES) and (
        not cohort or cohort.group(1) == str(year)
    )


def _export_text(response: requests.Response) -> str:
    """The cells of a CSV or XLSX export as one text (every cell is read by a person)."""
    return _document_text(response.headers["Content-Type"], response.content)


@functools.cache
def _document_text(kind: str, content: bytes) -> str:
    # Twelve crawls meet the same reports and workbooks: each distinct file is read once.
    if kind.startswith(XLSX):
        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [book.properties.title or ""] + list(book.sheetnames)
        for sheet in book.worksheets:
            cells += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        return " | ".join(cells)
    if kind.startswith(PDF):  # the results report for a council
        pages = PdfReader(io.BytesIO(content)).pages
        text = "\n".join(page.extract_text() or "" for page in pages)
        return re.sub("\u2010\\s*", "", text)  # words hyphenated at line ends, joined
    return content.decode("utf-8-sig")


def _browser_like_session() -> requests.Session:
    """A session that, like a browser, sends a GET once more when the server closed a kept-alive
    connection without any answer: the gateway closes one idle for 2 s, and on a busy machine
    a crawler's next request can meet that close (``RemoteDisconnected``). Any answer, a 5xx
    included, is taken as it is (``status=0``)."""
    session = requests.Session()
    retry = Retry(total=1, connect=1, read=1, status=0, allowed_methods={"GET", "HEAD"})
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def _sign_in(browser: requests.Session, base: str, email: str, password: str) -> None:
    form = browser.get(f"{base}/anmelden", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = browser.post(
        f"{base}/anmelden",
        data={"csrf_token": csrf, "email": email, "password": password},
        timeout=30,
    )
    assert done.status_code == 200 and "Abmelden" in done.text, done.text[:500]


def _crawl(
    browser: requests.Session, base: str, starts: list[str], year: int, codes: frozenset[str]
) -> dict:
    """Breadth-first over the site's links; returns {url: [finding, …]} and counts pages."""
    queue, seen, found, pages = deque(starts), set(starts), {}, 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = browser.get(url, timeout=60)
        pages += 1
        kind = response.headers.get("Content-Type", "")
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if kind.startswith("text/html"):
            text, links = page_text(response.text)
            for link in links:
                target = urljoin(url, link).split("#")[0]
                if target not in seen and _in_scope(target, base, year):
                    seen.add(target)
                    queue.append(target)
        elif kind.startswith(("text/csv", XLSX, PDF)):
            text = _export_text(response)
        else:
            continue
        if hits := findings(text, codes):
            found[url] = hits
    found["(pages)"] = pages
    return found


def _mail_text(message) -> str:  # noqa: ANN001
    """A mail's body, plain and HTML part (the subject is scanned on its own)."""
    parts = []
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            parts.append(part.get_content())
        elif part.get_content_type() == "text/html":
            parts.append(page_text(part.get_content())[0])
    return "\n".join(parts)


def _change_a_talk(api, host_token: str) -> None:  # noqa: ANN001
    """What the demo does not do itself: the host moves a talk, and a guest gets the change
    mail (waited for)."""
    talks = api.get(f"/cities/{MUSTERSTADT}/talks").json()
    talk = (talks["items"] if isinstance(talks, dict) else talks)[0]
    guest = f"demo-gast1@{MUSTERSTADT}.example"  # has a seat at both demo talks
    before = len([m for m in api.sink.messages if m["To"] == guest])
    starts = datetime.fromisoformat(talk["starts_at"]) + timedelta(days=1)
    change = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}
    answer = requests.patch(
        api.url(f"/cities/{MUSTERSTADT}/talks/{talk['id']}"),
        json=change,
        headers={"Authorization": f"Bearer {host_token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    api.sink.wait_for(guest, count=before + 1, timeout=60)


def _scan_pages(api, year: int, logins: dict) -> tuple[dict[str, list[str]], int]:  # noqa: ANN001
    """Crawl as a visitor, the demo host, the demo citizen of the scenario city and each demo
    city's admin, in German and in English; returns the findings and the pages read."""
    starts = [f"{api.base}/", f"{api.base}/jahrgang/{year}/ergebnisse"]
    starts += [f"{api.base}/stadt/{slug}" for slug in DEMO_CITIES]
    people = [e for e in logins["accounts"] if "buergerin" in e or "admin" in e]

    def crawl_as(who: str | None, lang: str) -> tuple[str, str | None, dict]:
        browser = _browser_like_session()
        if who:
            _sign_in(browser, api.base, who, logins["password"])
        browser.get(f"{api.base}/?lang={lang}", timeout=30)
        codes = CODES if lang == "de" else frozenset()
        return lang, who, _crawl(browser, api.base, starts, year, codes)

    # The people crawl side by side (own sessions; the gateway serves them in its threads):
    # the scan reads a few thousand pages and most of each request is waiting on services.
    runs = [(who, lang) for who in (None, f"demo-gastgeberin@{MUSTERSTADT}.example", *people)
            for lang in ("de", "en")]  # fmt: skip
    report: dict[str, list[str]] = {}
    pages = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for lang, who, found in pool.map(lambda run: crawl_as(*run), runs):
            read = found.pop("(pages)")
            print(f"raw-key scan: {who or 'visitor'} ({lang}): {read} pages")  # noqa: T201
            pages += read
            for url, hits in found.items():
                report.setdefault(f"{lang} {who or 'visitor'} {url}", hits)
    return report, pages


def test_no_raw_key_on_the_demos_pages_exports_and_mails(api, operator) -> None:
    year = fresh_year()
    purge_demo(api.base, operator["token"])
    first_mail = len(api.sink.messages)
    logins = seed(api.base, SinkInbox(api.sink), operator["token"], year=year, log=lambda _: None)
    try:
        host_email = f"demo-gastgeberin@{MUSTERSTADT}.example"
        host = api.post("/sessions", {"email": host_email, "password": logins["password"]})
        _change_a_talk(api, host.json()["token"])
        report, pages = _scan_pages(api, year, logins)
        mails = api.sink.messages[first_mail:]
    finally:
        purge_demo(api.base, operator["token"])  # the demo test seeds its own
    assert pages > 40, f"only {pages} pages crawled: the demo's links were not followed"
    assert mails, "the demo sent no mail"
    for message in mails:
        body = _mail_text(message)
        german = body.split("\n---\n")[0]  # the English part follows the line "---"
        if hits := findings(f"{message['Subject']}\n{body}") + findings(german, CODES):
            report.setdefault(f"mail to {message['To']}: {message['Subject']}", hits)
    print(f"raw-key scan: {pages} pages and exports, {len(mails)} mails")  # noqa: T201

    problems = "\n".join(f"{where}\n  " + "\n  ".join(sorted(set(hits)))
                         for where, hits in sorted(report.items()))  # fmt: skip
    assert not report, f"raw keys or placeholders where people read:\n{problems}"
