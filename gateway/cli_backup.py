"""Operator commands ``stadtdialog backup`` and ``stadtdialog restore``: one city's documents
of every service database as JSON lines, optionally encrypted with a passphrase
(``gateway/backup_crypto.py``); a restore can be tried first (``--dry-run``) and is idempotent.
docs/operations.md shows them in use."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from gateway.backup_crypto import (
    BackupDecryptionError,
    LineEncrypter,
    decrypt_lines,
    is_encrypted,
)
from gateway.cli_common import fail, platform_client
from gateway.client import PlatformError

# A restore request stays well below the gateway's 1 MB body limit.
RESTORE_BATCH_RECORDS = 200
RESTORE_BATCH_BYTES = 600_000
PASSPHRASE_ENV = "STADTDIALOG_BACKUP_PASSPHRASE"


# ---------------------------------------------------------------- backup and restore
def _passphrase(confirm: bool) -> str:
    """From STADTDIALOG_BACKUP_PASSPHRASE (scripts), else asked without echo."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    return click.prompt(
        "Passphrase der Sicherung / backup passphrase",
        hide_input=True,
        confirmation_prompt=confirm,
        err=True,
    )


@click.command("backup")
@click.argument("city")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--encrypt",
    is_flag=True,
    help=f"Encrypt with a passphrase (asked, or ${PASSPHRASE_ENV}); restore asks for it.",
)
@click.pass_context
def backup(ctx: click.Context, city: str, file: Path, encrypt: bool) -> None:
    """Write CITY's documents of every service database to FILE as JSON lines."""
    encrypter = None
    if encrypt:
        try:
            encrypter = LineEncrypter(_passphrase(confirm=True))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="passphrase") from exc
    client = platform_client(ctx)
    partial = file.with_name(file.name + ".part")
    try:
        lines = client.stream_lines(f"/operations/backup/{city}")
        header = json.loads(next(lines))
        written, record = 0, {}
        # Addresses and needs are in it: readable by the operator only, from the first byte.
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:

            def write(line: str) -> None:
                out.write((encrypter.line(line) if encrypter else line) + "\n")

            if encrypter:
                out.write(json.dumps(encrypter.header) + "\n")
            write(json.dumps(header, ensure_ascii=False))
            with click.progressbar(
                length=header["total"], label=f"Sicherung / backup {city}", file=sys.stderr
            ) as bar:
                for line in lines:
                    write(line)
                    record = json.loads(line)
                    if record.get("end"):
                        break
                    written += 1
                    bar.update(1)
        if not record.get("end") or record.get("records") != written:
            raise PlatformError("The backup stream ended early; nothing was written.", 2)
    except PlatformError as exc:
        partial.unlink(missing_ok=True)
        fail(ctx, exc)
    except (StopIteration, KeyError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        fail(ctx, PlatformError(f"The backup stream was not readable ({exc!r}).", 2))
    partial.replace(file)  # complete or not at all
    click.echo(f"{written} Dokumente gesichert / documents backed up: {file}")


def _read_backup(file: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines and is_encrypted(lines[0]):
        try:
            lines = list(decrypt_lines(lines, _passphrase(confirm=False)))
        except BackupDecryptionError as exc:
            raise click.BadParameter(str(exc), param_hint="FILE") from exc
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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every record with the services and say what would change; write nothing.",
)
@click.pass_context
def restore(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Put a city's backup FILE back (same ids; running it again changes nothing)."""
    header, records = _read_backup(file)
    city = header["city"]
    client = platform_client(ctx)
    done, inserted, replaced = 0, 0, 0
    label = "Probelauf / dry run" if dry_run else "Wiederherstellung / restore"
    try:
        with click.progressbar(
            length=len(records), label=f"{label} {city}", file=sys.stderr
        ) as bar:
            for batch in _batches(records):
                body = {"city": city, "records": batch, "dry_run": dry_run}
                answer = client.request("POST", "/operations/restore", body)
                for counts in answer["details"].values():
                    inserted += counts["inserted"]
                    replaced += counts["replaced"]
                done += len(batch)
                bar.update(len(batch))
    except PlatformError as exc:
        what = "checked" if dry_run else "restored"
        click.echo(f"{done} of {len(records)} {what} before the error.", err=True)
        fail(ctx, exc)
    if dry_run:
        click.echo(
            f"Probelauf / dry run {city}: {done} Dokumente geprüft / documents checked, "
            f"{inserted} neu / new, {replaced} ersetzt / replaced; nichts geschrieben / "
            "nothing written."
        )
        return
    click.echo(
        f"{done} Dokumente wiederhergestellt / documents restored: {city} "
        f"({inserted} neu / new, {replaced} ersetzt / replaced)"
    )
