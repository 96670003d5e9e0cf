"""``stadtdialog plugins``: what is installed, as JSON (for operators and partner tooling)."""

from __future__ import annotations

import json

import click

from plugins.manager import default_host


@click.command("plugins")
def plugins_command() -> None:
    """Print the installed plugins (name, texts, version, hooks, config schema) as JSON."""
    installed = sorted(default_host().installed(), key=lambda meta: meta["name"])
    # default=str: a schema default such as a date must not crash an inventory listing.
    click.echo(json.dumps(installed, indent=2, ensure_ascii=False, default=str))
