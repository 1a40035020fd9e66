"""Password hashing with hashlib.scrypt (stdlib only).

Format: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``; the cost parameters travel with the hash
so they can be raised later without breaking stored hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

#: scrypt CPU/memory cost. n=2**14, r=8 costs ~40 ms here: enough to make offline guessing
#: expensive for a demo system while keeping start-up fast. The sandbox's in-process selftests
#: lower it (each hash carries its own parameters, so verification is unaffected).
SCRYPT_N = 2**14
_R, _P, _DKLEN = 8, 1, 32
_DISABLED = "!disabled"

# Verified against when the username does not exist, so that "no such user" and "wrong
# password" take the same time and cannot be told apart by a stopwatch.
_DUMMY_HASH: str | None = None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str | None) -> str:
    """Hash a password; ``None`` gives a hash that no password matches (account disabled)."""
    if password is None:
        return _DISABLED
    salt = os.urandom(16)
    n = SCRYPT_N
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        # disabled account or a malformed hash: nothing matches
        return False
    return hmac.compare_digest(actual, expected)


def burn_verify_time(password: str) -> None:
    """Spend the time of one verification (used when the user does not exist)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(os.urandom(16).hex())
    verify_password(password, _DUMMY_HASH)
