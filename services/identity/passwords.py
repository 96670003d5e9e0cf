"""The password hasher: argon2id with argon2-cffi's default parameters.

argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) take about
0.4 s of one core per hash or check here: right for people signing in, and the reason a test
suite that signs in a few thousand people spends most of its time hashing. The test platform
alone sets ``STADTDIALOG_PASSWORD_HASHING=cheapest`` (argon2-cffi's ``CHEAPEST`` profile, meant
for tests); every other value but ``default`` is refused, so a typo cannot weaken a deployment
silently. Hashes carry their parameters: one made with either profile verifies under the other,
and a login rehashes a password whose parameters differ from the current ones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from argon2 import PasswordHasher, profiles

ENV = "STADTDIALOG_PASSWORD_HASHING"
PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


def password_hasher(environ: Mapping[str, str] = os.environ) -> PasswordHasher:
    name = environ.get(ENV, "").strip().lower() or "default"
    if name not in PROFILES:
        raise ValueError(f"{ENV} must be one of {sorted(PROFILES)}, not {name!r}")
    return PasswordHasher.from_parameters(PROFILES[name])
