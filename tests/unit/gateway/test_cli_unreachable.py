"""The operator CLI says clearly when the platform is not there."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from gateway.cli import main


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


def test_unreachable_platform_exits_2_with_a_clear_message() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(main, ["--url", url, "tenant", "list"])
    assert result.exit_code == 2
    assert "nicht erreichbar" in result.output and url in result.output
    assert "Traceback" not in result.output


def test_tenant_create_checks_its_options_before_calling() -> None:
    result = CliRunner().invoke(main, ["tenant", "create", "--slug", "x"])
    assert result.exit_code == 2 and "Missing option" in result.output
    bad_state = CliRunner().invoke(
        main,
        ["tenant", "create", "--slug", "x", "--name", "X", "--state", "Bayern"],
    )
    assert bad_state.exit_code == 2 and "--state" in bad_state.output
