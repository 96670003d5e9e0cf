"""Where sign-in and registration return a person to (``?next=``): local paths only (pure).

An open redirect would let a mail or link that looks like ours send people to any site after
they typed their password, so a ``next`` value is kept only when it is a path on this site:
it starts with a single ``/``, has no scheme or host, no backslash (browsers read ``/\\host`` as
``//host``), no control character or whitespace (browsers drop tabs and line breaks inside URLs,
so ``/\\t/host`` would become ``//host``), and is not absurdly long. Anything else is dropped
and the person lands on the start page.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 1000
# Pages that make no sense to come back to (they would sign out or loop).
NOT_BACK_TO = ("/abmelden", "/anmelden", "/registrieren")


def safe_next(value: object) -> str | None:
    """``value`` if it is a local path worth returning to, else None."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    if any(ch == "\\" or ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    # Percent-encoded tricks are refused too: a decoded ``//``, backslash or control character
    # at the start means someone tries to slip a host past a later decoding step.
    decoded = unquote(value)
    if decoded.startswith("//") or "\\" in decoded or any(ord(ch) < 32 for ch in decoded):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.rstrip("/") in NOT_BACK_TO:
        return None
    return value
