"""Input schemas of the events service (also feed the gateway's OpenAPI document)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.events.models import NEXT_STEP_STATUSES, PARTNER_KINDS
from services.kit.schemas import StrictSchema, multiline

TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
URL = validate.URL(schemes={"https"}, require_tld=True)


class VenueSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address = fields.String(load_default="", validate=validate.Length(max=300))
    district = fields.String(load_default="", validate=validate.Length(max=80))
    online_url = fields.String(load_default=None, allow_none=True, validate=URL)
    directions = fields.String(
        load_default="", validate=validate.Length(max=2000), metadata=multiline()
    )


class PartnerSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(PARTNER_KINDS))
    role = fields.String(load_default="", validate=validate.Length(max=200))


class AgendaItemSchema(StrictSchema):
    time = fields.String(required=True, validate=validate.Regexp(TIME_OF_DAY))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(
        load_default="", validate=validate.Length(max=2000), metadata=multiline()
    )
    speakers = fields.String(load_default="", validate=validate.Length(max=300))


class AccessibilitySchema(StrictSchema):
    step_free = fields.Boolean(load_default=False)
    hearing_loop = fields.Boolean(load_default=False)
    sign_language = fields.Boolean(load_default=False)
    easy_language = fields.Boolean(load_default=False)
    childcare = fields.Boolean(load_default=False)
    notes = fields.String(load_default="", validate=validate.Length(max=2000), metadata=multiline())


END_BEFORE_START = "The end must be after the start."
CLOSES_AFTER_START = "Registration must close before the event starts."
OPENS_AFTER_CLOSING = "Registration must open before it closes and before the event starts."


class ClosingEventSchema(StrictSchema):
    """A closing event as city admins and partners write it (all fields; PUT replaces)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(
        load_default="", validate=validate.Length(max=5000), metadata=multiline()
    )
    starts_at = fields.AwareDateTime(required=True, default_timezone=None)
    ends_at = fields.AwareDateTime(required=True, default_timezone=None)
    venue = fields.Nested(VenueSchema, required=True)
    partners = fields.List(
        fields.Nested(PartnerSchema), load_default=list, validate=validate.Length(max=50)
    )
    agenda = fields.List(
        fields.Nested(AgendaItemSchema), load_default=list, validate=validate.Length(max=60)
    )
    accessibility = fields.Nested(AccessibilitySchema, load_default=dict)
    capacity = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=100_000)
    )
    # Announced early, registration later: empty means "from publication on".
    registration_opens_at = fields.AwareDateTime(
        load_default=None, allow_none=True, default_timezone=None
    )
    registration_closes_at = fields.AwareDateTime(
        load_default=None, allow_none=True, default_timezone=None
    )

    @validates_schema
    def _times(self, data: dict[str, Any], **_: Any) -> None:
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError(END_BEFORE_START, "ends_at")
        closes = data.get("registration_closes_at")
        if starts and closes and closes > starts:
            raise ValidationError(CLOSES_AFTER_START, "registration_closes_at")
        opens = data.get("registration_opens_at")
        if opens and any(limit and opens >= limit for limit in (closes, starts)):
            raise ValidationError(OPENS_AFTER_CLOSING, "registration_opens_at")


class CancelSchema(StrictSchema):
    reason = fields.String(
        required=True, validate=validate.Length(min=1, max=1000), metadata=multiline()
    )


class RegistrationSchema(StrictSchema):
    needs = fields.String(load_default="", validate=validate.Length(max=1000), metadata=multiline())


class NextStepSchema(StrictSchema):
    what = fields.String(required=True, validate=validate.Length(min=1, max=500))
    owner_organisation = fields.String(required=True, validate=validate.Length(min=1, max=200))
    contact_role = fields.String(load_default="", validate=validate.Length(max=200))
    due_date = fields.Date(load_default=None, allow_none=True)
    status = fields.String(load_default="planned", validate=validate.OneOf(NEXT_STEP_STATUSES))
    note = fields.String(load_default="", validate=validate.Length(max=2000), metadata=multiline())


class NextStepChangeSchema(StrictSchema):
    """A partial change of a next step: only the fields sent change."""

    what = fields.String(validate=validate.Length(min=1, max=500))
    owner_organisation = fields.String(validate=validate.Length(min=1, max=200))
    contact_role = fields.String(validate=validate.Length(max=200))
    due_date = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(NEXT_STEP_STATUSES))
    note = fields.String(validate=validate.Length(max=2000), metadata=multiline())
