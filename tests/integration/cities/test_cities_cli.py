"""`stadtdialog tenant …` talks to the running platform like any API client."""

from __future__ import annotations

import json
import uuid

from cities_support import fresh_year
from click.testing import CliRunner

from gateway.cli import main


def test_operator_stands_up_a_city_from_the_command_line(api, operator) -> None:
    runner = CliRunner()
    env = {"STADTDIALOG_URL": api.base, "STADTDIALOG_TOKEN": operator["token"]}
    slug = f"cli-{uuid.uuid4().hex[:6]}"
    args = [
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "Kommandozeilenstadt",
        "--state",
        "DE-HE",
        "--population",
        "64000",
        "--mayor",
        "Kim Muster",
        "--contact-name",
        "Rathaus",
        "--contact-email",
        "rathaus@example.org",
        "--cohort-year",
        str(fresh_year()),
        "--admin-email",
        f"admin-{slug}@example.org",
        "--language",
        "de",
        "--language",
        "tr",
    ]
    created = runner.invoke(main, args, env=env)
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["slug"] == slug
    api.sink.wait_for(f"admin-{slug}@example.org")  # the first admin is invited by e-mail

    again = runner.invoke(main, args, env=env)
    assert again.exit_code == 1
    assert "HTTP 409" in again.output and "slug" in again.output

    listed = runner.invoke(main, ["tenant", "list"], env=env)
    assert slug in [c["slug"] for c in json.loads(listed.output)]
    archived = runner.invoke(main, ["tenant", "archive", slug], env=env)
    assert archived.exit_code == 0 and json.loads(archived.output)["status"] == "archived"

    anonymous = runner.invoke(main, ["tenant", "archive", slug], env={"STADTDIALOG_URL": api.base})
    assert anonymous.exit_code == 1 and "HTTP 401" in anonymous.output
