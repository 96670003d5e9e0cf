"""Encrypted backup lines: a round trip gives the same lines; a wrong passphrase or a changed
line is refused, never half read."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.backup_crypto import (
    BackupDecryptionError,
    LineEncrypter,
    decrypt_lines,
    is_encrypted,
)

PASSPHRASE = "Tischgespräch am Markt 2027"


@settings(max_examples=20, deadline=None)
@given(st.lists(st.text(min_size=1).filter(lambda t: "\n" not in t and "\r" not in t)))
def test_round_trip(lines: list[str]) -> None:
    encrypter = LineEncrypter(PASSPHRASE)
    written = [json.dumps(encrypter.header)] + [encrypter.line(line) for line in lines]
    assert is_encrypted(written[0]) and not is_encrypted(json.dumps({"stadtdialog_backup": 1}))
    assert list(decrypt_lines(written, PASSPHRASE)) == lines


def test_no_plain_text_and_refusals() -> None:
    encrypter = LineEncrypter(PASSPHRASE)
    secret = json.dumps({"name": "Erika Mustermann", "address": "Lindenstraße 5"})
    written = [json.dumps(encrypter.header), encrypter.line(secret)]
    assert "Mustermann" not in "\n".join(written)
    with pytest.raises(BackupDecryptionError):
        list(decrypt_lines(written, "eine andere Passphrase"))
    changed = written[1][:-5] + ("A" if written[1][-5] != "A" else "B") + written[1][-4:]
    with pytest.raises(BackupDecryptionError):
        list(decrypt_lines([written[0], changed], PASSPHRASE))
    with pytest.raises(ValueError, match="at least"):
        LineEncrypter("kurz")
