"""Operator commands ``stadtdialog integrators add|list|revoke``: a RabbitMQ user per
third-party integrator that may read the public facts of its cities only
(``gateway/integrators.py`` has the rules, docs/integrators.md the guide for integrators)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlsplit

import click

from gateway.broker_admin import BrokerAdmin, BrokerAdminError
from gateway.cli_common import call, print_json
from gateway.integrators import (
    DEFAULT_QUEUE_EXPIRY_DAYS,
    NOTHING,
    PUBLIC_EXCHANGE,
    USER_PREFIX,
    access_for,
    check_name,
    cities_of,
)


def _vhost(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return path[1:] if len(path) > 1 else "/"


def _admin(ctx: click.Context) -> BrokerAdmin:
    return BrokerAdmin(ctx.obj["management_url"], _vhost(ctx.obj["amqp_uri"]))


def _broker(ctx: click.Context, action: Any) -> Any:
    try:
        return action()
    except BrokerAdminError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(1)


@click.group()
@click.option(
    "--management-url",
    envvar="RABBITMQ_MANAGEMENT_URL",
    required=True,
    help="RabbitMQ management API with an administrator's credentials, "
    "e.g. http://admin:secret@rabbitmq:15672/.",
)
@click.option(
    "--amqp-uri",
    envvar="AMQP_URI",
    default="amqp://127.0.0.1:5672/",
    show_default=True,
    help="The platform's broker URI (its vhost is the integrators' vhost).",
)
@click.option(
    "--public-amqp-uri",
    envvar="STADTDIALOG_PUBLIC_AMQP_URI",
    default=None,
    help="How integrators reach the broker (e.g. amqps://events.example.org:5671/); "
    "default: host of --amqp-uri.",
)
@click.pass_context
def integrators(
    ctx: click.Context, management_url: str, amqp_uri: str, public_amqp_uri: str | None
) -> None:
    """Broker access for third-party integrators: read the public facts of their cities."""
    ctx.obj = {
        **(ctx.obj or {}),
        "management_url": management_url,
        "amqp_uri": amqp_uri,
        "public_amqp_uri": public_amqp_uri or amqp_uri,
    }


@integrators.command("add")
@click.argument("name")
@click.option("--city", "cities", multiple=True, required=True, help="City slug (repeatable).")
@click.option(
    "--queue-expiry-days",
    type=click.IntRange(1, 365),
    default=DEFAULT_QUEUE_EXPIRY_DAYS,
    show_default=True,
    help="A queue of the integrator that nobody consumes is deleted after this many days.",
)
@click.pass_context
def add(ctx: click.Context, name: str, cities: tuple[str, ...], queue_expiry_days: int) -> None:
    """Create (or renew: a new password) the broker user of integrator NAME for the CITY(s)."""
    try:
        access = access_for(name, list(cities))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    for slug in cities:  # the platform says whether the city exists (a 404 ends the command)
        call(ctx, "GET", f"/cities/{quote(slug, safe='')}")
    password = secrets.token_urlsafe(24)
    admin = _admin(ctx)

    def grant() -> None:
        admin.put_user(access.user, password)
        admin.set_permissions(access.user, access.configure, access.write, access.read)
        admin.set_topic_permissions(access.user, PUBLIC_EXCHANGE, NOTHING, access.topic_read)
        expiry = {"expires": queue_expiry_days * 86_400_000}
        admin.put_policy(access.policy, access.policy_pattern, expiry)

    _broker(ctx, grant)
    public = urlsplit(ctx.obj["public_amqp_uri"])
    host = public.hostname or "127.0.0.1"
    port = f":{public.port}" if public.port else ""
    vhost = quote(_vhost(ctx.obj["amqp_uri"]), safe="")
    uri = f"{public.scheme}://{access.user}:{password}@{host}{port}/{vhost}"
    print_json(
        {
            "integrator": name,
            "user": access.user,
            "amqp_uri": uri,
            "cities": sorted(set(cities)),
            "exchange": PUBLIC_EXCHANGE,
            "queue_prefix": access.queue_prefix,
            "binding_keys": [f"{slug}.#" for slug in sorted(set(cities))],
            "queue_expiry_days": queue_expiry_days,
        }
    )
    click.echo("Das Passwort steht nur hier: gib die amqp_uri sicher weiter.", err=True)


@integrators.command("list")
@click.pass_context
def list_integrators(ctx: click.Context) -> None:
    """The integrators' broker users and the cities each may read."""
    admin = _admin(ctx)

    def read() -> list[dict[str, Any]]:
        found = []
        for user in admin.users():
            if not user["name"].startswith(USER_PREFIX):
                continue
            topic = [
                p
                for p in admin.topic_permissions(user["name"])
                if p.get("vhost") == admin.vhost and p.get("exchange") == PUBLIC_EXCHANGE
            ]
            found.append(
                {
                    "integrator": user["name"][len(USER_PREFIX) :],
                    "user": user["name"],
                    "cities": cities_of(topic[0]["read"]) if topic else [],
                }
            )
        return sorted(found, key=lambda row: row["integrator"])

    print_json(_broker(ctx, read))


@integrators.command("revoke")
@click.argument("name")
@click.option("--keep-queues", is_flag=True, help="Leave its queues to their expiry.")
@click.pass_context
def revoke(ctx: click.Context, name: str, keep_queues: bool) -> None:
    """Delete integrator NAME's broker user, close its connections and delete its queues."""
    try:
        access = access_for(check_name(name), ["-"])
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    admin = _admin(ctx)

    def remove() -> dict[str, Any]:
        existed = admin.delete_user(access.user)
        closed = admin.close_connections(access.user)
        deleted = []
        if not keep_queues:
            for queue in admin.queues():
                if queue["name"].startswith(access.queue_prefix):
                    admin.delete_queue(queue["name"])
                    deleted.append(queue["name"])
        admin.delete_policy(access.policy)
        return {"existed": existed, "closed_connections": closed, "deleted_queues": deleted}

    result = _broker(ctx, remove)
    if not result["existed"]:
        click.echo(f"Keinen Integrator {name} gefunden.", err=True)
        ctx.exit(1)
    print_json({"integrator": name, **result})
