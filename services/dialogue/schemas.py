"""Input schemas of the dialogue service (also feed the gateway's OpenAPI document)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from services.dialogue.models import IDEA_STATUSES, TALK_ACCESS, TALK_FORMATS
from services.kit.schemas import StrictSchema, multiline

MAX_CAPACITY = 500
MAX_DURATION = timedelta(hours=24)
IDEA_CATEGORIES = (
    "mobility",
    "environment",
    "housing",
    "social",
    "culture",
    "education",
    "economy",
    "digital",
    "participation",
    "other",
)


def _text(low: int, high: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=low, max=high), **kwargs)


def _long_text(low: int, high: int, **kwargs: Any) -> fields.String:
    """A text that may have several lines (the kit refuses line breaks everywhere else)."""
    kwargs["metadata"] = multiline(**kwargs.get("metadata", {}))
    return _text(low, high, **kwargs)


def _title(de: str, en: str) -> dict[str, str]:
    # Read by services.dialogue.forms into the JSON schema pages render.
    return {"title_de": de, "title_en": en}


class TopicSchema(StrictSchema):
    """A citizen's own topic (Herzensangelegenheit)."""

    title = _text(3, 120, required=True)
    description = _long_text(0, 2000, load_default="")
    guiding_question = _text(3, 300, load_default=None)


class ReasonSchema(StrictSchema):
    reason = _long_text(3, 1000, required=True)


class TalkSchema(StrictSchema):
    title = _text(3, 120, required=True)
    topic_id = fields.String(load_default=None, validate=validate.Length(max=64))
    description = _long_text(0, 4000, load_default="")
    format = fields.String(required=True, validate=validate.OneOf(TALK_FORMATS))
    address = _text(3, 200, load_default=None)
    district = _text(1, 80, load_default=None)
    link = fields.Url(
        load_default=None, schemes={"http", "https"}, validate=validate.Length(max=500)
    )
    starts_at = fields.AwareDateTime(required=True, default_timezone=None)
    ends_at = fields.AwareDateTime(required=True, default_timezone=None)
    capacity = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_CAPACITY)
    )
    access = fields.String(load_default="open", validate=validate.OneOf(TALK_ACCESS))
    language = fields.String(load_default="de", validate=validate.Regexp(r"^[a-z]{2}$"))
    accessibility = _long_text(0, 1000, load_default="")

    # Run even when some fields failed (``skip_on_field_errors=False``): every error of a
    # submit at once. ``original`` tells a field left empty from one refused for its own reason.
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _consistent(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                errors["ends_at"] = ["The end must be after the start."]
            elif ends - starts > MAX_DURATION:
                errors["ends_at"] = ["A talk lasts at most 24 hours."]
        given = original if isinstance(original, dict) else {}
        kind = data.get("format")
        needed = dict(IN_PERSON_NEEDS) if kind in ("in_person", "hybrid") else {}
        if kind in ("online", "hybrid"):
            needed["link"] = "An online talk needs a link."
        for name, message in needed.items():
            if not data.get(name) and not _refused(given, data, name):
                errors[name] = [message]
        if errors:
            raise ValidationError(errors)


# What a talk in person needs, each named in its own message (the form marks both fields
# "Pflicht bei Gespräch vor Ort").
IN_PERSON_NEEDS = {
    "address": "A talk in person needs an address.",
    "district": "A talk in person needs a district.",
}


def _refused(original: dict[str, Any], data: dict[str, Any], name: str) -> bool:
    """``name`` was sent but did not load: the field's own message speaks for it."""
    return original.get(name) is not None and name not in data


class TalkFilterSchema(StrictSchema):
    topic = fields.String(load_default=None, validate=validate.Length(max=64))
    district = fields.String(load_default=None, validate=validate.Length(max=80))
    date = fields.Date(load_default=None)
    free = fields.Boolean(load_default=None)
    # Vergangene Gespräche: only the talks that have ended, the latest first.
    past = fields.Boolean(load_default=False)
    kind = fields.String(
        load_default=None, validate=validate.OneOf(["table_talk", "scenario_conversation"])
    )


class CancelTalkSchema(StrictSchema):
    reason = _long_text(3, 1000, required=True)


class JoinSchema(StrictSchema):
    token = fields.String(load_default=None, validate=validate.Length(max=1000))


class TokenSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


GUEST_CONSENT_NEEDED = "Agree to the privacy notice to join as a guest."


class GuestJoinSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    name = _text(1, 80, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    # GDPR Art. 7: an explicit yes to the privacy notice, recorded with the version shown.
    privacy_consent = fields.Boolean(
        required=True,
        error_messages={"required": GUEST_CONSENT_NEEDED},
        metadata={"description": "Must be true: the guest agrees to the privacy notice."},
    )
    privacy_version = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100_000))

    @validates("privacy_consent")
    def _consent(self, value: bool, **_: object) -> None:
        if value is not True:
            raise ValidationError(GUEST_CONSENT_NEEDED)


class InvitationCreateSchema(StrictSchema):
    email = fields.Email(load_default=None, validate=validate.Length(max=254))


class InsightSchema(StrictSchema):
    question = _long_text(1, 500, required=True)
    answer = _long_text(1, 4000, required=True)


class ObservationSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["observation", "forecast"]))
    text = _long_text(3, 2000, required=True)


class TalkDocumentationSchema(StrictSchema):
    """The base of the documentation form; the city's plugins add their fields."""

    participants = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_CAPACITY),
        metadata=_title("Anzahl der Teilnehmenden", "Number of participants"),
    )
    summary = _long_text(10, 10_000, required=True, metadata=_title("Zusammenfassung", "Summary"))
    insights = fields.List(
        fields.Nested(InsightSchema),
        load_default=list,
        validate=validate.Length(max=20),
        metadata=_title("Erkenntnisse je Leitfrage", "Insights per guiding question"),
    )
    ideas = fields.List(
        _text(3, 500),
        load_default=list,
        validate=validate.Length(max=20),
        metadata=_title("Genannte Ideen", "Ideas raised"),
    )
    photos = fields.List(
        fields.Url(schemes={"http", "https"}, validate=validate.Length(max=500)),
        load_default=list,
        validate=validate.Length(max=10),
        metadata=_title("Fotos (Links, freiwillig)", "Photos (links, optional)"),
    )


class ConversationDocumentationSchema(TalkDocumentationSchema):
    """Conversations of the scenario phase also ask for observations and forecasts."""

    observations = fields.List(
        fields.Nested(ObservationSchema),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata=_title(
            "Beobachtungen und Prognosen der Teilnehmenden",
            "Participants' observations and forecasts",
        ),
    )


class IdeaBaseSchema(StrictSchema):
    """A project idea without the district: used when a plugin (ortsteile) asks for it."""

    title = _text(3, 120, required=True, metadata=_title("Titel", "Title"))
    description = _long_text(
        10, 4000, required=True, metadata=_title("Beschreibung", "Description")
    )
    category = fields.String(
        required=True,
        validate=validate.OneOf(IDEA_CATEGORIES),
        metadata=_title("Bereich", "Category"),
    )
    needs = _long_text(
        0, 2000, load_default="", metadata=_title("Was gebraucht wird", "What is needed")
    )
    talk_id = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata=_title("Aus dem Tischgespräch", "From the table talk"),
    )


class IdeaSchema(IdeaBaseSchema):
    district = _text(1, 80, load_default=None, metadata=_title("Stadtteil", "District"))


def idea_schema_with_districts(names: list[str]) -> type[IdeaSchema]:
    """The idea form of a city with uploaded districts: the district is one of them (shown
    as a choice; ``propose_idea`` checks it with its own message)."""
    district = fields.String(
        load_default=None,
        validate=validate.OneOf(names),
        metadata=_title("Stadtteil", "District"),
    )
    return type("IdeaDistrictSchema", (IdeaSchema,), {"district": district})


class IdeaFilterSchema(StrictSchema):
    district = fields.String(load_default=None, validate=validate.Length(max=80))


class IdeaStatusSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(IDEA_STATUSES))
    reason = _long_text(3, 1000, required=True)


class CommentSchema(StrictSchema):
    """A comment or a reply (``parent_id``: the comment it answers)."""

    body = _long_text(2, 2000, required=True)
    parent_id = fields.String(load_default=None, validate=validate.Length(max=64))


class CommentEditSchema(StrictSchema):
    body = _long_text(2, 2000, required=True)


class NotificationPageSchema(StrictSchema):
    """A page of one's notifications (``/api/v1/me/notifications?page=2&per_page=20``)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
