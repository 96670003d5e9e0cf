"""The ``Seeder``: the plumbing every demo city uses, call by call through the public HTTP API
as people would (accounts verified by mail, a city and its admin, working groups with mailed
invitations, roles, phases). What each city holds is in its own module (``gateway/demo/*.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateway.client import PlatformClient, PlatformError
from gateway.demo.people import PASSWORD, Inbox, Person


@dataclass
class Seeder:
    url: str
    inbox: Inbox
    year: int = field(default_factory=lambda: datetime.now(UTC).year)
    log: Callable[[str], None] = print
    people: dict[str, Person] = field(default_factory=dict)
    invited: dict[str, int] = field(default_factory=dict)  # e-mail -> number of its invitation
    began: float = field(default_factory=time.monotonic)
    fresh: bool = False  # no demo account yet: register without trying to sign in first

    def done(self, what: str) -> None:
        """Tell what a city now holds, and when (seconds since the seeding began)."""
        self.log(f"{what} ({time.monotonic() - self.began:.0f} s)")

    # ------------------------------------------------------------------ plumbing
    def call(self, who: Person | None, method: str, path: str, body: Any = None) -> Any:
        return PlatformClient(self.url, who.token if who else None).request(method, path, body)

    def sign_in(self, person: Person) -> Person:
        credentials = {"email": person.email, "password": PASSWORD}
        person.token = self.call(None, "POST", "/sessions", credentials)["token"]
        return person

    def person(self, email: str, name: str) -> Person:
        """A verified, signed-in account (registered now, or signed in if it exists).

        Each sign-in and registration hashes a password on purpose slowly, so the demo does as
        few as it can: on a platform where the first demo account is unknown (``fresh``) people
        register straight away; otherwise they sign in first. Roles are read per request, so
        a session also carries roles granted after it began."""
        person = self.people.get(email) or Person(email, name)
        self.people[email] = person
        if person.token:
            return person
        if not self.fresh:
            try:
                return self.sign_in(person)
            except PlatformError as exc:
                if not str(exc).startswith(("HTTP 401", "HTTP 403")):  # unknown or unverified
                    raise
        before = self.inbox.count(email)
        self.call(None, "POST", "/accounts", {"email": email, "display_name": name,
                                               "password": PASSWORD,
                                               "privacy_consent": True})  # fmt: skip
        token = self.inbox.token(email, before + 1)
        try:
            self.call(None, "POST", "/accounts/verify", {"token": token})
        except PlatformError:
            # A known address (the platform was not so fresh): its owner got a mail saying
            # so instead of a verification link; the account is there, so sign in.
            pass
        return self.sign_in(person)

    def probe(self, email: str) -> None:
        """Is this a fresh platform for the demo's people? One sign-in answers it."""
        try:
            self.sign_in(self.people.setdefault(email, Person(email, email)))
            self.fresh = False
        except PlatformError as exc:
            if not str(exc).startswith(("HTTP 401", "HTTP 403")):
                raise
            self.fresh = True

    def wait(self, check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
        """Retry ``check`` until it answers: services learn of changes through facts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                result = check()
            except PlatformError:
                result = None
            if result:
                return result
            time.sleep(0.2)
        raise PlatformError(f"demo: {what} did not happen within {timeout:g} s")

    def first(self, who: Person, method: str, path: str, body: Any, what: str) -> Any:
        """A service's first write for a city: retried until the service has heard of the
        city's phase (from the cities service's facts; after a reset it may still know the
        purged city's old phase for a moment). A refused write changes nothing."""
        return self.wait(lambda: self.call(who, method, path, body), what)

    # ------------------------------------------------------------------ cities
    def city(
        self, op: Person, slug: str, name: str, state: str, population: int, mayor: str
    ) -> Person:
        """The operator creates the city; its admin accepts the mailed invitation."""
        admin_email = f"demo-admin@{slug}.example"
        body = {
            "slug": slug,
            "name": name,
            "state": state,
            "population": population,
            "mayor": mayor,
            "contact": {"name": "Stadtdialog-Büro", "email": f"dialog@{slug}.example"},
            "cohort_year": self.year,
            "admin_email": admin_email,
        }
        before = self.inbox.count(admin_email)
        self.call(op, "POST", "/cities", body)
        invitation = self.inbox.token(admin_email, before + 1)
        admin = self.person(admin_email, f"Stadtdialog-Büro {name}")
        self.call(admin, "POST", "/invitations/accept", {"token": invitation})
        return admin

    def working_group(
        self, admin: Person, slug: str, name: str, invitations: list[tuple[str, str, str]]
    ) -> str:
        """A working group and its mailed invitations: (e-mail, organisation, kind)."""
        group = self.call(
            admin,
            "POST",
            f"/cities/{slug}/working-groups",
            {"name": name, "description": "Vereine, Initiativen, Stiftungen und Verwaltung "
             "begleiten den Stadtdialog."},
        )  # fmt: skip
        for email, organisation, kind in invitations:
            self.invited[email] = self.inbox.count(email) + 1
            path = f"/cities/{slug}/working-groups/{group['id']}/invitations"
            self.call(admin, "POST", path, {"email": email, "organisation": organisation,
                                            "kind": kind})  # fmt: skip
        return group["id"]

    def join(self, email: str, name: str) -> Person:
        """An invited person signs up (or in) and accepts the group's mailed invitation."""
        invitation = self.inbox.token(email, self.invited[email])
        member = self.person(email, name)
        self.call(member, "POST", "/invitations/accept", {"token": invitation})
        return member

    def grant(self, admin: Person, slug: str, person: Person, role: str) -> Person:
        account = self.call(person, "GET", "/me")
        self.call(admin, "POST", "/roles", {"account_id": account["id"], "city": slug,
                                            "role": role})  # fmt: skip
        return person

    def step(self, admin: Person, slug: str, phase: str, step: str, note: str) -> None:
        self.call(admin, "POST", f"/cities/{slug}/phases/{phase}/steps/{step}", {"note": note})

    def advance(self, admin: Person, slug: str, to: str, reason: str | None = None) -> None:
        """The city admin moves the city on; waits until the scenarios service has heard it
        (it and the others learn the phase from the cities service's fact)."""
        body = {"to": to, **({"override_reason": reason} if reason else {})}
        self.call(admin, "POST", f"/cities/{slug}/phase", body)
        self.wait(
            lambda: self.call(admin, "GET", f"/cities/{slug}/scenarios/project")["phase"] == to,
            f"{slug} reaching the phase {to} in every service",
        )
