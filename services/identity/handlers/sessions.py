"""Login sessions: login (with its lockout after repeated failures), logout, and turning a
session token into the caller's context data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError

from services.identity.errors import LOCKED_MESSAGE, LoginLocked
from services.identity.handlers.base import SUMMARY_FIELDS, IdentityBase, _dump, _hasher, summary_of
from services.identity.models import CALENDAR, SESSION_KINDS, Account, LoginFailure, Session
from services.identity.schemas import LoginSchema, SessionEndSchema
from services.identity.tokens import new_session_token, session_handle, session_key
from services.kit.context import Caller
from services.kit.errors import Forbidden, Invalid, NotFound, Unauthenticated
from services.kit.rpc import rpc
from services.kit.schemas import load

# Verifying against a real hash when the account is unknown keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")
SESSION_GONE = "This session does not exist (any more)."


def _clean_device(device: Any) -> str | None:
    """Printable text only, short: it is shown on a page."""
    if not isinstance(device, str):
        return None
    text = "".join(c for c in device if c.isprintable())[:80].strip()
    return text or None


class SessionHandlers(IdentityBase):
    # ------------------------------------------------------------------ lockout
    def _refuse_if_locked(self, key: str, now: datetime) -> None:
        recent = LoginFailure.objects(key=key, at__gte=self.lockout.since(now))
        newest = recent.order_by("-at").limit(self.lockout.attempts)
        times = [f.at.replace(tzinfo=UTC) for f in newest]
        seconds = self.lockout.seconds_locked(times, now)
        if seconds:
            raise LoginLocked(LOCKED_MESSAGE, {"email": [LOCKED_MESSAGE]}, seconds)

    def _record_failure(self, key: str, now: datetime) -> None:
        # An inserted document per failure (no counter: FerretDB updates are not atomic);
        # failures older than the window are useless, so each new one sweeps them away.
        LoginFailure(id=str(uuid.uuid4()), key=key, at=now).save(force_insert=True)
        LoginFailure.objects(at__lt=self.lockout.since(now)).delete()

    # ------------------------------------------------------------------ sessions
    @rpc
    def login(self, data: dict[str, Any], kind: str = "api", device: str = "") -> dict[str, Any]:
        """A new session: an API bearer token, or (``kind="page"``) the secret of a page
        session, which the gateway keeps in its cookie and which the API does not accept.
        ``device`` names the browser for the person's list of sessions."""
        if kind not in SESSION_KINDS:
            raise Invalid(fields={"kind": [f"Must be one of: {', '.join(SESSION_KINDS)}."]})
        values = load(LoginSchema(), data)
        email = values["email"].lower()
        key = self._address_key(email)
        now = datetime.now(UTC)
        # Unknown addresses are locked the same way: the lock must not tell who has an account.
        self._refuse_if_locked(key, now)
        account = Account.objects(email=email, deleted_at=None).first()
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, values["password"])
        except (VerificationError, InvalidHashError) as exc:
            self._record_failure(key, now)
            raise Unauthenticated("E-mail or password is wrong.") from exc
        if account is None:
            self._record_failure(key, now)
            raise Unauthenticated("E-mail or password is wrong.")
        LoginFailure.objects(key=key).delete()  # the right password starts the count afresh
        if account.verified_at is None:
            raise Forbidden(
                "The e-mail address is not verified yet.",
                {"email": ["The e-mail address is not verified yet."]},
            )
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(values["password"])
            account.save()
        token, key = new_session_token()
        expires = datetime.now(UTC) + timedelta(seconds=self.settings.session_ttl_seconds)
        Session(
            id=key,
            account_id=account.id,
            kind=kind,
            device=_clean_device(device),
            expires_at=expires,
        ).save(force_insert=True)
        return {"token": token, "expires_at": expires.isoformat(), "account": _dump(account)}

    @rpc
    def logout(self, token: str) -> dict[str, Any]:
        session = Session.objects(id=session_key(token or "")).only("account_id").first()
        if session is not None:
            session.delete()
            self._sessions_ended(session.account_id, "signed_out")
        return {"logged_out": True}

    @rpc
    def authenticate(self, token: str, kind: str = "api") -> dict[str, Any]:
        """The caller behind a bearer token (``kind="api"``) or a page session (``"page"``),
        as context data for services, with the session's ``expires_at`` (the gateway keeps the
        answer no longer). A session of the other kind is refused."""
        # Every signed-in request passes here: read only the fields the answer needs.
        session = (
            Session.objects(id=session_key(token or ""))
            .only("account_id", "kind", "expires_at")
            .first()
        )
        if (
            session is None
            or (session.kind or "api") != kind
            or session.expires_at.replace(tzinfo=UTC) < datetime.now(UTC)
        ):
            raise Unauthenticated("The token is invalid or expired.")
        account = (
            Account.objects(id=session.account_id, deleted_at=None)
            .only("roles", "operator", *SUMMARY_FIELDS)
            .first()
        )
        if account is None:
            raise Unauthenticated("The token is invalid or expired.")
        context = Caller(
            user_id=account.id,
            roles=account.roles_by_city(),
            operator=account.operator,
            summary=summary_of(account),
        ).to_context()
        return {**context, "expires_at": session.expires_at.replace(tzinfo=UTC).isoformat()}

    @rpc
    def me(self) -> dict[str, Any]:
        return _dump(self._account(self.caller.require_authenticated()))

    # ------------------------------------------------------------------ my sessions
    def _own_sessions(self) -> list[Session]:
        """Sign-ins (the calendar feed's secret is managed with the feed, calendar_feed.py)."""
        account_id = self.caller.require_authenticated()
        query = Session.objects(account_id=account_id, kind__ne=CALENDAR)
        return list(query.order_by("-created_at"))

    @rpc
    def list_sessions(self, current_token: str = "") -> dict[str, Any]:
        """The caller's sessions, newest first; ``current`` marks the one asking."""
        current = session_key(current_token) if current_token else None
        now = datetime.now(UTC)
        return {
            "items": [
                {
                    "id": session_handle(s.id),
                    "kind": s.kind or "api",
                    "device": s.device,
                    "created_at": s.created_at.replace(tzinfo=UTC).isoformat(),
                    "expires_at": s.expires_at.replace(tzinfo=UTC).isoformat(),
                    "current": s.id == current,
                }
                for s in self._own_sessions()
                if s.expires_at.replace(tzinfo=UTC) > now
            ]
        }

    @rpc
    def end_session(self, data: dict[str, Any]) -> dict[str, Any]:
        """Ends one of the caller's own sessions, named by its handle from ``list_sessions``."""
        handle = load(SessionEndSchema(), data)["session"]
        for session in self._own_sessions():
            if session_handle(session.id) == handle:
                session.delete()
                self._sessions_ended(session.account_id, "ended")
                return {"ended": 1}
        raise NotFound(SESSION_GONE, {"session": [SESSION_GONE]})

    @rpc
    def end_other_sessions(self, current_token: str = "") -> dict[str, Any]:
        """Every session of the caller but the one asking ends ("alle anderen abmelden")."""
        keep = session_key(current_token) if current_token else None
        ended = 0
        for session in self._own_sessions():
            if session.id != keep:
                session.delete()
                ended += 1
        if ended:
            self._sessions_ended(self.caller.user_id, "others_ended")
        return {"ended": ended}
