"""Search of a city over the API: the same merged hits as the search page."""

from __future__ import annotations

from flask import Response, request
from marshmallow import fields, validate

from gateway.api.common import json_response
from gateway.api.dialogue.base import CITY, TAG, bp
from gateway.api.docs import documented
from gateway.search import KIND_NAMES, search_city
from services.dialogue.models import IDEA_STATUSES
from services.kit.schemas import StrictSchema, load
from services.kit.search_terms import MAX_QUERY_CHARS


class SearchQuerySchema(StrictSchema):
    q = fields.String(required=True, metadata={"verbatim": True})
    kind = fields.String(load_default=None, validate=validate.OneOf(list(KIND_NAMES)))
    status = fields.String(load_default=None, validate=validate.OneOf(IDEA_STATUSES))


@bp.get(f"{CITY}/search")
@documented(
    "Search the city's public talks, ideas, topics, scenarios and comments (German word "
    "forms; query ``q``, optional ``kind`` and idea ``status``; ``q`` is read up to 200 "
    "characters, never as a pattern); best first, at most 50",
    TAG,
    errors=(404, 422),
)
def search(slug: str) -> Response:
    values = load(SearchQuerySchema(), request.args.to_dict())
    query = " ".join(values["q"][:MAX_QUERY_CHARS].split())
    found = search_city(slug, query, values["kind"], values["status"]) if query else None
    return json_response(found or {"results": [], "total": 0, "incomplete": False})
