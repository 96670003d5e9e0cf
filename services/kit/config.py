"""Configuration from the environment, read in one place.

Every process (services, gateway, CLI, tests) reads the same variables; defaults suit a
local run started by ``deploy/local/run``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    mongodb_uri: str
    db_prefix: str
    secret_key: str
    public_base_url: str
    smtp_host: str
    smtp_port: int
    smtp_sender: str
    rpc_timeout: float
    token_ttl_seconds: int
    session_ttl_seconds: int
    outbox_poll_seconds: float
    public_cache: bool
    # A stored message (mail, fact, consumed event) that fails is tried this often, waiting
    # retry_backoff_seconds * 2**(tries - 1) (at most retry_backoff_max_seconds) between tries,
    # then set aside as a dead letter (services/kit/deadletters.py).
    retry_attempts: int = 8
    retry_backoff_seconds: float = 30.0
    retry_backoff_max_seconds: float = 3600.0

    def database_name(self, service: str) -> str:
        """One database per service: ``stadtdialog_identity`` and so on."""
        return f"{self.db_prefix}_{service}"


def load_settings() -> Settings:
    return Settings(
        amqp_uri=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        mongodb_uri=os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/"),
        db_prefix=os.environ.get("STADTDIALOG_DB_PREFIX", "stadtdialog"),
        # A development default only: deploy/ sets a real secret for every other environment.
        secret_key=os.environ.get("STADTDIALOG_SECRET_KEY", "dev-only-not-secret"),
        public_base_url=os.environ.get("STADTDIALOG_PUBLIC_URL", "http://127.0.0.1:8080"),
        smtp_host=os.environ.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=_int("SMTP_PORT", 8025),
        smtp_sender=os.environ.get("SMTP_SENDER", "Stadtdialog <noreply@stadtdialog.local>"),
        rpc_timeout=_float("STADTDIALOG_RPC_TIMEOUT", 10.0),
        token_ttl_seconds=_int("STADTDIALOG_TOKEN_TTL", 48 * 3600),
        session_ttl_seconds=_int("STADTDIALOG_SESSION_TTL", 14 * 24 * 3600),
        outbox_poll_seconds=_float("STADTDIALOG_OUTBOX_POLL", 1.0),
        # The gateway answers anonymous public reads from memory, emptied by events.
        public_cache=os.environ.get("STADTDIALOG_PUBLIC_CACHE", "1") not in ("0", "false", "no"),
        retry_attempts=max(1, _int("STADTDIALOG_RETRY_ATTEMPTS", 8)),
        retry_backoff_seconds=max(0.05, _float("STADTDIALOG_RETRY_BACKOFF", 30.0)),
        retry_backoff_max_seconds=max(0.05, _float("STADTDIALOG_RETRY_BACKOFF_MAX", 3600.0)),
    )
