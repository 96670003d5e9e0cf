"""The legal pages' texts: the platform's (the operator's) and each city's part (its admins'),
versioned: a change inserts the next version and every old one stays (who, when, number).

Until someone saves a text, the shipped German template (``services/cities/legal.py``) is
shown as version 0.
"""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities.handlers.base import ADMIN, CitiesBase, _iso, _now
from services.cities.legal import KINDS, placeholders, render, template
from services.cities.models import LegalVersion
from services.cities.schemas import LegalTextSchema
from services.kit.errors import Conflict, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

DELETED = "Gelöschtes Konto"
CHANGED = "This text was changed meanwhile; please start from the current version."


def _kind(kind: Any) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        message = "There is no such legal text."
        raise NotFound(message, {"kind": [message]})
    return kind


def _latest(kind: str, city: str | None) -> LegalVersion | None:
    return LegalVersion.objects(kind=kind, city=city).order_by("-version").first()


def _view(kind: str, part: str, doc: LegalVersion | None) -> dict[str, Any]:
    body = doc.body if doc is not None else template(kind, part)
    return {
        "version": doc.version if doc is not None else 0,
        "template": doc is None,
        "body": body,
        "html": render(body, top=2 if part == "platform" else 3),
        "placeholders": placeholders(body),
        "changed_at": _iso(doc.changed_at) if doc is not None else None,
    }


class LegalHandlers(CitiesBase):
    @rpc
    def legal_text(self, kind: str, city: str | None = None) -> dict[str, Any]:
        """Public: the platform's text of ``kind`` and, for a city, the city's part."""
        kind = _kind(kind)
        named = self._city(city) if city is not None else None
        return {
            "kind": kind,
            "title": {"de": KINDS[kind].title_de, "en": KINDS[kind].title_en},
            "city": named.id if named else None,
            "city_name": named.name if named else None,
            "platform": _view(kind, "platform", _latest(kind, None)),
            "city_part": _view(kind, "city", _latest(kind, named.id)) if named else None,
        }

    @rpc
    def legal_versions(self) -> dict[str, int]:
        """Public: the current version number of each platform text (consent records it)."""
        return {kind: (doc.version if (doc := _latest(kind, None)) else 0) for kind in KINDS}

    @rpc
    def legal_history(self, kind: str, city: str | None = None) -> list[dict[str, Any]]:
        """Every saved version, newest first, with who saved it (for those who may edit)."""
        kind = _kind(kind)
        self._require_editor(city)
        docs = list(LegalVersion.objects(kind=kind, city=city).order_by("-version"))
        names = {who: self._name(who) for who in {d.changed_by for d in docs}}
        return [
            {
                "version": d.version,
                "body": d.body,
                "changed_by": d.changed_by,
                "changed_by_name": names[d.changed_by],
                "changed_at": _iso(d.changed_at),
            }
            for d in docs
        ]

    @rpc
    def update_legal_text(
        self, kind: str, city: str | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Save a new version: the operator the platform's text, a city admin the city's part."""
        kind = _kind(kind)
        self._require_editor(city)
        values = load(LegalTextSchema(), data)
        latest = _latest(kind, city)
        current = latest.version if latest else 0
        if values["base_version"] is not None and values["base_version"] != current:
            raise Conflict(CHANGED, {"body": [CHANGED]})
        if latest is not None and latest.body == values["body"]:
            return self.legal_text(kind, city)  # nothing changed (or a repeated request)
        scope = city or "-"
        try:
            LegalVersion(
                id=f"{kind}:{scope}:{current + 1}",
                kind=kind,
                city=city,
                version=current + 1,
                body=values["body"],
                changed_by=self.caller.user_id,
                changed_at=_now(),
            ).save(force_insert=True)
        except NotUniqueError as exc:  # another editor saved this number first
            raise Conflict(CHANGED, {"body": [CHANGED]}) from exc
        # Internal: the gateways drop their cached pages (footer texts, consent versions).
        self.outbox.add(
            "legal_text",
            "changed",
            {"kind": kind, "city": city, "version": current + 1},
            city=city,
            subject=f"{kind}:{scope}",
        )
        return self.legal_text(kind, city)

    def _require_editor(self, city: str | None) -> None:
        if city is None:
            self.caller.require_operator()
        else:
            self._require(city, ADMIN)

    def _name(self, account_id: str) -> str:
        try:
            return str(self.identity.account_summary(account_id)["display_name"])
        except NotFound:
            return DELETED
