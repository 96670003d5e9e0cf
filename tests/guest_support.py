"""What a guest's join form sends besides name and address: the yes to the privacy notice."""

from __future__ import annotations

CONSENT = {"privacy_consent": True}
