"""Password hashing (stdlib scrypt)."""

from __future__ import annotations

import re
from pathlib import Path

from sandbox import passwords


def test_production_cost_is_unchanged_in_source():
    # the selftests lower SCRYPT_N at run time; the shipped default must stay at 2**14
    source = Path(passwords.__file__).read_text(encoding="utf-8")
    assert re.search(r"^SCRYPT_N = 2\*\*14$", source, re.MULTILINE)


def test_hash_and_verify():
    stored = passwords.hash_password("s3cret pässword")
    assert stored.startswith(f"scrypt${passwords.SCRYPT_N}$8$1$")
    assert "s3cret" not in stored
    assert passwords.verify_password("s3cret pässword", stored)
    assert not passwords.verify_password("s3cret passwörd", stored)
    assert passwords.hash_password("same") != passwords.hash_password("same")  # salted


def test_disabled_and_malformed_hashes_match_nothing():
    disabled = passwords.hash_password(None)
    for candidate in ("", "anything", disabled):
        assert not passwords.verify_password(candidate, disabled)
    for stored in ("", "plain", "scrypt$x$y$z$a$b", "bcrypt$1$2$3$4$5"):
        assert not passwords.verify_password("plain", stored)


def test_verification_uses_the_parameters_stored_in_the_hash():
    stored = passwords.hash_password("pw")
    previous = passwords.SCRYPT_N
    passwords.SCRYPT_N = previous * 2
    try:
        assert passwords.verify_password("pw", stored)
    finally:
        passwords.SCRYPT_N = previous
