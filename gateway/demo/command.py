"""``stadtdialog demo``: seed (or reset) the demo cohort as the operator; and the functions it
uses, which the tests call directly."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import click

from gateway.client import PlatformClient, PlatformError
from gateway.demo import bachstetten, beispielstadt, musterstadt, rosenbrunn, wiesenbrueck
from gateway.demo.people import (
    DEMO_CITIES,
    OPERATOR,
    PASSWORD,
    ROLES,
    Inbox,
    MailLogInbox,
    Person,
)
from gateway.demo.seeder import Seeder

# Longest first, so the three workers finish together.
CITIES = (wiesenbrueck, musterstadt, beispielstadt, bachstetten)


def operator_from_inbox(url: str, inbox: Inbox, email: str = OPERATOR) -> str:
    """Sign up (or in) the demo operator; its address must be in STADTDIALOG_OPERATOR_EMAILS."""
    token = Seeder(url=url, inbox=inbox).person(email, "Demo-Betrieb").token
    me = PlatformClient(url, token).request("GET", "/me")
    if not me.get("operator"):
        raise PlatformError(f"{email} is not an operator: add it to STADTDIALOG_OPERATOR_EMAILS.")
    return token


def purge_demo(url: str, operator_token: str) -> list[str]:
    """Remove the demo cities' data from every service (operator API); returns those purged."""
    client = PlatformClient(url, operator_token)
    present = {c["slug"] for c in client.request("GET", "/cities?include_archived=1")}
    purged = []
    for slug in DEMO_CITIES:
        if slug in present:
            client.request("POST", f"/cities/{slug}/purge", {"confirm": slug})
            purged.append(slug)
    return purged


def seed(
    url: str,
    inbox: Inbox,
    operator_token: str,
    year: int | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Seed the demo cohort as the operator; returns the demo logins."""
    seeder = Seeder(url=url, inbox=inbox, log=log)
    if year is not None:
        seeder.year = year
    op = Person("operator", "operator", token=operator_token)
    seeder.probe(f"demo-admin@{DEMO_CITIES[0]}.example")

    def closing() -> None:
        # Rosenbrunn's talks are hosted a short lead ahead and documented once they have
        # begun: the other cities are seeded while they wait.
        rosenbrunn.finish(seeder, rosenbrunn.start(seeder, op))

    # The cities are independent: seeded side by side, each waits for its facts and mails
    # while the others work. Three at a time keep the identity service's password hashing
    # (slow on purpose) well inside the gateway's RPC timeout.
    cities = (closing, *(partial(c.seed, seeder, op) for c in CITIES))
    with ThreadPoolExecutor(max_workers=3) as pool:
        for done in [pool.submit(city) for city in cities]:
            done.result()
    log(f"demo: seeded in {time.monotonic() - seeder.began:.0f} s")
    return {"password": PASSWORD, "accounts": sorted(seeder.people)}


def _say(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()  # line by line into the run's console, also through a pipe


@click.command()
@click.option(
    "--mail-log",
    type=click.Path(path_type=Path),
    default=None,
    help="The local mail sink's output, read for verification links "
    "(deploy/local/run keeps it in .state/run.log).",
)
@click.option("--if-empty", is_flag=True, help="Seed only when the platform has no city yet.")
@click.option(
    "--reset", is_flag=True, help="First remove the demo cities' data, then seed them anew."
)
@click.option("--year", type=int, default=None, help="Cohort year (default: this year).")
@click.pass_context
def demo_command(
    ctx: click.Context, mail_log: Path | None, if_empty: bool, reset: bool, year: int | None
) -> None:
    """Seed the demo cohort (one city per phase) through the platform's API."""
    url = ctx.obj["url"].rstrip("/")
    try:
        if if_empty and PlatformClient(url).request("GET", "/cities?include_archived=1"):
            click.echo("demo: the platform already has cities; nothing seeded.")
            return
        if mail_log is None:
            raise PlatformError("demo: --mail-log is needed to read the verification mails.")
        inbox = MailLogInbox(mail_log)
        token = ctx.obj["token"] or operator_from_inbox(url, inbox)
        if reset:
            for slug in purge_demo(url, token):
                click.echo(f"demo: {slug} removed")
        logins = seed(url, inbox, token, year=year, log=_say)
    except PlatformError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(exc.exit_code)
    click.echo(f"demo: logins (password {logins['password']}):")
    if not ctx.obj["token"]:
        click.echo(f"  {OPERATOR} (operator)")
    for email in logins["accounts"]:
        click.echo(f"  {email}" + (f"  ({ROLES[email]})" if email in ROLES else ""))
