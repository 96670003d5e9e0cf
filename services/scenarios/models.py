"""Documents of the scenarios service (database ``<prefix>_scenarios``).

Every document belongs to one city (``TenantDocument``) and every index starts with ``city``.
FerretDB stores no nested arrays, so rating matrices are kept row-major in flat lists next to
the ids that name their rows and columns, and a run's snapshot and result (deeply nested,
read and written as a whole) are kept as JSON text. One rater's matrix is one document per
rater (unique index), replaced whole when the rater submits again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from services.kit.search_index import search_entry_document
from services.kit.tenancy import TenantDocument

ALIAS = "scenarios"
SOURCES = ("working_group", "observation")
RUN_STATUSES = ("queued", "running", "finished", "failed")
TOPIC_STATUSES = ("draft", "review", "published", "withdrawn")
SCENARIO_STATUSES = ("draft", "published", "withdrawn")
RATING_KINDS = ("influence", "consistency", "cross_impact")
OBSERVATION_KINDS = ("observation", "forecast")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Project(TenantDocument):
    """The scenario project of a city and cohort year, with its method settings."""

    cohort_year = IntField(required=True)
    title = StringField(required=True, max_length=200)
    description = StringField(max_length=4000, default="")
    influence_threshold = StringField(choices=("mean", "median"), default="mean")
    rank_by = StringField(choices=("dynamics", "active", "impulse", "micmac"), default="dynamics")
    key_factor_count = IntField(min_value=2, max_value=30, default=8)
    aggregation = StringField(choices=("median", "mean", "min"), default="median")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "projects",
        "indexes": [{"fields": ("city", "cohort_year"), "unique": True}],
    }


class Factor(TenantDocument):
    project_id = StringField(required=True)
    title = StringField(required=True, max_length=200)
    description = StringField(max_length=4000, default="")
    # the factor's profile sheet ("Steckbrief"): how it is measured, where it stands, from where
    indicators = StringField(max_length=2000, default="")
    current_state = StringField(max_length=4000, default="")
    sources = StringField(max_length=2000, default="")
    source = StringField(required=True, choices=SOURCES)
    observation_id = StringField()
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "factors", "indexes": [("city", "project_id")]}


class InfluenceRating(TenantDocument):
    project_id = StringField(required=True)
    rater = StringField(required=True)
    factor_ids = ListField(StringField())
    values = ListField()  # row-major floats, None = not judged (FloatField refuses None)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "influence_ratings",
        "indexes": [{"fields": ("city", "project_id", "rater"), "unique": True}],
    }


class KeyFactorDecision(TenantDocument):
    """Every decision is kept; the latest one is in force."""

    project_id = StringField(required=True)
    factor_ids = ListField(StringField())
    suggestion = ListField(StringField())  # the engine's ranking at the time, top N
    ranked_by = StringField()
    note = StringField(max_length=4000)
    by = StringField(required=True)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "key_factor_decisions",
        "indexes": [("city", "project_id", "at")],
    }


class Projection(TenantDocument):
    project_id = StringField(required=True)
    factor_id = StringField(required=True)
    title = StringField(required=True, max_length=300)
    description = StringField(max_length=4000, default="")
    probability = FloatField(null=True)
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "projections",
        "indexes": [("city", "project_id", "factor_id")],
    }


class ConsistencyRating(TenantDocument):
    project_id = StringField(required=True)
    rater = StringField(required=True)
    projection_ids = ListField(StringField())
    values = ListField()  # row-major floats, symmetric, None = not judged
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "consistency_ratings",
        "indexes": [{"fields": ("city", "project_id", "rater"), "unique": True}],
    }


class CrossImpactRating(TenantDocument):
    """A cross-impact (CIB) judgement matrix of one rater over the projections: row = the
    impacting projection, −3…+3, not symmetric (own-key-factor blocks are not judged). Entered
    on the CIB page or taken from a ScenarioWizard import; a run's CIB uses the raters' mean
    (with the facilitator's resolutions) when there is one."""

    project_id = StringField(required=True)
    rater = StringField(required=True)
    projection_ids = ListField(StringField())
    values = ListField()  # row-major floats, None = not judged
    source = StringField(max_length=300)  # the imported file's name
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "cross_impact_ratings",
        "indexes": [{"fields": ("city", "project_id", "rater"), "unique": True}],
    }


class RatingVersion(TenantDocument):
    """One saved state of one rater's matrix (influence, consistency or cross-impact), kept on
    every save so a facilitator can see who changed it when and restore an earlier state.
    Inserted, never changed: a restore is a new version (``restored_from`` names the old)."""

    project_id = StringField(required=True)
    kind = StringField(required=True, choices=RATING_KINDS)
    rater = StringField(required=True)  # whose matrix
    ids = ListField(StringField())  # factor or projection ids of the rows and columns
    values = ListField()  # row-major floats, None = not judged
    by = StringField(required=True)  # who saved it (the rater, or a facilitator restoring)
    at = DateTimeField(default=utcnow)
    restored_from = StringField()

    meta = {
        "db_alias": ALIAS,
        "collection": "rating_versions",
        "indexes": [("city", "project_id", "kind", "at")],
    }


class PairResolution(TenantDocument):
    """The facilitator's value for one pair of projections (``a`` < ``b``)."""

    project_id = StringField(required=True)
    a = StringField(required=True)
    b = StringField(required=True)
    value = IntField(required=True)
    note = StringField(max_length=2000)
    by = StringField(required=True)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "pair_resolutions",
        "indexes": [{"fields": ("city", "project_id", "a", "b"), "unique": True}],
    }


class InfluenceResolution(TenantDocument):
    """The facilitator's value for one disputed influence cell: how strongly factor ``a``
    changes factor ``b`` (directed, unlike a pair of projections)."""

    project_id = StringField(required=True)
    a = StringField(required=True)
    b = StringField(required=True)
    value = IntField(required=True)
    note = StringField(max_length=2000)
    by = StringField(required=True)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "influence_resolutions",
        "indexes": [{"fields": ("city", "project_id", "a", "b"), "unique": True}],
    }


class CrossImpactResolution(TenantDocument):
    """The facilitator's value for one disputed cross-impact cell: how projection ``a``
    promotes (+) or restricts (−) projection ``b`` (directed)."""

    project_id = StringField(required=True)
    a = StringField(required=True)
    b = StringField(required=True)
    value = IntField(required=True)
    note = StringField(max_length=2000)
    by = StringField(required=True)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "cross_impact_resolutions",
        "indexes": [{"fields": ("city", "project_id", "a", "b"), "unique": True}],
    }


class Run(TenantDocument):
    project_id = StringField(required=True)
    status = StringField(required=True, choices=RUN_STATUSES, default="queued")
    stage = StringField(default="queued")
    progress = FloatField(default=0.0)
    parameters = DictField()
    snapshot = StringField(required=True)  # JSON: the inputs, frozen
    result = StringField()  # JSON: what compute() returned
    timings = DictField()
    summary = DictField()  # counts and the clustering's choice, for the list of runs
    error = StringField()
    rerun_of = StringField()
    requested_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField()
    finished_at = DateTimeField()

    meta = {"db_alias": ALIAS, "collection": "runs", "indexes": [("city", "project_id")]}


SCENARIO_ORIGINS = ("run", "import")


class Scenario(TenantDocument):
    """Written from a finished run's raw scenario (``origin`` "run": ``run_id`` and ``cluster``
    name it) or taken over from a project file (``origin`` "import": no run, so no cluster and
    no profile; its projections are the project's own, read as they are now)."""

    project_id = StringField(required=True)
    origin = StringField(choices=SCENARIO_ORIGINS, default="run")
    run_id = StringField()  # None when imported
    cluster = IntField()  # None when imported
    title = StringField(required=True, max_length=200)
    narrative = StringField(max_length=20000, default="")
    projection_ids = ListField(StringField())
    status = StringField(choices=SCENARIO_STATUSES, default="draft")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    published_by = StringField()
    published_at = DateTimeField()
    # Withdrawn: citizens no longer see it; the reason is for the facilitators.
    withdrawn_reason = StringField(max_length=2000)
    withdrawn_by = StringField()
    withdrawn_at = DateTimeField()

    meta = {"db_alias": ALIAS, "collection": "scenarios", "indexes": [("city", "status")]}


class AssessmentCriterion(TenantDocument):
    """A criterion the facilitator adds to the city's assessment (beside the base criteria and
    the plugins'): rated 1..5 and optional, like a plugin's. Its id in assessments is
    ``c-<id>``."""

    project_id = StringField(required=True)
    title = StringField(required=True, max_length=200)
    description = StringField(max_length=1000, default="")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "assessment_criteria",
        "indexes": [("city", "project_id")],
    }


class Assessment(TenantDocument):
    """One rater's assessment of one published scenario (criterion id → 1..5)."""

    scenario_id = StringField(required=True)
    rater = StringField(required=True)
    ratings = DictField()
    comment = StringField(max_length=4000, default="")
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "assessments",
        "indexes": [{"fields": ("city", "scenario_id", "rater"), "unique": True}],
    }


class Topic(TenantDocument):
    """A deep-dive topic (Vertiefungsthema): drafted, reviewed, published."""

    project_id = StringField(required=True)
    title = StringField(required=True, max_length=200)
    guiding_question = StringField(required=True, max_length=500)
    description = StringField(max_length=10000, default="")
    scenario_ids = ListField(StringField())
    factor_ids = ListField(StringField())
    questions = ListField(StringField(max_length=500))
    status = StringField(choices=TOPIC_STATUSES, default="draft")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_by = StringField()
    submitted_at = DateTimeField()
    published_by = StringField()
    published_at = DateTimeField()
    withdrawn_reason = StringField(max_length=2000)
    withdrawn_by = StringField()
    withdrawn_at = DateTimeField()

    meta = {"db_alias": ALIAS, "collection": "topics", "indexes": [("city", "status")]}


class Observation(TenantDocument):
    """A citizen's observation or forecast, submitted here or at a table talk.

    Observations that come from the dialogue service's facts get an ``_id`` derived from the
    fact's id, so a redelivered fact is the same insert and fails on the primary key."""

    kind = StringField(required=True, choices=OBSERVATION_KINDS)
    text = StringField(required=True, max_length=2000)
    factor_id = StringField()
    candidate = BooleanField(default=False)  # facilitators: a candidate for a new factor
    extra = DictField()  # the plugins' form fields
    tags = ListField(StringField())
    author = StringField()  # account id; never leaves in a public fact
    source = StringField(required=True, choices=("citizen", "table_talk"))
    talk_id = StringField()
    hidden = BooleanField(default=False)
    hidden_reason = StringField(max_length=2000)
    hidden_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "observations",
        "indexes": [("city", "hidden"), ("city", "author")],
    }


MODELS = (
    Project,
    Factor,
    InfluenceRating,
    KeyFactorDecision,
    Projection,
    ConsistencyRating,
    CrossImpactRating,
    RatingVersion,
    PairResolution,
    InfluenceResolution,
    CrossImpactResolution,
    Run,
    Scenario,
    AssessmentCriterion,
    Assessment,
    Topic,
    Observation,
)

# The token index of the published scenarios (services/kit/search_index.py).
SearchEntry = search_entry_document(ALIAS, __name__)
MODELS = (*MODELS, SearchEntry)
