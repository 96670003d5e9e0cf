"""A small HTTP client of the running platform, for the ``stadtdialog`` command line.

The operator commands talk to the gateway's JSON API like any other client: the URL comes
from ``--url`` or ``STADTDIALOG_URL``, the bearer token from ``--token``, ``STADTDIALOG_TOKEN``
or the file ``stadtdialog login`` writes (``$XDG_CONFIG_HOME/stadtdialog/credentials.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

DEFAULT_URL = "http://127.0.0.1:8080"


class PlatformError(Exception):
    """An answer the operator must read: the message is printed as it is."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def credentials_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stadtdialog" / "credentials.json"


def stored_token(url: str) -> str | None:
    path = credentials_path()
    if not path.exists():
        return None
    return json.loads(path.read_text()).get(url)


def store_token(url: str, token: str) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[url] = token
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)  # a bearer token is a password
    return path


def describe_error(body: dict[str, Any]) -> str:
    error = body.get("error") or {}
    message = error.get("message") or {}
    lines = [f"{message.get('de', '')} / {message.get('en', '')}".strip(" /")]
    for name, texts in (error.get("fields") or {}).items():
        lines.append(
            f"  {name}: {'; '.join(texts.get('de', []))} / {'; '.join(texts.get('en', []))}"
        )
    return "\n".join(lines)


class PlatformClient:
    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: Any = None) -> Any:
        response = self._send(method, path, body)
        try:
            data = response.json()
        except ValueError as exc:
            raise PlatformError(
                f"{self.url} answered {response.status_code} without JSON."
            ) from exc
        if response.status_code >= 400:
            raise PlatformError(f"HTTP {response.status_code}: {describe_error(data)}")
        return data

    def stream_lines(self, path: str) -> Iterator[str]:
        """GET ``path`` and yield the answer's lines as they arrive (JSON-lines endpoints)."""
        response = self._send("GET", path, None, stream=True)
        if response.status_code >= 400:
            try:
                detail = describe_error(response.json())
            except ValueError:
                detail = response.text[:200]
            raise PlatformError(f"HTTP {response.status_code}: {detail}")
        response.encoding = "utf-8"  # JSON lines are UTF-8; the content type names no charset
        try:
            for line in response.iter_lines(decode_unicode=True):
                if line:
                    yield line
        except requests.RequestException as exc:
            raise PlatformError(f"The answer from {self.url} broke off ({exc}).", 2) from exc

    def _send(self, method: str, path: str, body: Any, stream: bool = False) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            return requests.request(
                method,
                f"{self.url}/api/v1{path}",
                json=body,
                headers=headers,
                timeout=self.timeout,
                stream=stream,
            )
        except requests.ConnectionError as exc:
            raise PlatformError(
                f"Die Plattform ist unter {self.url} nicht erreichbar / "
                f"The platform is not reachable at {self.url} ({type(exc).__name__}). "
                "Is it running (bash deploy/local/run)? Is --url right?",
                exit_code=2,
            ) from exc
        except requests.Timeout as exc:
            raise PlatformError(f"No answer from {self.url} within {self.timeout:g} s.", 2) from exc
