"""What the API answers: documents turned into JSON-ready dicts (pure: attributes only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema

from plugins.manager import describe_schema


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def project(p: Any, overview: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "city": p.city,
        "cohort_year": p.cohort_year,
        "title": p.title,
        "description": p.description,
        "settings": {
            "influence_threshold": p.influence_threshold,
            "rank_by": p.rank_by,
            "key_factor_count": p.key_factor_count,
            "aggregation": p.aggregation,
        },
        "created_at": iso(p.created_at),
        "overview": overview,
    }


def factor(f: Any, observations: int, key: bool) -> dict[str, Any]:
    return {
        "id": str(f.id),
        "title": f.title,
        "description": f.description,
        "indicators": f.indicators or "",
        "current_state": f.current_state or "",
        "sources": f.sources or "",
        "source": f.source,
        "observation_id": f.observation_id,
        "key": key,
        "observations": observations,
        "created_at": iso(f.created_at),
    }


def projection(p: Any) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "factor_id": p.factor_id,
        "title": p.title,
        "description": p.description,
        "probability": p.probability,
    }


def run(r: Any, number: int | None = None) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "number": number,
        "status": r.status,
        "stage": r.stage,
        "progress": r.progress,
        "parameters": dict(r.parameters or {}),
        "rerun_of": r.rerun_of,
        "error": r.error,
        "timings": dict(r.timings or {}),
        "summary": dict(r.summary or {}),
        "created_at": iso(r.created_at),
        "started_at": iso(r.started_at),
        "finished_at": iso(r.finished_at),
    }


def observation(o: Any, caller_id: str | None, moderator: bool) -> dict[str, Any]:
    view = {
        "id": str(o.id),
        "kind": o.kind,
        "text": o.text,
        "factor_id": o.factor_id,
        "candidate": o.candidate,
        "source": o.source,
        "talk_id": o.talk_id,
        "extra": dict(o.extra or {}),
        "tags": list(o.tags or []),
        "mine": bool(caller_id) and o.author == caller_id,
        "hidden": o.hidden,
        "created_at": iso(o.created_at),
    }
    if moderator:
        view["hidden_reason"] = o.hidden_reason
    return view


def topic(t: Any) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "title": t.title,
        "guiding_question": t.guiding_question,
        "description": t.description,
        "scenario_ids": list(t.scenario_ids),
        "factor_ids": list(t.factor_ids),
        "questions": list(t.questions),
        "status": t.status,
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
        "submitted_at": iso(t.submitted_at),
        "published_at": iso(t.published_at),
        "withdrawn_reason": t.withdrawn_reason,
        "withdrawn_at": iso(t.withdrawn_at),
    }


def form(name: str, schema: type[Schema], base: type[Schema]) -> dict[str, Any]:
    """A form as JSON schema for pages: types, limits, enums and required fields, with each
    field's German title (``title``) and English title (``x-title-en``) from its metadata;
    ``extra`` names the fields the city's plugins added to ``base``."""
    described = describe_schema(schema)
    properties = described.get("properties", {})
    for key, field in schema._declared_fields.items():
        prop = properties.get(field.data_key or key)
        meta = field.metadata or {}
        if prop is None:
            continue
        if meta.get("title_de"):
            prop["title"] = meta["title_de"]
        if meta.get("title_en"):
            prop["x-title-en"] = meta["title_en"]
    return {
        "form": name,
        "schema": described,
        "extra": [k for k in schema._declared_fields if k not in base._declared_fields],
    }
