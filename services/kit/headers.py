"""Header values from people's text: one line, always.

A mail header ends at a line break, so a talk title with ``\\r\\n`` in it would let its author
add headers of their own, and Python's ``email`` refuses such a value outright (``ValueError:
Header values may not contain linefeed or carriage return characters``) — it treats every
separator ``str.splitlines`` knows as a line break, not only CR and LF. Every header built from
user text (subjects with a talk title, a closing-event title, a working-group or city name; the
recipient) goes through ``header_value``, in one place: ``services.kit.mail._message``.
"""

from __future__ import annotations

import re

# Control characters (C0, DEL, C1: among them CR, LF, VT, FF, the file/group/record separators
# \x1c-\x1e and NEL \x85), the Unicode line and paragraph separators, and plain spaces, so that
# a run of them becomes one space.
_FOLD = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]+")


def header_value(text: str) -> str:
    """``text`` on one line: every run of separators and control characters becomes one
    space, and the ends are stripped."""
    return _FOLD.sub(" ", text).strip()
