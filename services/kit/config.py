"""Configuration from the environment, read in one place.

Every process (services, gateway, CLI, tests) reads the same variables; defaults suit a
local run started by ``deploy/local/run``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import NoReturn

# What the code falls back to without STADTDIALOG_SECRET_KEY: known to everyone who reads this
# file, so a process refuses to start with it (``check_secret_key``) unless told otherwise.
DEVELOPMENT_KEY = "dev-only-not-secret"
MIN_KEY_LENGTH = 32
DEV_FLAG = "STADTDIALOG_DEV_INSECURE_KEY"
EXIT_UNSAFE_CONFIG = 78  # EX_CONFIG of sysexits.h: a configuration error, not a crash


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
    dev_insecure_key: bool = False  # STADTDIALOG_DEV_INSECURE_KEY=1: a weak key is accepted
    context_ttl_seconds: int = 300  # how long a signed caller context is accepted
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
        # deploy/local/run makes a random key; every process refuses the fallback at start.
        secret_key=os.environ.get("STADTDIALOG_SECRET_KEY") or DEVELOPMENT_KEY,
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
        dev_insecure_key=os.environ.get(DEV_FLAG, "") in ("1", "true", "yes"),
        context_ttl_seconds=_int("STADTDIALOG_CONTEXT_TTL", 300),
        retry_attempts=max(1, _int("STADTDIALOG_RETRY_ATTEMPTS", 8)),
        retry_backoff_seconds=max(0.05, _float("STADTDIALOG_RETRY_BACKOFF", 30.0)),
        retry_backoff_max_seconds=max(0.05, _float("STADTDIALOG_RETRY_BACKOFF_MAX", 3600.0)),
    )


class UnsafeSecretKey(RuntimeError):
    """The process must not start: its key would let anyone forge links and caller contexts."""


def secret_key_problem(settings: Settings) -> str | None:
    """Why the settings' secret key is unsafe to start with, in German and English; or None.

    A weak key (the development fallback, empty, shorter than ``MIN_KEY_LENGTH``) is accepted
    only with the development flag, and never behind https: a public address means real
    people, whose links and roles the key protects."""
    key = settings.secret_key
    if key != DEVELOPMENT_KEY and len(key) >= MIN_KEY_LENGTH:
        return None
    https = settings.public_base_url.strip().lower().startswith("https://")
    if settings.dev_insecure_key and not https:
        return None
    known = key == DEVELOPMENT_KEY
    why = (
        "fehlt oder ist der bekannte Entwicklungswert"
        if known
        else f"hat weniger als {MIN_KEY_LENGTH} Zeichen"
    )
    why_en = (
        "is unset or the known development default"
        if known
        else f"is shorter than {MIN_KEY_LENGTH} characters"
    )
    if https:
        why += f", bei https auch mit {DEV_FLAG}=1 nicht erlaubt"
        why_en += f", behind https not even with {DEV_FLAG}=1"
    return (
        f"Start verweigert: STADTDIALOG_SECRET_KEY {why}. Setze einen zufälligen Schlüssel mit "
        f"mindestens {MIN_KEY_LENGTH} Zeichen, z. B. python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))'. / Refusing to start: STADTDIALOG_SECRET_KEY "
        f"{why_en}. Set a random key of at least {MIN_KEY_LENGTH} characters."
    )


def check_secret_key(settings: Settings) -> Settings:
    """The settings, if their secret key is safe to start with; ``UnsafeSecretKey`` otherwise."""
    problem = secret_key_problem(settings)
    if problem:
        raise UnsafeSecretKey(problem)
    return settings


def refuse_to_start(problem: str) -> NoReturn:
    """End the starting process with one log line (no traceback, nothing retried by it)."""
    logging.getLogger("stadtdialog.config").critical(problem)
    raise SystemExit(EXIT_UNSAFE_CONFIG)
