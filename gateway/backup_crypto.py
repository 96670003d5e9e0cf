"""Encrypted backup files (pure apart from the bytes it is given).

A backup holds addresses and needs, so an operator who keeps it outside the platform's own
disks can encrypt it with a passphrase. The file stays JSON lines, streamable both ways: the
first line names the key derivation (scrypt, with its salt and cost; no secret), every further
line is one Fernet token (AES-128-CBC with HMAC-SHA256, from ``cryptography``) of one line of
the plain backup. A wrong passphrase or a changed line fails the HMAC: nothing is restored.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MARKER = "stadtdialog_backup_encrypted"
# scrypt's interactive cost (RFC 7914 suggests N=2^14..2^20): about 0.1 s and 32 MB per try.
COST = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class BackupDecryptionError(ValueError):
    """Wrong passphrase, or a file changed after it was written."""


def _fernet(passphrase: str, salt: bytes, n: int, r: int, p: int) -> Fernet:
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase needs at least {MIN_PASSPHRASE} characters")


def encryption_header(salt: bytes | None = None) -> tuple[dict[str, Any], bytes]:
    """The first line of an encrypted file, and the salt in it."""
    salt = salt or os.urandom(16)
    return {MARKER: 1, "kdf": "scrypt", "salt": base64.b64encode(salt).decode(), **COST}, salt


class LineEncrypter:
    def __init__(self, passphrase: str) -> None:
        check_passphrase(passphrase)
        self.header, salt = encryption_header()
        self._fernet = _fernet(passphrase, salt, **COST)

    def line(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")


def is_encrypted(first_line: str) -> bool:
    try:
        return MARKER in json.loads(first_line)
    except ValueError:
        return False


def decrypt_lines(lines: Iterable[str], passphrase: str) -> Iterator[str]:
    """The plain lines of an encrypted backup (its header line first among ``lines``)."""
    iterator = iter(lines)
    header = json.loads(next(iterator))
    try:
        fernet = _fernet(
            passphrase,
            base64.b64decode(header["salt"]),
            int(header["n"]),
            int(header["r"]),
            int(header["p"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupDecryptionError("the encryption header is damaged") from exc
    for line in iterator:
        if not line.strip():
            continue
        try:
            yield fernet.decrypt(line.strip().encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise BackupDecryptionError(
                "wrong passphrase, or the file was changed after it was written"
            ) from exc
