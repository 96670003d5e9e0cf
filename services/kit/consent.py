"""The version of the privacy notice a person was shown when they agreed (GDPR Art. 7 record)."""

from __future__ import annotations

from services.kit.errors import Invalid

NO_SUCH_VERSION = "There is no such version of the privacy notice."


def notice_version_shown(shown: int | None, current: int) -> int:
    """As the form says (never a future version), or the current one when a client does not
    say (an API client that read the current notice)."""
    if shown is None:
        return current
    if shown > current:
        raise Invalid(NO_SUCH_VERSION, {"privacy_version": [NO_SUCH_VERSION]})
    return shown
