"""The city's admins and the organisations acting in the city's name: see them all, confirm a
self-named one ("von der Stadt bestätigt"), hide a bogus one with a reason and show it again.

A hidden organisation's supports stay stored (showing it again restores them) but count and
show nowhere: the idea pages and lists leave them out (``reviewed``), and one public fact per
support (``idea.organisation_hidden`` / ``.organisation_shown``: idea, ``as``, kind — never the
name) lets the results subtract and add them again. Its members learn it by mail. Who decided
goes to the city's audit log (an internal fact that may carry ids), not to the public.
"""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue import mails
from services.dialogue.handlers.base import DialogueBase, _iso, _now
from services.dialogue.models import OrganisationReview, OrganisationSupport
from services.dialogue.organisations import organisation_table
from services.dialogue.schemas import ReasonSchema
from services.kit.db import inserted_first
from services.kit.errors import NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

ADMINS = ("city_admin",)


def reviewed(city: str) -> tuple[dict[str, set[str]], set[str]]:
    """The organisations the city confirmed (key -> the members it vouched for), and the keys
    of those it hid."""
    confirmed: dict[str, set[str]] = {}
    hidden: set[str] = set()
    fields = ("organisation_key", "confirmed", "confirmed_members", "hidden")
    for review in OrganisationReview.scoped(city).only(*fields):
        if review.confirmed:
            confirmed[review.organisation_key] = set(review.confirmed_members or ())
        if review.hidden:
            hidden.add(review.organisation_key)
    return confirmed, hidden


class OrganisationAdminHandlers(DialogueBase):
    def _organisation_rows(self, city: str) -> list[dict[str, Any]]:
        supports = (
            {
                "key": s.organisation_key,
                "name": s.organisation_name,
                "kind": s.organisation_kind,
                "as": s.kind,
                "idea_id": s.idea_id,
                "confirmed": bool(s.confirmed),
                "at": s.at,
            }
            for s in OrganisationSupport.scoped(city)
        )
        reviews = (
            {
                "key": r.organisation_key,
                "name": r.organisation_name,
                "kind": r.organisation_kind,
                "confirmed": r.confirmed,
                "hidden": r.hidden,
                "hidden_reason": r.hidden_reason,
            }
            for r in OrganisationReview.scoped(city)
        )
        return [
            {**row, "first_at": _iso(row["first_at"]), "last_at": _iso(row["last_at"])}
            for row in organisation_table(supports, reviews)
        ]

    @rpc
    def city_organisations(self, city: str) -> list[dict[str, Any]]:
        """Every organisation that supports or helps ideas of the city (city admins)."""
        self._state(city)
        self.caller.require_role(city, *ADMINS)
        return self._organisation_rows(city)

    def _review(self, city: str, key: str) -> tuple[OrganisationReview, dict[str, Any]]:
        """The admins' record of one organisation (made on first use) and its table row."""
        self._state(city)
        self.caller.require_role(city, *ADMINS)
        row = next((r for r in self._organisation_rows(city) if r["key"] == key), None)
        if not isinstance(key, str) or row is None:
            raise NotFound("Organisation not found.")
        review = OrganisationReview.scoped(city, organisation_key=key).first()
        if review is None:
            try:  # made at once: two first decisions at the same time share one record
                review = OrganisationReview(
                    city=city,
                    organisation_key=key,
                    organisation_name=row["name"][:200],
                    organisation_kind=row["kind"],
                ).save(force_insert=True)
            except NotUniqueError:
                review = OrganisationReview.scoped(city, organisation_key=key).first()
        return review, row

    def _claim_change(self, city: str, key: str, review: OrganisationReview) -> bool:
        """Whether this request makes the review's next change (hide or show). FerretDB's
        updates are read-then-write, so the change is claimed by a unique insert: of two
        requests that read the same state (a double click), only one goes on."""
        claim = {"_id": f"{city}:{key}:{review.changes + 1}", "city": city, "at": _now()}
        if not inserted_first(self.db["organisation_review_claims"], claim):
            return False
        review.changes += 1
        return True

    @rpc
    def confirm_organisation(self, city: str, key: str) -> dict[str, Any]:
        """The city confirms a self-named organisation: idea pages then say so."""
        review, row = self._review(city, key)
        if not row["confirmed"]:
            review.confirmed, review.confirmed_at = True, _now()
            given = OrganisationSupport.scoped(city, organisation_key=key).only("given_by")
            review.confirmed_members = sorted({s.given_by for s in given if s.given_by})
            review.save()
            self._record_admin_act(city, "organisation.confirmed", key, row["name"])
        return self._row(city, key)

    @rpc
    def hide_organisation(self, city: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
        """Hide an organisation with a reason: its supports stop counting and showing; its
        members are told by mail."""
        reason = load(ReasonSchema(), data)["reason"]
        review, row = self._review(city, key)
        if not review.hidden and self._claim_change(city, key, review):
            review.hidden, review.hidden_reason, review.hidden_at = True, reason, _now()
            review.save()
            self._support_facts(city, key, "organisation_hidden")
            self._record_admin_act(city, "organisation.hidden", key, row["name"], reason)
            self._tell_members(city, key, row["name"], reason)
        return self._row(city, key)

    @rpc
    def show_organisation(self, city: str, key: str) -> dict[str, Any]:
        """Show a hidden organisation again: its supports count again."""
        review, row = self._review(city, key)
        if review.hidden and self._claim_change(city, key, review):
            review.hidden, review.hidden_reason, review.hidden_at = False, None, None
            review.save()
            self._support_facts(city, key, "organisation_shown")
            self._record_admin_act(city, "organisation.shown", key, row["name"])
            self._tell_members(city, key, row["name"], None)
        return self._row(city, key)

    def _row(self, city: str, key: str) -> dict[str, Any]:
        return next(r for r in self._organisation_rows(city) if r["key"] == key)

    def _support_facts(self, city: str, key: str, action: str) -> None:
        """One public fact per support the organisation gave: the results subtract (hidden)
        or add (shown) it, as they do for a withdrawal."""
        for support in OrganisationSupport.scoped(city, organisation_key=key):
            data = {
                "idea_id": support.idea_id,
                "as": support.kind,
                "organisation_kind": support.organisation_kind,
            }
            self.outbox.add("idea", action, data, city=city, subject=support.idea_id, public=True)

    def _tell_members(self, city: str, key: str, name: str, reason: str | None) -> None:
        """The members who acted in its name here learn that the city hid (or showed) it."""
        members = {
            s.given_by for s in OrganisationSupport.scoped(city, organisation_key=key) if s.given_by
        }
        city_name = str(self._state(city).get("name") or city)
        url = f"{self.settings.public_base_url}/stadt/{city}/ideen"
        for account_id in sorted(members):
            account = self._account(account_id)
            if not account or not account.get("email"):
                continue
            person = str(account.get("display_name") or "")
            self.mail.send(
                account["email"], *mails.organisation_reviewed(person, name, city_name, reason, url)
            )
