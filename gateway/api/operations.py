"""``/api/v1/operations``: what the operator CLI needs beyond the public API (operators only).

Backups stream one tenant's documents of every service as JSON lines; restores take them back
in batches; index routes ensure and list the indexes of every service database; role routes
grant and revoke roles by e-mail address; the guest-retention route applies the dialogue's
retention of guests' data at once. Every service checks the operator flag itself
(``services.kit.operations``); the gateway only authenticates and fans out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, stream_with_context
from marshmallow import fields, validate

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.auth import current_caller
from services.kit.context import ROLES
from services.kit.errors import Invalid
from services.kit.registry import SERVICES
from services.kit.schemas import StrictSchema, load
from services.kit.tenancy import SLUG_PATTERN, is_slug

bp = Blueprint("api_operations", __name__, url_prefix="/api/v1/operations")
TAG = "operations"
BACKUP_FORMAT = 1
RESTORE_BATCH = 500


class OperatorRoleSchema(StrictSchema):
    email = fields.Email(required=True)
    city = fields.String(required=True, validate=validate.Regexp(SLUG_PATTERN))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class RestoreRecordSchema(StrictSchema):
    service = fields.String(required=True, validate=validate.OneOf(list(SERVICES)))
    collection = fields.String(required=True, validate=validate.Length(min=1, max=120))
    document = fields.Dict(required=True)


class RestoreSchema(StrictSchema):
    city = fields.String(required=True, validate=validate.Regexp(SLUG_PATTERN))
    records = fields.List(
        fields.Nested(RestoreRecordSchema),
        required=True,
        validate=validate.Length(max=RESTORE_BATCH),
    )
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Check and count only (inserted/replaced); write nothing."},
    )


def require_operator() -> None:
    """Checked here too (the services check again), so a refusal never depends on fan-out."""
    current_caller().require_operator()


def _city(slug: str) -> str:
    if not is_slug(slug):
        raise Invalid(fields={"slug": ["String does not match expected pattern."]})
    return slug


# ---------------------------------------------------------------- backup and restore
@bp.get("/backup/<slug>/plan")
@documented(
    "How many documents of a city each service and collection holds (operators)",
    TAG,
    auth=True,
    errors=(401, 403, 422),
)
def backup_plan(slug: str) -> Response:
    require_operator()
    city = _city(slug)
    return json_response({name: rpc(name, "ops_backup_counts", city) for name in SERVICES})


@bp.get("/backup/<slug>")
@documented(
    "One city's documents of every service as JSON lines (operators)",
    TAG,
    auth=True,
    errors=(401, 403, 422),
)
def backup(slug: str) -> Response:
    require_operator()
    city = _city(slug)
    # Asked before the first byte goes out, so a refusal is still a proper 403 answer.
    plan = {name: rpc(name, "ops_backup_counts", city) for name in SERVICES}

    def lines() -> Iterator[str]:
        total = sum(sum(counts.values()) for counts in plan.values())
        header = {
            "stadtdialog_backup": BACKUP_FORMAT,
            "city": city,
            "created_at": datetime.now(UTC).isoformat(),
            "plan": plan,
            "total": total,
        }
        yield json.dumps(header, ensure_ascii=False) + "\n"
        written = 0
        for service, counts in plan.items():
            for collection in counts:
                after = None
                while True:
                    batch = rpc(service, "ops_backup", city, collection, after)
                    for document in batch["documents"]:
                        written += 1
                        record = {
                            "service": service,
                            "collection": collection,
                            "document": document,
                        }
                        yield json.dumps(record, ensure_ascii=False) + "\n"
                    after = batch["last"]
                    if after is None:
                        break
        # The reader checks this line: a stream cut short has no end line.
        yield json.dumps({"end": True, "records": written}) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


@bp.post("/restore")
@documented(
    "Put a batch of a city's backup records back (operators; idempotent, keeps ids)",
    TAG,
    body=RestoreSchema,
    auth=True,
    errors=(401, 403, 409, 422),
)
def restore() -> Response:
    require_operator()
    values = load(RestoreSchema(), json_body())
    by_service: dict[str, list[dict]] = {}
    for record in values["records"]:
        by_service.setdefault(record["service"], []).append(
            {"collection": record["collection"], "document": record["document"]}
        )
    details = {
        service: rpc(service, "ops_restore", values["city"], records, values["dry_run"])
        for service, records in by_service.items()
    }
    restored = {service: counts["restored"] for service, counts in details.items()}
    return json_response(
        {
            "city": values["city"],
            "dry_run": values["dry_run"],
            "restored": restored,
            "details": details,
        }
    )


# ---------------------------------------------------------------- indexes
@bp.get("/indexes")
@documented(
    "Indexes of every collection of every service database (operators)",
    TAG,
    auth=True,
    errors=(401, 403),
)
def list_indexes() -> Response:
    require_operator()
    return json_response({name: rpc(name, "ops_indexes_list") for name in SERVICES})


@bp.post("/indexes")
@documented(
    "Create every declared index in every service database (operators; idempotent)",
    TAG,
    auth=True,
    errors=(401, 403),
)
def ensure_indexes() -> Response:
    require_operator()
    return json_response({name: rpc(name, "ops_indexes_ensure") for name in SERVICES})


# ---------------------------------------------------------------- guests' data retention
@bp.post("/guest-retention")
@documented(
    "Remove guests' names and e-mail addresses of talks past the retention period now "
    "(operators; the dialogue service also does it hourly)",
    TAG,
    auth=True,
    errors=(401, 403),
)
def forget_guests() -> Response:
    require_operator()
    return json_response(rpc("dialogue", "ops_forget_guests"))


@bp.post("/notification-retention")
@documented(
    "Delete read notifications older than STADTDIALOG_NOTIFICATION_READ_DAYS and any older "
    "than STADTDIALOG_NOTIFICATION_MAX_DAYS now (operators; the dialogue service also does "
    "it hourly)",
    TAG,
    auth=True,
    errors=(401, 403),
)
def forget_notifications() -> Response:
    require_operator()
    return json_response(rpc("dialogue", "ops_forget_notifications"))


# ---------------------------------------------------------------- search index
SEARCH_SERVICES = ("dialogue", "scenarios")  # the services that keep a search index


@bp.post("/search-index/<city>")
@documented(
    "Rebuild a city's search index from its public talks, ideas, topics and scenarios "
    "(operators; safe to repeat)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def reindex_search(city: str) -> Response:
    require_operator()
    if not is_slug(city):
        raise Invalid(fields={"city": ["String does not match expected pattern."]})
    rpc("cities", "get_city", city)  # 404 for an unknown slug
    return json_response({name: rpc(name, "ops_search_reindex", city) for name in SEARCH_SERVICES})


# ---------------------------------------------------------------- roles by e-mail address
def _change_role(method: str) -> Response:
    require_operator()
    values = load(OperatorRoleSchema(), json_body())
    if method == "grant_role":  # a role in a city that does not exist would be a dead grant
        rpc("cities", "get_city", values["city"])  # 404 for an unknown slug
    account_id = rpc("identity", "ops_account_id", values["email"])
    body = {"account_id": account_id, "city": values["city"], "role": values["role"]}
    account = rpc("identity", method, body)
    return json_response(
        {"account_id": account_id, "city": values["city"], "roles": account["roles"]}
    )


@bp.post("/roles")
@documented(
    "Grant a role in a city to the account with an e-mail address (operators)",
    TAG,
    body=OperatorRoleSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def grant_role() -> Response:
    return _change_role("grant_role")


@bp.delete("/roles")
@documented(
    "Revoke a role in a city from the account with an e-mail address (operators)",
    TAG,
    body=OperatorRoleSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def revoke_role() -> Response:
    return _change_role("revoke_role")
