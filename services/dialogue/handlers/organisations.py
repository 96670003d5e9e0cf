"""Organisations as supporters: a member supports an idea or offers help ("Ich mache mit")
in the name of an organisation; once per organisation, whichever member acts.

Who is a member is asked at the time of the act (services/dialogue/organisations.py): the
cities service for working groups the person joined (confirmed by the city), the identity
service for organisations the person names on their account (nach eigener Angabe). Public
facts carry the organisation's kind, never its name: an unconfirmed name may name a person
("Familie Meier"), and a fact cannot be taken back once third parties hold it.
"""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue.handlers.ideas import IdeaHandlers
from services.dialogue.handlers.organisation_admin import reviewed
from services.dialogue.models import OrganisationSupport
from services.dialogue.organisations import organisations_of
from services.kit.errors import Conflict, Forbidden, NotFound
from services.kit.rpc import rpc

KINDS = ("support", "helper")
MEMBERS_ONLY = "Only its members may act for this organisation."
# While hidden nothing changes (showing it again restores its supports as they were).
HIDDEN = "The city has hidden this organisation: nobody can act in its name here."


class OrganisationSupportHandlers(IdeaHandlers):
    cities: Any  # RPC proxy of the cities service

    def _organisations(self, city: str, account_id: str) -> list[dict[str, Any]]:
        confirmed = self.cities.member_organisations(city, account_id)
        own = self.identity.account_organisations(account_id)
        # What the city's admins decided (handlers/organisation_admin.py): a self-named
        # organisation they confirmed is confirmed; one they hid cannot act here.
        by_city, hidden = reviewed(city)
        return [
            {
                **o,
                # Confirmed for the members it had then, not for a namesake named since.
                "confirmed": o["confirmed"] or account_id in by_city.get(o["key"], ()),
                "hidden": o["key"] in hidden,
            }
            for o in organisations_of(city, confirmed, own)
        ]

    def _mine(self, city: str, idea_id: str, user_id: str) -> list[dict[str, Any]]:
        given = {
            (s.organisation_key, s.kind)
            for s in OrganisationSupport.scoped(city, idea_id=idea_id).only(
                "organisation_key", "kind"
            )
        }
        return [
            {
                **o,
                "supports": (o["key"], "support") in given,
                "helps": (o["key"], "helper") in given,
            }
            for o in self._organisations(city, user_id)
        ]

    @rpc
    def my_organisations(self, city: str, idea_id: str) -> list[dict[str, Any]]:
        """The organisations the caller may act for, each with what it gave this idea."""
        user_id = self.caller.require_authenticated()
        self._idea(city, idea_id)
        return self._mine(city, idea_id, user_id)

    def _member_of(self, city: str, user_id: str, key: str) -> dict[str, Any]:
        for organisation in self._organisations(city, user_id):
            if organisation["key"] == key and organisation["hidden"]:
                raise Conflict(HIDDEN, {"organisation": [HIDDEN]})
            if organisation["key"] == key:
                return organisation
        raise Forbidden(MEMBERS_ONLY, {"organisation": [MEMBERS_ONLY]})

    @rpc
    def support_as_organisation(
        self, city: str, idea_id: str, key: str, kind: str = "support"
    ) -> dict[str, Any]:
        """Support (or help with) an idea in an organisation's name: once per organisation."""
        user_id = self.caller.require_authenticated()
        if kind not in KINDS or not isinstance(key, str):
            raise NotFound()
        idea = self._idea(city, idea_id)
        if idea.hidden or idea.status == "not_pursued":
            message = "This idea is closed."
            raise Conflict(message, {"idea": [message]})
        organisation = self._member_of(city, user_id, key)
        try:
            OrganisationSupport(
                city=city,
                idea_id=idea_id,
                kind=kind,
                organisation_key=key,
                organisation_name=organisation["name"],
                organisation_kind=organisation["kind"],
                confirmed=organisation["confirmed"],
                given_by=user_id,
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # another member gave it already: the organisation counts once
        else:
            self._organisation_fact(city, idea_id, "organisation_supported", kind, organisation)
        return self._idea_view(idea)

    @rpc
    def withdraw_as_organisation(
        self, city: str, idea_id: str, key: str, kind: str = "support"
    ) -> dict[str, Any]:
        """Take an organisation's support back: any of its members may (it is theirs)."""
        user_id = self.caller.require_authenticated()
        if kind not in KINDS or not isinstance(key, str):
            raise NotFound()
        idea = self._idea(city, idea_id)
        organisation = self._member_of(city, user_id, key)
        query = OrganisationSupport.scoped(city, idea_id=idea_id, kind=kind, organisation_key=key)
        if query.delete():
            self._organisation_fact(city, idea_id, "organisation_withdrawn", kind, organisation)
        return self._idea_view(idea)

    def _organisation_fact(
        self, city: str, idea_id: str, action: str, kind: str, organisation: dict[str, Any]
    ) -> None:
        data = {"idea_id": idea_id, "as": kind, "organisation_kind": organisation["kind"]}
        self.outbox.add("idea", action, data, city=city, subject=idea_id, public=True)
