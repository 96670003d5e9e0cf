"""What the scenarios service holds about a person (``services/kit/personal_data.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from mongoengine import Document

from services.kit.personal_data import Holds
from services.scenarios.models import (
    Assessment,
    AssessmentCriterion,
    ConsistencyRating,
    CrossImpactRating,
    CrossImpactResolution,
    Factor,
    InfluenceRating,
    InfluenceResolution,
    KeyFactorDecision,
    Observation,
    PairResolution,
    Project,
    Projection,
    RatingVersion,
    Run,
    Scenario,
    Topic,
)

_CREATED = {"title": "Titel", "created_at": "Angelegt am"}

PERSONAL_DATA: Mapping[type[Document], Holds] = {
    Observation: Holds(
        label="Beobachtungen und Vorhersagen",
        by=("author",),
        show={
            "kind": "Art",
            "text": "Text",
            "extra": "Weitere Angaben",
            "hidden": "Ausgeblendet",
            "created_at": "Am",
        },
        others=("hidden_by",),  # the moderator: someone else
    ),
    Project: Holds(
        label="Angelegte Szenario-Projekte",
        by=("created_by",),
        show=_CREATED,
        not_a_person=("rank_by",),  # the ranking method
    ),
    Factor: Holds(label="Eingebrachte Einflussfaktoren", by=("created_by",), show=_CREATED),
    Projection: Holds(label="Beschriebene Projektionen", by=("created_by",), show=_CREATED),
    InfluenceRating: Holds(
        label="Einflussbewertungen",
        by=("rater",),
        show={"project_id": "Projekt", "values": "Werte", "updated_at": "Am"},
    ),
    ConsistencyRating: Holds(
        label="Konsistenzbewertungen",
        by=("rater",),
        show={"project_id": "Projekt", "values": "Werte", "updated_at": "Am"},
    ),
    CrossImpactRating: Holds(
        label="Cross-Impact-Bewertungen (CIB)",
        by=("rater",),
        show={"project_id": "Projekt", "values": "Werte", "source": "Datei", "updated_at": "Am"},
    ),
    RatingVersion: Holds(
        label="Gespeicherte Stände von Bewertungsmatrizen",
        by=("rater", "by"),
        show={"kind": "Matrix", "values": "Werte", "at": "Am"},
    ),
    KeyFactorDecision: Holds(
        label="Entscheidungen über Schlüsselfaktoren",
        by=("by",),
        show={"project_id": "Projekt", "note": "Notiz", "at": "Am"},
        not_a_person=("ranked_by",),  # the ranking method
    ),
    PairResolution: Holds(
        label="Geklärte Widersprüche",
        by=("by",),
        show={"project_id": "Projekt", "value": "Wert", "note": "Notiz", "at": "Am"},
    ),
    InfluenceResolution: Holds(
        label="Geklärte Einflussbewertungen",
        by=("by",),
        show={"project_id": "Projekt", "value": "Wert", "note": "Notiz", "at": "Am"},
    ),
    CrossImpactResolution: Holds(
        label="Geklärte Cross-Impact-Bewertungen",
        by=("by",),
        show={"project_id": "Projekt", "value": "Wert", "note": "Notiz", "at": "Am"},
    ),
    Run: Holds(
        label="Gestartete Berechnungen",
        by=("requested_by",),
        show={"project_id": "Projekt", "status": "Stand", "created_at": "Am"},
    ),
    Scenario: Holds(
        label="Szenarien",
        by=("created_by", "published_by", "withdrawn_by"),
        show={"title": "Titel", "status": "Stand", "created_at": "Angelegt am"},
    ),
    AssessmentCriterion: Holds(
        label="Eigene Bewertungskriterien", by=("created_by",), show=_CREATED
    ),
    Assessment: Holds(
        label="Bewertungen von Szenarien",
        by=("rater",),
        show={"scenario_id": "Szenario", "ratings": "Bewertung", "comment": "Kommentar"},
    ),
    Topic: Holds(
        label="Vertiefungsthemen",
        by=("created_by", "submitted_by", "published_by", "withdrawn_by"),
        show={"title": "Titel", "status": "Stand", "created_at": "Angelegt am"},
    ),
}
