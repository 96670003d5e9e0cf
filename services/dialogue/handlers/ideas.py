"""Project ideas: propose, list, support or help, status, moderation."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue.forms import json_schema
from services.dialogue.handlers.base import MODERATORS, DialogueBase, _iso, _jsonable, _now, _oid
from services.dialogue.handlers.organisation_admin import reviewed
from services.dialogue.handlers.search import index_idea
from services.dialogue.models import Documentation, Idea, IdeaSupport, OrganisationSupport
from services.dialogue.news import status_detail
from services.dialogue.rules import TABLE_TALK, idea_status_errors, require_join_phase
from services.dialogue.schemas import (
    IdeaBaseSchema,
    IdeaFilterSchema,
    IdeaSchema,
    IdeaStatusSchema,
    ReasonSchema,
    idea_schema_with_districts,
)
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

IDEA_FORM = "project_idea"


class IdeaHandlers(DialogueBase):
    def _idea_base(self, plugins: Any) -> type:
        # With districts configured (ortsteile) the plugin's district choice replaces ours.
        return IdeaBaseSchema if "district" in plugins.form_fields(IDEA_FORM) else IdeaSchema

    @rpc
    def idea_form(self, city: str) -> dict[str, Any]:
        self._state(city)
        plugins = self.city_state.plugins(city)
        base = self._idea_base(plugins)
        names = list(self._state(city).get("districts") or [])
        if base is IdeaSchema and names:  # the form offers the city's districts to choose
            base = idea_schema_with_districts(names)
        schema = plugins.form_schema(IDEA_FORM, base)
        return {"form": IDEA_FORM, "city": city, "schema": json_schema(schema)}

    def _idea(self, city: str, idea_id: str) -> Idea:
        self._state(city)
        idea = Idea.scoped(city, id=idea_id).first() if _oid(idea_id) else None
        if idea is None or (idea.hidden and not self.caller.has_role(city, *MODERATORS)):
            raise NotFound("Idea not found.")
        return idea

    def _idea_view(self, idea: Idea, counts: dict[tuple[str, str], int] | None = None) -> dict:
        idea_id = str(idea.id)
        # One idea's page: the organisations backing it by name (a list: their counts only).
        organisations = _organisations(idea.city, idea_id) if counts is None else None
        if counts is None:  # both kinds in one look
            rows = IdeaSupport.scoped(idea.city, idea_id=idea_id).aggregate(
                [{"$group": {"_id": "$kind", "n": {"$sum": 1}}}]
            )
            counts = {(idea_id, row["_id"]): int(row["n"]) for row in rows}
        mine: set[str] = set()
        if self.caller.user_id:
            mine = {
                s.kind
                for s in IdeaSupport.scoped(
                    idea.city, idea_id=idea_id, account_id=self.caller.user_id
                )
            }
        view = {
            "id": idea_id,
            "title": idea.title,
            "description": idea.description,
            "category": idea.category,
            "district": idea.district,
            "needs": idea.needs,
            "extra": dict(idea.extra or {}),
            "talk_id": idea.talk_id,
            "status": idea.status,
            "status_reason": idea.status_reason,
            "status_changed_at": _iso(idea.status_changed_at),
            "supporters": counts.get((idea_id, "support"), 0),
            "helpers": counts.get((idea_id, "helper"), 0),
            "i_support": "support" in mine,
            "i_help": "helper" in mine,
            "mine": bool(self.caller.user_id and idea.proposed_by == self.caller.user_id),
            "hidden": idea.hidden,
            "created_at": _iso(idea.created_at),
            "organisation_supporters": counts.get((idea_id, "org:support"), 0),
            "organisation_helpers": counts.get((idea_id, "org:helper"), 0),
        }
        if organisations is not None:
            view["organisations"] = organisations
            view["organisation_supporters"] = sum(o["as"] == "support" for o in organisations)
            view["organisation_helpers"] = sum(o["as"] == "helper" for o in organisations)
        if idea.hidden:
            view["hidden_reason"] = idea.hidden_reason
        return view

    @rpc
    def propose_idea(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        state = self._state(city)
        if state["phase"] not in ("table_talks", "closing"):
            require_join_phase(state, TABLE_TALK)
        plugins = self.city_state.plugins(city)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        base = self._idea_base(plugins)
        values = plugins.load_form(IDEA_FORM, base, data)
        if values.get("talk_id") is not None and (
            not _oid(values["talk_id"])
            or Documentation.scoped(city, talk_id=values["talk_id"]).first() is None
        ):
            message = "No documented talk with this id in this city."
            raise Invalid(message, {"talk_id": [message]})
        # The ortsteile plugin's own district choice is checked by the plugin.
        district_errors = (
            self._district_errors(city, values.get("district")) if base is IdeaSchema else {}
        )
        if district_errors:
            raise Invalid(district_errors["district"][0], district_errors)
        own = set(IdeaSchema().fields)
        extra = _jsonable({k: v for k, v in values.items() if k not in own})
        idea = Idea(
            city=city,
            title=values["title"],
            description=values["description"],
            category=values["category"],
            district=(
                self._district(city, values.get("district"))
                if base is IdeaSchema
                else values.get("district")
            ),
            needs=values["needs"],
            talk_id=values.get("talk_id"),
            extra=extra,
            proposed_by=user_id,
        ).save()
        index_idea(idea)
        self._auto_follow(city, "idea", str(idea.id), user_id)  # what becomes of my idea
        self.outbox.add(
            "idea",
            "proposed",
            {
                "idea_id": str(idea.id),
                "category": idea.category,
                "district": idea.district,
                "talk_id": idea.talk_id,
                "tags": plugins.form_tags(IDEA_FORM, values),
            },
            city=city,
            subject=str(idea.id),
            public=True,
        )
        return self._idea_view(idea)

    @rpc
    def list_ideas(self, city: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The city's ideas, newest first; ``{"district": name}`` only that district's."""
        self._state(city)
        wanted = load(IdeaFilterSchema(), filters or {})
        moderator = self.caller.has_role(city, *MODERATORS)
        query = Idea.scoped(city) if moderator else Idea.scoped(city, hidden=False)
        if wanted["district"]:
            query = query.filter(district=self._district(city, wanted["district"]))
        counts: dict[tuple[str, str], int] = {}
        hidden = reviewed(city)[1]  # organisations the city hid count nowhere
        for kind in ("support", "helper"):
            rows = IdeaSupport.scoped(city, kind=kind).aggregate(
                [{"$group": {"_id": "$idea_id", "n": {"$sum": 1}}}]
            )
            counts.update({(r["_id"], kind): int(r["n"]) for r in rows})
            rows = OrganisationSupport.scoped(
                city, kind=kind, organisation_key__nin=sorted(hidden)
            ).aggregate([{"$group": {"_id": "$idea_id", "n": {"$sum": 1}}}])
            counts.update({(r["_id"], f"org:{kind}"): int(r["n"]) for r in rows})
        return [self._idea_view(i, counts) for i in query.order_by("-created_at")]

    @rpc
    def get_idea(self, city: str, idea_id: str) -> dict[str, Any]:
        return self._idea_view(self._idea(city, idea_id))

    @rpc
    def support_idea(self, city: str, idea_id: str, kind: str = "support") -> dict[str, Any]:
        """Support an idea, or sign up to help ("Ich mache mit"): once per person."""
        user_id = self.caller.require_authenticated()
        if kind not in ("support", "helper"):
            raise NotFound()
        idea = self._idea(city, idea_id)
        if idea.hidden or idea.status == "not_pursued":
            message = "This idea is closed."
            raise Conflict(message, {"idea": [message]})
        try:
            IdeaSupport(city=city, idea_id=idea_id, kind=kind, account_id=user_id).save(
                force_insert=True
            )
        except NotUniqueError:
            pass  # once per person: a second support changes nothing
        else:
            action = "supported" if kind == "support" else "volunteered"
            self.outbox.add(
                "idea", action, {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
            self._auto_follow(city, "idea", idea_id, user_id)  # supporters hear what becomes of it
        return self._idea_view(idea)

    @rpc
    def withdraw_support(self, city: str, idea_id: str, kind: str = "support") -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        if kind not in ("support", "helper"):
            raise NotFound()
        idea = self._idea(city, idea_id)
        if IdeaSupport.scoped(city, idea_id=idea_id, kind=kind, account_id=user_id).delete():
            action = "unsupported" if kind == "support" else "unvolunteered"
            self.outbox.add(
                "idea", action, {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
        return self._idea_view(idea)

    @rpc
    def set_idea_status(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_role(city, "city_admin")
        values = load(IdeaStatusSchema(), data)
        idea = self._idea(city, idea_id)
        errors = idea_status_errors(idea.status, values["status"])
        if errors:
            raise Invalid(fields=errors)
        if idea.status != values["status"]:
            previous = idea.status
            idea.status, idea.status_reason = values["status"], values["reason"]
            idea.status_changed_at = _now()
            idea.save()
            index_idea(idea)
            self.outbox.add(
                "idea",
                "status_changed",
                {
                    "idea_id": idea_id,
                    "from": previous,
                    "to": idea.status,
                    "reason": idea.status_reason,
                },
                city=city,
                subject=idea_id,
                public=True,
            )
            self._record_admin_act(
                city, "idea.status_changed", idea_id, idea.title, values["reason"], idea.status
            )
            self._note_news(
                city, "idea_status", "idea", idea_id, idea.title, status_detail(idea.status)
            )
        return self._idea_view(idea)

    @rpc
    def hide_idea(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_role(city, *MODERATORS)
        reason = load(ReasonSchema(), data)["reason"]
        idea = self._idea(city, idea_id)
        if not idea.hidden:
            idea.hidden, idea.hidden_reason = True, reason
            idea.save()
            index_idea(idea)  # dropped: only public content is searchable
            self.outbox.add(
                "idea", "hidden", {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
            self._record_admin_act(city, "idea.hidden", idea_id, idea.title, reason)
        return self._idea_view(idea)


def _organisations(city: str, idea_id: str) -> list[dict[str, Any]]:
    """The organisations backing an idea, by name (public: no member is named); those the city
    hid are left out, those it confirmed say so."""
    confirmed, hidden = reviewed(city)
    rows = OrganisationSupport.scoped(
        city, idea_id=idea_id, organisation_key__nin=sorted(hidden)
    ).order_by("organisation_name", "kind")
    return [
        {
            "key": s.organisation_key,
            "name": s.organisation_name,
            "kind": s.organisation_kind,
            "as": s.kind,
            "confirmed": bool(s.confirmed) or s.given_by in confirmed.get(s.organisation_key, ()),
        }
        for s in rows
    ]
