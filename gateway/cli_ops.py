"""Operator commands of ``stadtdialog``: plugins per city, roles, backup/restore, indexes,
guests' data and notifications' retention.

They talk to the running platform over ``/api/v1`` like ``stadtdialog tenant …`` (see
``gateway/cli.py`` for ``--url`` and ``--token``); docs/operations.md shows them in use.
"""

from __future__ import annotations

import json

import click

from gateway.cli_backup import backup, restore
from gateway.cli_common import call, print_json
from plugins.cli import plugins_command
from services.kit.context import ROLES


# ---------------------------------------------------------------- plugins
@click.group("plugins", invoke_without_command=True)
@click.pass_context
def plugins(ctx: click.Context) -> None:
    """Plugins: installed ones (no subcommand), and per city: list, enable, disable."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(plugins_command)


plugins.add_command(plugins_command, name="installed")


@plugins.command("list")
@click.argument("city")
@click.pass_context
def plugins_list(ctx: click.Context, city: str) -> None:
    """The installed plugins and which are enabled in CITY, with their settings."""
    print_json(call(ctx, "GET", f"/cities/{city}/plugins"))


@plugins.command("enable")
@click.argument("city")
@click.argument("name")
@click.option(
    "--config", "config", default="{}", help="Settings as a JSON object, e.g. '{\"a\": 1}'."
)
@click.pass_context
def plugins_enable(ctx: click.Context, city: str, name: str, config: str) -> None:
    """Enable plugin NAME in CITY (or change its settings)."""
    try:
        settings = json.loads(config)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--config") from exc
    if not isinstance(settings, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--config")
    print_json(call(ctx, "PUT", f"/cities/{city}/plugins/{name}", {"config": settings}))


@plugins.command("disable")
@click.argument("city")
@click.argument("name")
@click.pass_context
def plugins_disable(ctx: click.Context, city: str, name: str) -> None:
    """Disable plugin NAME in CITY."""
    print_json(call(ctx, "DELETE", f"/cities/{city}/plugins/{name}"))


# ---------------------------------------------------------------- users and roles
@click.group("users")
def users() -> None:
    """Roles of accounts in a city: grant, revoke (operators)."""


def _role_command(method: str):  # noqa: ANN202 - a click command factory
    @click.argument("email")
    @click.argument("role", type=click.Choice(ROLES))
    @click.option("--city", required=True, help="The city's slug.")
    @click.pass_context
    def command(ctx: click.Context, email: str, role: str, city: str) -> None:
        print_json(
            call(ctx, method, "/operations/roles", {"email": email, "city": city, "role": role})
        )

    return command


users.command("grant", help="Grant ROLE in --city to the account with EMAIL.")(
    _role_command("POST")
)
users.command("revoke", help="Revoke ROLE in --city from the account with EMAIL.")(
    _role_command("DELETE")
)


# ---------------------------------------------------------------- indexes
@click.group("indexes")
def indexes() -> None:
    """Indexes of every service database: ensure, list (operators)."""


@indexes.command("ensure")
@click.pass_context
def indexes_ensure(ctx: click.Context) -> None:
    """Create every declared index in every service database (safe to repeat)."""
    print_json(call(ctx, "POST", "/operations/indexes"))


@indexes.command("list")
@click.pass_context
def indexes_list(ctx: click.Context) -> None:
    """Print every collection's indexes, by service."""
    print_json(call(ctx, "GET", "/operations/indexes"))


# ---------------------------------------------------------------- guests' data retention
@click.group("guests")
def guests() -> None:
    """Guests without an account (operators)."""


@guests.command("forget")
@click.pass_context
def guests_forget(ctx: click.Context) -> None:
    """Remove names and e-mail addresses of guests whose talk ended more than
    STADTDIALOG_GUEST_RETENTION_DAYS ago (the dialogue service also does it hourly)."""
    result = call(ctx, "POST", "/operations/guest-retention")
    guests, talks = result["guests"], result["talks"]
    click.echo(
        f"{guests} Gäste in {talks} Tischgesprächen anonymisiert / "
        f"{guests} guests in {talks} talks anonymised"
    )


# ---------------------------------------------------------------- notifications' retention
@click.group("notifications")
def notifications() -> None:
    """Follow notifications (operators)."""


@notifications.command("forget")
@click.pass_context
def notifications_forget(ctx: click.Context) -> None:
    """Delete read notifications older than STADTDIALOG_NOTIFICATION_READ_DAYS and any older
    than STADTDIALOG_NOTIFICATION_MAX_DAYS (the dialogue service also does it hourly)."""
    result = call(ctx, "POST", "/operations/notification-retention")
    count = result["notifications"]
    click.echo(f"{count} Benachrichtigungen gelöscht / {count} notifications deleted")


# ---------------------------------------------------------------- search index
@click.group("search")
def search() -> None:
    """The search index of a city (operators)."""


@search.command("reindex")
@click.argument("city")
@click.pass_context
def search_reindex(ctx: click.Context, city: str) -> None:
    """Rebuild CITY's search index from its public talks, ideas, topics and scenarios (for data
    from before the index, or after a restore; safe to repeat)."""
    result = call(ctx, "POST", f"/operations/search-index/{city}")
    counts = {kind: n for per_service in result.values() for kind, n in per_service.items()}
    click.echo(
        "Neu im Suchindex / reindexed: "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
    )


COMMANDS = (
    plugins,
    users,
    backup,
    restore,
    indexes,
    guests,
    notifications,
    search,
)  # backup, restore: cli_backup
