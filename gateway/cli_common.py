"""What the operator commands share: the platform client of the invocation (``--url``,
``--token`` or the stored sign-in), calls that end the command with the platform's answer on
an error, and JSON output."""

from __future__ import annotations

import json
from typing import Any

import click

from gateway.client import PlatformClient, PlatformError, stored_token


def platform_client(ctx: click.Context) -> PlatformClient:
    url = ctx.obj["url"]
    return PlatformClient(url, ctx.obj["token"] or stored_token(url.rstrip("/")))


def fail(ctx: click.Context, exc: PlatformError) -> None:
    click.echo(str(exc), err=True)
    ctx.exit(exc.exit_code)


def call(ctx: click.Context, method: str, path: str, body: Any = None) -> Any:
    try:
        return platform_client(ctx).request(method, path, body)
    except PlatformError as exc:
        fail(ctx, exc)


def print_json(result: Any) -> None:
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))
