"""Helpers of the kit's mail tests: a retry policy that never retries within a test, and the
settings with the SMTP port of a test's own sink."""

from __future__ import annotations

from services.kit.config import Settings, load_settings
from services.kit.deadletters import RetryPolicy

QUICK = RetryPolicy(attempts=2, backoff=60, backoff_max=60)


def smtp_settings(port: int) -> Settings:
    """The platform's settings, with mail going to ``port`` on this machine."""
    settings = load_settings()
    return type(settings)(**{**settings.__dict__, "smtp_port": port})
