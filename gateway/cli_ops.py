"""Operator commands of ``stadtdialog``: plugins per city, roles, backup/restore, indexes,
guests' data retention.

They talk to the running platform over ``/api/v1`` like ``stadtdialog tenant …`` (see
``gateway/cli.py`` for ``--url`` and ``--token``); docs/operations.md shows them in use.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from gateway.client import PlatformClient, PlatformError, stored_token
from plugins.cli import plugins_command
from services.kit.context import ROLES

# A restore request stays well below the gateway's 1 MB body limit.
RESTORE_BATCH_RECORDS = 200
RESTORE_BATCH_BYTES = 600_000


def _client(ctx: click.Context) -> PlatformClient:
    url = ctx.obj["url"]
    return PlatformClient(url, ctx.obj["token"] or stored_token(url.rstrip("/")))


def _call(ctx: click.Context, method: str, path: str, body: Any = None) -> Any:
    try:
        return _client(ctx).request(method, path, body)
    except PlatformError as exc:
        _fail(ctx, exc)


def _fail(ctx: click.Context, exc: PlatformError) -> None:
    click.echo(str(exc), err=True)
    ctx.exit(exc.exit_code)


def _print(result: Any) -> None:
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


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
    _print(_call(ctx, "GET", f"/cities/{city}/plugins"))


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
    _print(_call(ctx, "PUT", f"/cities/{city}/plugins/{name}", {"config": settings}))


@plugins.command("disable")
@click.argument("city")
@click.argument("name")
@click.pass_context
def plugins_disable(ctx: click.Context, city: str, name: str) -> None:
    """Disable plugin NAME in CITY."""
    _print(_call(ctx, "DELETE", f"/cities/{city}/plugins/{name}"))


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
        _print(
            _call(ctx, method, "/operations/roles", {"email": email, "city": city, "role": role})
        )

    return command


users.command("grant", help="Grant ROLE in --city to the account with EMAIL.")(
    _role_command("POST")
)
users.command("revoke", help="Revoke ROLE in --city from the account with EMAIL.")(
    _role_command("DELETE")
)


# ---------------------------------------------------------------- backup and restore
@click.command("backup")
@click.argument("city")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, city: str, file: Path) -> None:
    """Write CITY's documents of every service database to FILE as JSON lines."""
    client = _client(ctx)
    partial = file.with_name(file.name + ".part")
    try:
        lines = client.stream_lines(f"/operations/backup/{city}")
        header = json.loads(next(lines))
        written, record = 0, {}
        # Addresses and needs are in it: readable by the operator only, from the first byte.
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            with click.progressbar(
                length=header["total"], label=f"Sicherung / backup {city}", file=sys.stderr
            ) as bar:
                for line in lines:
                    out.write(line + "\n")
                    record = json.loads(line)
                    if record.get("end"):
                        break
                    written += 1
                    bar.update(1)
        if not record.get("end") or record.get("records") != written:
            raise PlatformError("The backup stream ended early; nothing was written.", 2)
    except PlatformError as exc:
        partial.unlink(missing_ok=True)
        _fail(ctx, exc)
    except (StopIteration, KeyError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        _fail(ctx, PlatformError(f"The backup stream was not readable ({exc!r}).", 2))
    partial.replace(file)  # complete or not at all
    click.echo(f"{written} Dokumente gesichert / documents backed up: {file}")


def _read_backup(file: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        parsed = [json.loads(line) for line in lines]
    except ValueError as exc:
        raise click.BadParameter(f"not JSON lines: {exc}", param_hint="FILE") from exc
    if not parsed or "stadtdialog_backup" not in parsed[0]:
        raise click.BadParameter("no backup header in the first line", param_hint="FILE")
    if not parsed[-1].get("end") or parsed[-1].get("records") != len(parsed) - 2:
        raise click.BadParameter("the backup is incomplete (no end line)", param_hint="FILE")
    return parsed[0], parsed[1:-1]


def _batches(records: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for record in records:
        length = len(json.dumps(record))
        if batch and (len(batch) >= RESTORE_BATCH_RECORDS or size + length > RESTORE_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += length
    if batch:
        yield batch


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, file: Path) -> None:
    """Put a city's backup FILE back (same ids; running it again changes nothing)."""
    header, records = _read_backup(file)
    city = header["city"]
    client = _client(ctx)
    restored = 0
    try:
        with click.progressbar(
            length=len(records), label=f"Wiederherstellung / restore {city}", file=sys.stderr
        ) as bar:
            for batch in _batches(records):
                client.request("POST", "/operations/restore", {"city": city, "records": batch})
                restored += len(batch)
                bar.update(len(batch))
    except PlatformError as exc:
        click.echo(f"{restored} of {len(records)} restored before the error.", err=True)
        _fail(ctx, exc)
    click.echo(f"{restored} Dokumente wiederhergestellt / documents restored: {city}")


# ---------------------------------------------------------------- indexes
@click.group("indexes")
def indexes() -> None:
    """Indexes of every service database: ensure, list (operators)."""


@indexes.command("ensure")
@click.pass_context
def indexes_ensure(ctx: click.Context) -> None:
    """Create every declared index in every service database (safe to repeat)."""
    _print(_call(ctx, "POST", "/operations/indexes"))


@indexes.command("list")
@click.pass_context
def indexes_list(ctx: click.Context) -> None:
    """Print every collection's indexes, by service."""
    _print(_call(ctx, "GET", "/operations/indexes"))


# ---------------------------------------------------------------- guests' data retention
@click.group("guests")
def guests() -> None:
    """Guests without an account (operators)."""


@guests.command("forget")
@click.pass_context
def guests_forget(ctx: click.Context) -> None:
    """Remove names and e-mail addresses of guests whose talk ended more than
    STADTDIALOG_GUEST_RETENTION_DAYS ago (the dialogue service also does it hourly)."""
    result = _call(ctx, "POST", "/operations/guest-retention")
    guests, talks = result["guests"], result["talks"]
    click.echo(
        f"{guests} Gäste in {talks} Tischgesprächen anonymisiert / "
        f"{guests} guests in {talks} talks anonymised"
    )


COMMANDS = (plugins, users, backup, restore, indexes, guests)
