"""The ``Seeder``: stands up the demo cities call by call through the public HTTP API, as people
would (accounts verified by mail, the city's admin, a working group, phases, content)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.client import PlatformClient, PlatformError
from gateway.demo.people import BEISPIELSTADT, MUSTERSTADT, PASSWORD, Inbox, Person


@dataclass
class Seeder:
    url: str
    inbox: Inbox
    year: int = field(default_factory=lambda: datetime.now(UTC).year)
    log: Callable[[str], None] = print
    people: dict[str, Person] = field(default_factory=dict)

    # ------------------------------------------------------------------ plumbing
    def call(self, who: Person | None, method: str, path: str, body: Any = None) -> Any:
        return PlatformClient(self.url, who.token if who else None).request(method, path, body)

    def person(self, email: str, name: str) -> Person:
        """A verified, signed-in account (registered now, or signed in if it exists)."""
        person = self.people.get(email) or Person(email, name)
        self.people[email] = person
        credentials = {"email": email, "password": PASSWORD}
        try:
            # Signing in first: registering a known address answers as for a new one (it
            # reveals nothing) and mails its owner instead of a verification link.
            person.token = self.call(None, "POST", "/sessions", credentials)["token"]
            return person
        except PlatformError as exc:
            if not str(exc).startswith(("HTTP 401", "HTTP 403")):  # unknown or unverified
                raise
        before = self.inbox.count(email)
        self.call(None, "POST", "/accounts", {"email": email, "display_name": name,
                                               "password": PASSWORD,
                                               "privacy_consent": True})  # fmt: skip
        token = self.inbox.token(email, before + 1)
        self.call(None, "POST", "/accounts/verify", {"token": token})
        person.token = self.call(None, "POST", "/sessions", credentials)["token"]
        return person

    def wait(self, check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                result = check()
            except PlatformError:
                result = None
            if result:
                return result
            time.sleep(0.3)
        raise PlatformError(f"demo: {what} did not happen within {timeout:g} s")

    # ------------------------------------------------------------------ cities
    def city(self, op: Person, slug: str, name: str, state: str, population: int) -> Person:
        admin_email = f"demo-admin@{slug}.example"
        body = {
            "slug": slug,
            "name": name,
            "state": state,
            "population": population,
            "mayor": "Dr. Erika Mustermann",
            "contact": {"name": "Stadtdialog-Büro", "email": f"dialog@{slug}.example"},
            "cohort_year": self.year,
            "admin_email": admin_email,
        }
        before = self.inbox.count(admin_email)
        self.call(op, "POST", "/cities", body)
        invitation = self.inbox.token(admin_email, before + 1)
        admin = self.person(admin_email, f"Stadt-Admin {name}")
        self.call(admin, "POST", "/invitations/accept", {"token": invitation})
        admin.token = self.call(
            None, "POST", "/sessions", {"email": admin_email, "password": PASSWORD}
        )["token"]  # a new session carries the new role
        group = self.call(
            admin,
            "POST",
            f"/cities/{slug}/working-groups",
            {"name": f"Zukunft {name}", "description": "Vereine, Initiativen, Stiftungen und "
             "Verwaltung begleiten den Stadtdialog."},
        )  # fmt: skip
        self.call(
            admin,
            "POST",
            f"/cities/{slug}/working-groups/{group['id']}/invitations",
            {"email": f"demo-verein@{slug}.example", "organisation": "Heimatverein",
             "kind": "association"},
        )  # fmt: skip
        step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
        self.call(admin, "POST", step, {"note": "Demo: die Arbeitsgruppe steht."})
        self.call(admin, "POST", f"/cities/{slug}/phase", {"to": "scenarios"})
        return admin

    def scenario_project(self, op: Person, slug: str, factors: list[str]) -> list[dict]:
        base = f"/cities/{slug}/scenarios"
        self.call(op, "POST", f"{base}/project", {"title": "Unsere Stadt 2040"})
        # Services learn a phase change from the cities service's fact: the first write waits.
        first = self.wait(
            lambda: self.call(op, "POST", f"{base}/factors", {"title": factors[0]}),
            "the scenario phase reaching the scenarios service",
        )
        return [first] + [
            self.call(op, "POST", f"{base}/factors", {"title": title}) for title in factors[1:]
        ]

    def seed_musterstadt(self, op: Person) -> None:
        slug = MUSTERSTADT
        admin = self.city(op, slug, "Musterstadt", "DE-NW", 120_000)
        self.scenario_project(op, slug, ["Mobilität", "Wohnen", "Klima", "Zusammenhalt"])
        self.call(admin, "POST", f"/cities/{slug}/phase", {"to": "transfer"})
        base = f"/cities/{slug}/scenarios/topics"
        topics = [
            ("Mobilität für alle", "Wie kommen 2040 alle gut durch Musterstadt?"),
            ("Grüne Innenstadt", "Wie wird die Innenstadt kühler und lebendiger?"),
        ]
        for title, question in topics:
            body = {"title": title, "guiding_question": question, "description": question}
            made = self.wait(
                lambda body=body: self.call(op, "POST", base, body),
                "the transfer phase reaching the scenarios service",
            )
            self.call(op, "POST", f"{base}/{made['id']}/submit")
            self.call(op, "POST", f"{base}/{made['id']}/publish")
        self.wait(
            lambda: len(self.call(admin, "GET", f"/cities/{slug}/topics")) >= 2,
            "the deep-dive topics reaching the dialogue",
        )
        self.wait(
            lambda: self.call(admin, "POST", f"/cities/{slug}/phase", {"to": "table_talks"}),
            "the table-talk phase",
        )
        dialogue_topics = self.call(admin, "GET", f"/cities/{slug}/topics")
        host = self.person(f"demo-gastgeberin@{slug}.example", "Aylin (Gastgeberin)")
        guests = [
            self.person(f"demo-gast{n}@{slug}.example", name)
            for n, name in enumerate(("Jonas", "Marie", "Karl"), start=1)
        ]
        start = (datetime.now(UTC) + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
        talks = []
        # The second table is small (two seats), so a demo guest waits in place 1 and sees
        # the waiting position in Mein Bereich.
        for index, (topic, district, seats) in enumerate(zip(dialogue_topics[:2],
                                                             ("Nord", "Altstadt"), (8, 2),
                                                             strict=False)):  # fmt: skip
            begins = start + timedelta(days=index * 3)
            talk = {
                "title": f"Tischgespräch: {topic['title']}",
                "topic_id": topic["id"],
                "description": "Wir reden bei Kaffee und Kuchen. Alle sind willkommen.",
                "format": "in_person",
                "address": "Marktplatz 3",
                "district": district,
                "starts_at": begins.isoformat(),
                "ends_at": (begins + timedelta(hours=2)).isoformat(),
                "capacity": seats,
            }
            talks.append(
                self.wait(
                    lambda talk=talk: self.call(host, "POST", f"/cities/{slug}/talks", talk),
                    "the table-talk phase reaching the dialogue service",
                )
            )
        for guest in guests:
            self.call(guest, "POST", f"/cities/{slug}/talks/{talks[0]['id']}/registrations", {})
        # Jonas and Karl take the two seats of the second talk, Marie waits in place 1.
        for guest in (guests[0], guests[2], guests[1]):
            self.call(guest, "POST", f"/cities/{slug}/talks/{talks[1]['id']}/registrations", {})
        ideas = [
            ("Radweg am Fluss", "Ein durchgehender, sicherer Radweg entlang des Flusses.",
             "mobility", "Nord"),
            ("Schattenplätze am Markt", "Bäume und Sonnensegel für den Marktplatz im Sommer.",
             "environment", "Altstadt"),
            ("Reparaturcafé", "Einmal im Monat gemeinsam reparieren statt wegwerfen.",
             "social", "Süd"),
        ]  # fmt: skip
        made_ideas = [
            self.call(
                host if n % 2 == 0 else guests[1],
                "POST",
                f"/cities/{slug}/ideas",
                {
                    "title": title,
                    "description": text,
                    "category": category,
                    "district": district,
                },
            )  # fmt: skip
            for n, (title, text, category, district) in enumerate(ideas)
        ]
        for guest in guests:
            self.call(guest, "POST", f"/cities/{slug}/ideas/{made_ideas[0]['id']}/support")
        # Help offers ("Ich mache mit"): Jonas at the repair café, the host with the shade.
        self.call(guests[0], "POST", f"/cities/{slug}/ideas/{made_ideas[2]['id']}/helpers")
        self.call(host, "POST", f"/cities/{slug}/ideas/{made_ideas[1]['id']}/helpers")
        self.log("Musterstadt: Tischgespräche mit 2 Themen, 2 Gesprächen und 3 Ideen")

    def seed_beispielstadt(self, op: Person) -> None:
        slug = BEISPIELSTADT
        self.city(op, slug, "Beispielstadt", "DE-SN", 48_000)
        factors = self.scenario_project(
            op, slug, ["Demografie", "Arbeit und Wirtschaft", "Nahversorgung", "Digitalisierung"]
        )
        citizen = self.person(f"demo-buergerin@{slug}.example", "Frieda")
        notes = [
            ("observation", "Im Ortsteil Ost schließt der letzte Bäcker.", factors[2]["id"]),
            ("forecast", "Bis 2035 arbeitet jede dritte Person zeitweise von zu Hause.", None),
        ]
        for kind, text, factor in notes:
            body = {"kind": kind, "text": text, **({"factor_id": factor} if factor else {})}
            self.call(citizen, "POST", f"/cities/{slug}/scenarios/observations", body)
        self.log("Beispielstadt: Szenarien mit 4 Einflussfaktoren und 2 Beobachtungen")
