"""``stadtdialog deadletters list|retry|drop``: messages the platform set aside after their last
attempt (a mail, a fact of an outbox, a consumed message; ``services/kit/deadletters.py``).

They call ``/api/v1/operations/deadletters`` (``gateway/api/deadletters.py``) like the other
operator commands (``gateway/cli_ops.py``); docs/operations.md shows them in use.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import click

from gateway.cli_common import call
from services.kit.registry import SERVICES

KINDS_DE = {"mail": "Mail", "outbox": "Ereignis", "consumer": "Nachricht"}


def _line(letter: dict[str, Any]) -> str:
    kind = KINDS_DE.get(letter.get("kind", ""), letter.get("kind"))
    return (
        f"{letter['id']}\n"
        f"  {kind}: {letter.get('summary')}\n"
        f"  {letter.get('attempts')} Versuche, aufgegeben am {letter.get('dead_at')}\n"
        f"  letzter Fehler: {letter.get('last_error')}"
    )


@click.group("deadletters")
def deadletters() -> None:
    """Unzustellbare Nachrichten / dead letters: list, retry, drop (operators)."""


@deadletters.command("list")
@click.option("--service", type=click.Choice(list(SERVICES)), default=None, help="Only this one.")
@click.pass_context
def deadletters_list(ctx: click.Context, service: str | None) -> None:
    """Every dead letter (of one --service), with its id for retry and drop."""
    path = f"/operations/deadletters/{service}" if service else "/operations/deadletters"
    found = [letter for letters in call(ctx, "GET", path).values() for letter in letters]
    if not found:
        click.echo("Keine unzustellbaren Nachrichten / no dead letters.")
        return
    click.echo(f"{len(found)} unzustellbare Nachricht(en) / dead letter(s):")
    for letter in found:
        click.echo(_line(letter))


@deadletters.command("retry")
@click.argument("letter_id", metavar="ID")
@click.pass_context
def deadletters_retry(ctx: click.Context, letter_id: str) -> None:
    """Try dead letter ID again, with a fresh round of attempts."""
    call(ctx, "POST", f"/operations/deadletter/{quote(letter_id, safe='')}/retry")
    click.echo(f"{letter_id} wird erneut versucht / will be tried again.")


@deadletters.command("drop")
@click.argument("letter_id", metavar="ID")
@click.pass_context
def deadletters_drop(ctx: click.Context, letter_id: str) -> None:
    """Delete dead letter ID for good."""
    call(ctx, "DELETE", f"/operations/deadletter/{quote(letter_id, safe='')}")
    click.echo(f"{letter_id} verworfen / dropped.")
