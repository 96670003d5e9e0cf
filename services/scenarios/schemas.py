"""Input schemas of the scenarios service (also feed the gateway's OpenAPI document).

Matrices are lists of rows; a cell is an integer on the scale or ``null`` (not judged), so a
value outside the scale is named by its position, e.g. ``matrix.3.5``.
"""

from __future__ import annotations

from marshmallow import fields, validate

from services.kit.schemas import StrictSchema, multiline
from services.scenarios.engine.clustering import LINKAGES
from services.scenarios.models import OBSERVATION_KINDS, SOURCES

INFLUENCE_SCALE = (0, 3)
CONSISTENCY_SCALE = (1, 5)
CROSS_IMPACT_SCALE = (-3, 3)  # CIB judgements: −3 strongly restricts … +3 strongly promotes
MAX_FACTORS = 60
MAX_PROJECTIONS_PER_FACTOR = 6  # ScMI practice: two to five per key factor
MAX_PROJECTIONS = 30 * MAX_PROJECTIONS_PER_FACTOR  # at most 30 key factors


def _text(max_length: int, required: bool = False, lines: bool = False, **kw):  # noqa: ANN202
    """A text field; ``lines=True`` for texts of several lines (descriptions, narratives)."""
    if lines:
        kw["metadata"] = multiline()
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kw)
    return fields.String(load_default="", validate=validate.Length(max=max_length), **kw)


def _long(max_length: int, **kw) -> fields.String:  # noqa: ANN003
    """An optional multi-line text without a default (a partial update sends what changes)."""
    return fields.String(validate=validate.Length(max=max_length), metadata=multiline(), **kw)


def _matrix(lo: int, hi: int, size: int) -> fields.List:
    cell = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=lo, max=hi))
    return fields.List(
        fields.List(cell, validate=validate.Length(max=size)),
        required=True,
        validate=validate.Length(max=size),
    )


def _ids(max_length: int, required: bool = True) -> fields.List:
    item = fields.String(validate=validate.Length(min=1, max=64))
    if required:
        return fields.List(item, required=True, validate=validate.Length(max=max_length))
    return fields.List(item, load_default=list, validate=validate.Length(max=max_length))


class ProjectSchema(StrictSchema):
    title = _text(200, required=True)
    description = _text(4000, lines=True)
    influence_threshold = fields.String(
        load_default="mean", validate=validate.OneOf(["mean", "median"])
    )
    rank_by = fields.String(
        load_default="dynamics",
        validate=validate.OneOf(["dynamics", "active", "impulse", "micmac"]),
    )
    key_factor_count = fields.Integer(
        strict=True, load_default=8, validate=validate.Range(min=2, max=30)
    )
    aggregation = fields.String(
        load_default="median", validate=validate.OneOf(["median", "mean", "min"])
    )


class ProjectUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = _long(4000)
    influence_threshold = fields.String(validate=validate.OneOf(["mean", "median"]))
    rank_by = fields.String(validate=validate.OneOf(["dynamics", "active", "impulse", "micmac"]))
    key_factor_count = fields.Integer(strict=True, validate=validate.Range(min=2, max=30))
    aggregation = fields.String(validate=validate.OneOf(["median", "mean", "min"]))


class FactorSchema(StrictSchema):
    title = _text(200, required=True)
    description = _text(4000, lines=True)
    indicators = _text(2000, lines=True)
    current_state = _text(4000, lines=True)
    sources = _text(2000, lines=True)
    source = fields.String(load_default="working_group", validate=validate.OneOf(SOURCES))
    observation_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class FactorUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = _long(4000)
    indicators = _long(2000)
    current_state = _long(4000)
    sources = _long(2000)


class InfluenceRatingSchema(StrictSchema):
    factor_ids = _ids(MAX_FACTORS)
    matrix = _matrix(*INFLUENCE_SCALE, MAX_FACTORS)


class KeyFactorDecisionSchema(StrictSchema):
    factor_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=2, max=30),
    )
    note = _long(4000, load_default=None)


class ProjectionSchema(StrictSchema):
    factor_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = _text(300, required=True)
    description = _text(4000, lines=True)
    probability = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
    )


class ProjectionUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=300))
    description = _long(4000)
    probability = fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=1, min_inclusive=False)
    )


class ConsistencyRatingSchema(StrictSchema):
    projection_ids = _ids(MAX_PROJECTIONS)
    matrix = _matrix(*CONSISTENCY_SCALE, MAX_PROJECTIONS)


# A resolution has no default value: the facilitator must choose one, and is told so by name.
_CHOOSE_VALUE = {
    "required": "Choose the value that settles this disagreement.",
    "null": "Choose the value that settles this disagreement.",
}


class ResolutionSchema(StrictSchema):
    a = fields.String(required=True, validate=validate.Length(min=1, max=64))
    b = fields.String(required=True, validate=validate.Length(min=1, max=64))
    value = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(*CONSISTENCY_SCALE),
        error_messages=_CHOOSE_VALUE,
    )
    note = _long(2000, load_default=None)


class InfluenceResolutionSchema(StrictSchema):
    """The facilitator's value for the influence of factor ``a`` on factor ``b``."""

    a = fields.String(required=True, validate=validate.Length(min=1, max=64))
    b = fields.String(required=True, validate=validate.Length(min=1, max=64))
    value = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(*INFLUENCE_SCALE),
        error_messages=_CHOOSE_VALUE,
    )
    note = _long(2000, load_default=None)


class CrossImpactRatingSchema(StrictSchema):
    projection_ids = _ids(MAX_PROJECTIONS)
    matrix = _matrix(*CROSS_IMPACT_SCALE, MAX_PROJECTIONS)


class CrossImpactResolutionSchema(StrictSchema):
    """The facilitator's value for the cross impact of projection ``a`` on projection ``b``."""

    a = fields.String(required=True, validate=validate.Length(min=1, max=64))
    b = fields.String(required=True, validate=validate.Length(min=1, max=64))
    value = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(*CROSS_IMPACT_SCALE),
        error_messages=_CHOOSE_VALUE,
    )
    note = _long(2000, load_default=None)


class RunSchema(StrictSchema):
    top = fields.Integer(strict=True, load_default=100, validate=validate.Range(min=1, max=1000))
    max_partial = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=0)
    )
    missing = fields.String(load_default="error", validate=validate.OneOf(["error", "neutral"]))
    linkage = fields.String(load_default="average", validate=validate.OneOf(LINKAGES))
    n_clusters = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=30)
    )
    max_clusters = fields.Integer(
        strict=True, load_default=10, validate=validate.Range(min=2, max=30)
    )
    theta = fields.Float(load_default=0.5, validate=validate.Range(min=0.05, max=1))
    with_cib = fields.Boolean(load_default=False)
    cib_max_ic = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=5))


class ScenarioSchema(StrictSchema):
    run_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    cluster = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = _text(200, required=True)
    narrative = _text(20000, lines=True)
    projection_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=None,
        validate=validate.Length(max=60),
    )


class ImportedScenarioSchema(StrictSchema):
    """A scenario from a project file: no run; its projections by their place in the file."""

    title = _text(200, required=True)
    narrative = _text(20000, lines=True)
    projections = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=0)),
        load_default=list,
        validate=validate.Length(max=60),
    )


class ScenarioUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    narrative = _long(20000)
    projection_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), validate=validate.Length(max=60)
    )


class ObservationSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OBSERVATION_KINDS))
    text = _text(2000, required=True, lines=True)
    factor_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class ObservationTriageSchema(StrictSchema):
    factor_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))
    candidate = fields.Boolean()


class HideSchema(StrictSchema):
    reason = _text(2000, required=True, lines=True)


class AssessmentSchema(StrictSchema):
    ratings = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=120)),
        values=fields.Integer(strict=True, validate=validate.Range(*(1, 5))),
        required=True,
    )
    comment = _text(4000, lines=True)


class CriterionSchema(StrictSchema):
    title = _text(200, required=True)
    description = _text(1000, lines=True)


class CriterionUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = _long(1000)


class TopicSchema(StrictSchema):
    title = _text(200, required=True)
    guiding_question = _text(500, required=True)
    description = _text(10000, lines=True)
    scenario_ids = _ids(30, required=False)
    factor_ids = _ids(60, required=False)
    questions = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class TopicUpdateSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    guiding_question = fields.String(validate=validate.Length(min=1, max=500))
    description = _long(10000)
    scenario_ids = fields.List(fields.String(), validate=validate.Length(max=30))
    factor_ids = fields.List(fields.String(), validate=validate.Length(max=60))
    questions = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)), validate=validate.Length(max=20)
    )
