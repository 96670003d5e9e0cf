"""Input schemas of the cities service (also feed the gateway's OpenAPI document)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.cities.phases import ORGANISATION_KINDS, PHASES, WORKING_PHASES
from services.kit.schemas import StrictSchema, multiline
from services.kit.tenancy import SLUG_PATTERN

FIRST_COHORT, LAST_COHORT = 2020, 2100  # the years a city may join a cohort

# ISO 3166-2 codes of the sixteen German federal states.
FEDERAL_STATES: dict[str, str] = {
    "DE-BW": "Baden-Württemberg",
    "DE-BY": "Bayern",
    "DE-BE": "Berlin",
    "DE-BB": "Brandenburg",
    "DE-HB": "Bremen",
    "DE-HH": "Hamburg",
    "DE-HE": "Hessen",
    "DE-MV": "Mecklenburg-Vorpommern",
    "DE-NI": "Niedersachsen",
    "DE-NW": "Nordrhein-Westfalen",
    "DE-RP": "Rheinland-Pfalz",
    "DE-SL": "Saarland",
    "DE-SN": "Sachsen",
    "DE-ST": "Sachsen-Anhalt",
    "DE-SH": "Schleswig-Holstein",
    "DE-TH": "Thüringen",
}
HOSTNAME = r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class ContactSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Email(required=True)
    phone = fields.String(load_default=None, validate=validate.Length(max=40))


class CityCreateSchema(StrictSchema):
    slug = fields.String(required=True, validate=validate.Regexp(SLUG_PATTERN))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    state = fields.String(required=True, validate=validate.OneOf(list(FEDERAL_STATES)))
    population = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    mayor = fields.String(required=True, validate=validate.Length(min=1, max=120))
    contact = fields.Nested(ContactSchema, required=True)
    # The same range as the published event schemas (docs/events/schemas), so no city is
    # accepted whose created fact would break an integrator's validation.
    cohort_year = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=FIRST_COHORT, max=LAST_COHORT)
    )
    languages = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]{2}$")),
        load_default=lambda: ["de"],
        validate=validate.Length(min=1, max=10),
    )
    hosts = fields.List(
        fields.String(validate=validate.Regexp(HOSTNAME)),
        load_default=list,
        validate=validate.Length(max=10),
    )
    admin_email = fields.Email(required=True)


class WindowSchema(StrictSchema):
    start = fields.AwareDateTime(required=True, default_timezone=None)
    end = fields.AwareDateTime(required=True, default_timezone=None)


ScheduleSchema = StrictSchema.from_dict(
    {phase: fields.Nested(WindowSchema) for phase in WORKING_PHASES}, name="ScheduleSchema"
)


class AdvanceSchema(StrictSchema):
    to = fields.String(required=True, validate=validate.OneOf(PHASES))
    reason = fields.String(
        load_default=None, validate=validate.Length(max=2000), metadata=multiline()
    )
    override_reason = fields.String(
        load_default=None, validate=validate.Length(max=2000), metadata=multiline()
    )


class StepDoneSchema(StrictSchema):
    note = fields.String(
        load_default=None, validate=validate.Length(max=2000), metadata=multiline()
    )


class WorkingGroupSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = fields.String(
        load_default="", validate=validate.Length(max=2000), metadata=multiline()
    )


class InvitationSchema(StrictSchema):
    email = fields.Email(required=True)
    organisation = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    role = fields.String(load_default="member", validate=validate.OneOf(["lead", "member"]))


class RoleInvitationSchema(StrictSchema):
    """A role granted by e-mail on the roles page (working-group members come by invitation
    to their group, citizens by registering)."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(
        required=True, validate=validate.OneOf(("city_admin", "partner", "facilitator"))
    )
    reason = fields.String(
        load_default=None, validate=validate.Length(max=2000), metadata=multiline()
    )


class AcceptInvitationSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PluginConfigSchema(StrictSchema):
    config = fields.Dict(keys=fields.String(), load_default=dict)


# ---------------------------------------------------------------- accessibility
class BarrierReportSchema(StrictSchema):
    """A barrier report: anyone may send one, signed in or not."""

    # A city's slug, or nothing for the whole platform.
    city = fields.String(load_default=None, validate=validate.Regexp(SLUG_PATTERN))
    page = fields.String(required=True, validate=validate.Length(min=1, max=500))
    description = fields.String(
        required=True, validate=validate.Length(min=10, max=5000), metadata=multiline()
    )
    email = fields.Email(load_default=None, validate=validate.Length(max=254))


class BarrierAnswerSchema(StrictSchema):
    note = fields.String(
        load_default=None, validate=validate.Length(max=2000), metadata=multiline()
    )


class SignVideoPartSchema(StrictSchema):
    upload = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{32}$"))
    index = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=9999))
    data = fields.String(required=True, metadata={"verbatim": True})  # base64 of the bytes


class SignVideoPublishSchema(StrictSchema):
    upload = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{32}$"))
    content_type = fields.String(
        required=True, validate=validate.OneOf(("video/mp4", "video/webm"))
    )
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    duration_ms = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class LegalTextSchema(StrictSchema):
    """A new version of a legal text (Markdown; raw HTML is never rendered)."""

    body = fields.String(
        required=True, validate=validate.Length(min=1, max=50_000), metadata=multiline()
    )
    # The version the editor started from: a change made meanwhile is not overwritten.
    base_version = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100_000))


class NewsletterSubscribeSchema(StrictSchema):
    """Anyone asks for a city's newsletter with an address (double opt-in follows)."""

    email = fields.Email(required=True, validate=validate.Length(max=254))


class NewsletterTokenSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class NewsletterIssueSchema(StrictSchema):
    """An issue a city admin writes: a one-line title (it becomes the mail's subject) and
    Markdown."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=150))
    body = fields.String(
        required=True, validate=validate.Length(min=1, max=20_000), metadata=multiline()
    )


class NewsletterSendSchema(StrictSchema):
    """The admin confirms the number of recipients they were shown: sending stops when it
    changed in between (the confirmation named another number)."""

    recipients = fields.Integer(required=True, strict=False, validate=validate.Range(min=0))
