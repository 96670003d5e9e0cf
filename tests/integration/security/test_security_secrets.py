"""Secrets: a process refuses to start with the development key, and links signed with that
key are worth nothing on a platform that runs with its own (issue 15, deliverable 3)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from services.cities.service import INVITATION_TTL
from services.identity.tokens import VERIFY, TokenSigner
from services.kit.config import DEVELOPMENT_KEY, EXIT_UNSAFE_CONFIG
from services.kit.registry import SERVICES
from services.kit.testbed import NAMEKO_CONFIG, REPO
from services.kit.tokens import SignedTokens

pytestmark = pytest.mark.integration

REFUSAL = "Start verweigert: STADTDIALOG_SECRET_KEY"


def _start(platform, args: list[str]) -> subprocess.CompletedProcess:  # noqa: ANN001
    env = platform.env()
    env.update(
        STADTDIALOG_SECRET_KEY=DEVELOPMENT_KEY,
        STADTDIALOG_DEV_INSECURE_KEY="1",  # the development flag does not help behind https
        STADTDIALOG_PUBLIC_URL="https://stadtdialog.example",
        STADTDIALOG_METRICS_PORT="0",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)


def test_development_key_is_refused_at_start(platform) -> None:
    service = _start(
        platform,
        [sys.executable, "-m", "nameko", "run", "--config", str(NAMEKO_CONFIG), SERVICES["cities"]],
    )
    output = service.stdout + service.stderr
    assert service.returncode == EXIT_UNSAFE_CONFIG, output[-3000:]
    assert REFUSAL in output and "Refusing to start" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]  # one clear line, not a crash
    gateway = _start(
        platform,
        [
            sys.executable, "-m", "gunicorn", "--config", "python:gateway.gunicorn_conf",
            "--workers", "1", "--bind", "127.0.0.1:0", "gateway.app:create_app()",
        ],
    )  # fmt: skip
    output = gateway.stdout + gateway.stderr
    assert gateway.returncode == EXIT_UNSAFE_CONFIG, output[-3000:]
    assert REFUSAL in output and "Traceback" not in output, output[-3000:]


def test_forged_verification_link_with_the_development_key_fails(api, cities) -> None:
    # A verification link for a fresh account, signed with the key anyone can read in the code.
    account = api.register()
    forged = TokenSigner(DEVELOPMENT_KEY, 3600).issue(VERIFY, account["id"])
    refused = api.post("/accounts/verify", {"token": forged})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["fields"]["token"]["en"] == ["The link is invalid."]
    login = api.post("/sessions", {"email": account["email"], "password": account["password"]})
    assert login.status_code == 403, login.text  # still not verified

    # A city-admin invitation to another city, made up by a citizen: no role comes of it.
    city = cities.create()
    citizen = api.verified_login_as(f"citizen-{uuid.uuid4().hex[:8]}@example.org")
    invitation = SignedTokens(DEVELOPMENT_KEY, INVITATION_TTL).sign(
        "invite-city-admin", {"c": city["slug"], "e": citizen["email"]}
    )
    accepted = api.post("/invitations/accept", {"token": invitation}, token=citizen["token"])
    assert accepted.status_code == 422, accepted.text
    me = api.get("/me", token=citizen["token"]).json()
    assert {"city": city["slug"], "role": "city_admin"} not in me["roles"]
