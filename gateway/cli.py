"""The ``stadtdialog`` operator command line."""

from __future__ import annotations

import warnings
from typing import Any

# nameko, imported below through the services' schemas, imports eventlet, which warns that it
# is deprecated on every import: operators would read that before every command's own output.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import click  # noqa: E402 - after the filter, which must come first

from gateway.cli_common import call, print_json  # noqa: E402
from gateway.cli_deadletters import deadletters  # noqa: E402
from gateway.cli_integrators import integrators  # noqa: E402
from gateway.cli_ops import COMMANDS as OPS_COMMANDS  # noqa: E402
from gateway.client import DEFAULT_URL, PlatformClient, PlatformError, store_token  # noqa: E402
from gateway.demo.command import demo_command  # noqa: E402
from services.cities.schemas import FEDERAL_STATES  # noqa: E402
from services.scenarios.engine.cli import scenarios  # noqa: E402


@click.group()
@click.option(
    "--url",
    envvar="STADTDIALOG_URL",
    default=DEFAULT_URL,
    show_default=True,
    help="Base URL of the running platform.",
)
@click.option(
    "--token",
    envvar="STADTDIALOG_TOKEN",
    default=None,
    help="Bearer token (default: the one `stadtdialog login` stored).",
)
@click.pass_context
def main(ctx: click.Context, url: str, token: str | None) -> None:
    """Stadtdialog: operate the platform and run its tools."""
    ctx.obj = {"url": url, "token": token}


def _run(ctx: click.Context, method: str, path: str, body: Any = None) -> None:
    print_json(call(ctx, method, path, body))


@main.command()
@click.argument("email")
@click.password_option(confirmation_prompt=False, envvar="STADTDIALOG_PASSWORD")
@click.pass_context
def login(ctx: click.Context, email: str, password: str) -> None:
    """Log in and store the bearer token for later commands."""
    url = ctx.obj["url"].rstrip("/")
    try:
        result = PlatformClient(url).request(
            "POST", "/sessions", {"email": email, "password": password}
        )
    except PlatformError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(exc.exit_code)
    path = store_token(url, result["token"])
    click.echo(f"Angemeldet als {result['account']['email']} (token in {path})")


@main.group()
def tenant() -> None:
    """City tenants: create, list, show, archive (operators)."""


@tenant.command("create")
@click.option("--slug", required=True, help="Short name in URLs, e.g. koeln.")
@click.option("--name", required=True)
@click.option(
    "--state",
    required=True,
    type=click.Choice(sorted(FEDERAL_STATES)),
    help="Federal state (ISO 3166-2).",
)
@click.option("--population", required=True, type=int)
@click.option("--mayor", required=True, help="Mayor (patron of the dialogue).")
@click.option("--contact-name", required=True)
@click.option("--contact-email", required=True)
@click.option("--contact-phone", default=None)
@click.option("--cohort-year", required=True, type=int)
@click.option("--admin-email", required=True, help="The first city admin, invited by e-mail.")
@click.option("--language", "languages", multiple=True, default=("de",), show_default=True)
@click.option("--host", "hosts", multiple=True, help="Host name of the city's own site.")
@click.pass_context
def tenant_create(ctx: click.Context, **options: Any) -> None:
    """Stand up a new city tenant and invite its first admin."""
    body = {
        "slug": options["slug"],
        "name": options["name"],
        "state": options["state"],
        "population": options["population"],
        "mayor": options["mayor"],
        "contact": {
            "name": options["contact_name"],
            "email": options["contact_email"],
            "phone": options["contact_phone"],
        },
        "cohort_year": options["cohort_year"],
        "admin_email": options["admin_email"],
        "languages": list(options["languages"]),
        "hosts": list(options["hosts"]),
    }
    _run(ctx, "POST", "/cities", body)


@tenant.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Include archived cities.")
@click.pass_context
def tenant_list(ctx: click.Context, include_archived: bool) -> None:
    """List the cities."""
    _run(ctx, "GET", "/cities?include_archived=1" if include_archived else "/cities")


@tenant.command("show")
@click.argument("slug")
@click.pass_context
def tenant_show(ctx: click.Context, slug: str) -> None:
    """Show one city."""
    _run(ctx, "GET", f"/cities/{slug}")


@tenant.command("archive")
@click.argument("slug")
@click.pass_context
def tenant_archive(ctx: click.Context, slug: str) -> None:
    """Archive a city."""
    _run(ctx, "POST", f"/cities/{slug}/archive")


@main.command()
@click.argument("service")
@click.option("--timeout", default=5.0, show_default=True, help="Seconds to wait for the answer.")
def probe(service: str, timeout: float) -> None:
    """Exit 0 when SERVICE answers its RPC ping (container health checks and probes)."""
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.kit.config import load_settings

    try:
        with ClusterRpcProxy({"AMQP_URI": load_settings().amqp_uri}, timeout=timeout) as proxy:
            answer = getattr(proxy, service).ping()
    except Exception as exc:  # noqa: BLE001 - any failure is "not healthy", with the reason
        click.echo(f"{service}: {type(exc).__name__}: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"{service}: {answer}")


# Operator commands (plugins per city, users, backup, restore, indexes): gateway/cli_ops.py.
for _command in OPS_COMMANDS:
    main.add_command(_command)
main.add_command(deadletters)  # gateway/cli_deadletters.py
main.add_command(integrators)  # gateway/cli_integrators.py
main.add_command(scenarios, name="scenarios")
main.add_command(demo_command, name="demo")
