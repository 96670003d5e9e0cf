"""A small client of the RabbitMQ management HTTP API, for the operator commands that manage
integrators' broker access (``stadtdialog integrators``).

The HTTP API rather than ``rabbitmqctl``: it reaches a broker or cluster wherever it runs
(the compose file and the Kubernetes manifests use the management image), needs no Erlang
cookie on the operator's machine, and speaks JSON. Only the calls the commands need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests


class BrokerAdminError(Exception):
    """The management API refused or could not be reached; the text says what in German."""


@dataclass(frozen=True)
class BrokerAdmin:
    """``management_url`` is ``http(s)://user:password@host:port/`` (the credentials of an
    administrator of the broker); ``vhost`` the platform's virtual host."""

    management_url: str
    vhost: str
    timeout: float = 15.0

    def _split(self) -> tuple[str, tuple[str, str]]:
        parts = urlsplit(self.management_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BrokerAdminError(
                "RABBITMQ_MANAGEMENT_URL muss eine http(s)-Adresse sein, "
                "z. B. http://admin:geheim@rabbitmq:15672/"
            )
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        return base, (user, password)

    def _call(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> Any:
        base, auth = self._split()
        try:
            answer = requests.request(
                method, f"{base}/api/{path}", json=body, auth=auth, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise BrokerAdminError(
                f"Die Verwaltung des Brokers ist nicht erreichbar ({base}): {exc}"
            ) from exc
        if answer.status_code == 404 and missing_ok:
            return None
        if answer.status_code >= 400:
            reason = answer.text[:300]
            raise BrokerAdminError(
                f"Der Broker lehnt {method} {path} ab (HTTP {answer.status_code}): {reason}"
            )
        return answer.json() if answer.content else None

    @property
    def _v(self) -> str:
        return quote(self.vhost, safe="")

    # ------------------------------------------------------------- users and permissions
    def put_user(self, name: str, password: str, tags: str = "") -> None:
        self._call("PUT", f"users/{quote(name, safe='')}", {"password": password, "tags": tags})

    def users(self) -> list[dict[str, Any]]:
        return self._call("GET", "users") or []

    def delete_user(self, name: str) -> bool:
        """False when there was no such user."""
        path = f"users/{quote(name, safe='')}"
        if self._call("GET", path, missing_ok=True) is None:
            return False
        self._call("DELETE", path, missing_ok=True)
        return True

    def set_permissions(self, user: str, configure: str, write: str, read: str) -> None:
        body = {"configure": configure, "write": write, "read": read}
        self._call("PUT", f"permissions/{self._v}/{quote(user, safe='')}", body)

    def set_topic_permissions(self, user: str, exchange: str, write: str, read: str) -> None:
        body = {"exchange": exchange, "write": write, "read": read}
        self._call("PUT", f"topic-permissions/{self._v}/{quote(user, safe='')}", body)

    def topic_permissions(self, user: str) -> list[dict[str, Any]]:
        path = f"users/{quote(user, safe='')}/topic-permissions"
        return self._call("GET", path, missing_ok=True) or []

    # ------------------------------------------------------------- policies, queues, links
    def put_policy(self, name: str, pattern: str, definition: dict[str, Any]) -> None:
        body = {"pattern": pattern, "definition": definition, "apply-to": "queues"}
        self._call("PUT", f"policies/{self._v}/{quote(name, safe='')}", body)

    def delete_policy(self, name: str) -> None:
        self._call("DELETE", f"policies/{self._v}/{quote(name, safe='')}", missing_ok=True)

    def queues(self) -> list[dict[str, Any]]:
        return self._call("GET", f"queues/{self._v}") or []

    def delete_queue(self, name: str) -> None:
        self._call("DELETE", f"queues/{self._v}/{quote(name, safe='')}", missing_ok=True)

    def close_connections(self, user: str) -> int:
        """Closes the user's open connections (a revoked integrator stops at once)."""
        connections = self._call("GET", "connections") or []
        closed = 0
        for connection in connections:
            if connection.get("user") == user:
                path = f"connections/{quote(connection['name'], safe='')}"
                self._call("DELETE", path, missing_ok=True)
                closed += 1
        return closed
