"""golive.probes.tokens: every forgery differs from the original exactly as intended, and a
correct verifier (PyJWT with pinned alg, iss, aud, required claims and a kid-indexed key set)
rejects every one of them while accepting the original."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm, get_default_algorithms

from golive.probes import tokens
from golive.probes.findings import names
from golive.probes.tokens import (
    FORGERIES,
    ForgeryContext,
    ForgeryUnavailable,
    MalformedToken,
    available_forgeries,
    b64url_decode,
    decode_unverified,
    evaluate_forgery_response,
    evaluate_hmac_secret,
    evaluate_token_lifetime,
    find_weak_hs256_secret,
    forge,
    lifetime,
    load_weak_secrets,
    signature_bytes,
)

ISSUER = "https://securetoken.google.com/golive-test"
AUDIENCE = "golive-test"
KID = "key-1"
NOW = datetime.now(UTC).replace(microsecond=0)
REQUIRED = ["exp", "iat", "iss", "aud", "sub"]


class UnknownKid(jwt.InvalidTokenError):
    """The correct verifier's answer to a kid it does not know: no fallback to other keys."""


def _claims(**overrides: Any) -> dict[str, Any]:
    issued = int(NOW.timestamp()) - 60
    claims: dict[str, Any] = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": "user-42", "role": "user",
        "iat": issued, "nbf": issued, "exp": issued + 3600,
    }
    claims.update(overrides)
    return claims


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def public_pem(rsa_key: rsa.RSAPrivateKey) -> bytes:
    return rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def hs_secret() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture(scope="module")
def rs_token(rsa_key: rsa.RSAPrivateKey) -> str:
    return jwt.encode(_claims(), rsa_key, algorithm="RS256", headers={"kid": KID})


@pytest.fixture(scope="module")
def hs_token(hs_secret: bytes) -> str:
    return jwt.encode(_claims(), hs_secret, algorithm="HS256", headers={"kid": KID})


@pytest.fixture(scope="module")
def rs_context(rsa_key: rsa.RSAPrivateKey, public_pem: bytes) -> ForgeryContext:
    return ForgeryContext(now=NOW, signing_key=rsa_key, public_key=public_pem)


@pytest.fixture(scope="module")
def hs_context(hs_secret: bytes, public_pem: bytes) -> ForgeryContext:
    return ForgeryContext(now=NOW, signing_key=hs_secret, public_key=public_pem)


def correct_verify(token: str, keys: dict[str, Any], alg: str) -> dict[str, Any]:
    """A verifier as RFC 8725 wants it: key by kid (no fallback), pinned alg, iss, aud, required
    claims, zero leeway."""
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise UnknownKid(f"unknown kid {kid!r}")
    result: dict[str, Any] = jwt.decode(
        token, keys[kid], algorithms=[alg], issuer=ISSUER, audience=AUDIENCE,
        options={"require": REQUIRED},
    )
    return result


def _diff(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def _signature_valid(token: str, alg: str, key: Any) -> bool:
    algorithm = get_default_algorithms()[alg]
    header, payload, signature = token.split(".")
    return algorithm.verify(f"{header}.{payload}".encode(), algorithm.prepare_key(key),
                            b64url_decode(signature))


COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")

# forgery -> (header keys changed, claim keys changed, what the signature is)
EXPECTED_CHANGES: dict[str, tuple[set[str], set[str], str]] = {
    "alg_none": ({"alg"}, set(), "empty"),
    "alg_none_capitalized": ({"alg"}, set(), "empty"),
    "alg_none_uppercase": ({"alg"}, set(), "empty"),
    "alg_none_mixed_case": ({"alg"}, set(), "empty"),
    "signature_stripped": (set(), set(), "empty"),
    "random_signature": (set(), set(), "random"),
    "tampered_claim": (set(), {"role"}, "kept"),
    "expired": (set(), {"exp"}, "kept"),
    "expired_resigned": (set(), {"exp"}, "real_key"),
    "not_yet_valid": (set(), {"nbf"}, "kept"),
    "not_yet_valid_resigned": (set(), {"nbf"}, "real_key"),
    "issued_in_future": (set(), {"iat"}, "kept"),
    "issued_in_future_resigned": (set(), {"iat"}, "real_key"),
    "expiry_removed_resigned": (set(), {"exp"}, "real_key"),
    "wrong_issuer": (set(), {"iss"}, "kept"),
    "wrong_issuer_resigned": (set(), {"iss"}, "real_key"),
    "wrong_audience": (set(), {"aud"}, "kept"),
    "wrong_audience_resigned": (set(), {"aud"}, "real_key"),
    "unknown_kid": ({"kid"}, set(), "kept"),
    "unknown_kid_resigned": ({"kid"}, set(), "real_key"),
    "hs256_key_confusion": ({"alg"}, set(), "hmac_public_pem"),
    "embedded_jwk": ({"jwk"}, set(), "embedded_jwk"),  # alg stays RS256 here
    "kid_path_traversal": ({"alg", "kid"}, set(), "hmac_empty"),
}

# forgery -> the reason the correct verifier gives for the RS256 original's forgery
EXPECTED_REJECTION: dict[str, type[Exception]] = {
    "alg_none": jwt.InvalidAlgorithmError,
    "alg_none_capitalized": jwt.InvalidAlgorithmError,
    "alg_none_uppercase": jwt.InvalidAlgorithmError,
    "alg_none_mixed_case": jwt.InvalidAlgorithmError,
    "signature_stripped": jwt.InvalidSignatureError,
    "random_signature": jwt.InvalidSignatureError,
    "tampered_claim": jwt.InvalidSignatureError,
    "expired": jwt.InvalidSignatureError,
    "expired_resigned": jwt.ExpiredSignatureError,
    "not_yet_valid": jwt.InvalidSignatureError,
    "not_yet_valid_resigned": jwt.ImmatureSignatureError,
    "issued_in_future": jwt.InvalidSignatureError,
    "issued_in_future_resigned": jwt.ImmatureSignatureError,
    "expiry_removed_resigned": jwt.MissingRequiredClaimError,
    "wrong_issuer": jwt.InvalidSignatureError,
    "wrong_issuer_resigned": jwt.InvalidIssuerError,
    "wrong_audience": jwt.InvalidSignatureError,
    "wrong_audience_resigned": jwt.InvalidAudienceError,
    "unknown_kid": UnknownKid,
    "unknown_kid_resigned": UnknownKid,
    "hs256_key_confusion": jwt.InvalidAlgorithmError,
    "embedded_jwk": jwt.InvalidSignatureError,
    "kid_path_traversal": UnknownKid,
}


def test_every_forgery_has_expectations() -> None:
    assert set(EXPECTED_CHANGES) == set(FORGERIES) == set(EXPECTED_REJECTION)


def test_originals_are_accepted_by_the_correct_verifier(
    rs_token: str, hs_token: str, rsa_key: rsa.RSAPrivateKey, hs_secret: bytes
) -> None:
    assert correct_verify(rs_token, {KID: rsa_key.public_key()}, "RS256")["sub"] == "user-42"
    assert correct_verify(hs_token, {KID: hs_secret}, "HS256")["sub"] == "user-42"


@pytest.mark.parametrize("name", list(FORGERIES))
def test_forgery_changes_exactly_what_it_says(
    name: str, rs_token: str, rs_context: ForgeryContext, rsa_key: rsa.RSAPrivateKey,
    public_pem: bytes,
) -> None:
    forged = forge(name, rs_token, rs_context)
    assert COMPACT.match(forged), forged
    assert forged != rs_token
    header, claims = decode_unverified(rs_token)
    forged_header, forged_claims = decode_unverified(forged)
    header_changes, claim_changes, signature_kind = EXPECTED_CHANGES[name]
    assert _diff(header, forged_header) == header_changes
    assert _diff(claims, forged_claims) == claim_changes
    original_segments, forged_segments = rs_token.split("."), forged.split(".")
    if not header_changes:
        assert forged_segments[0] == original_segments[0], "header bytes must stay untouched"
    if not claim_changes:
        assert forged_segments[1] == original_segments[1], "payload bytes must stay untouched"
    signing_input = f"{forged_segments[0]}.{forged_segments[1]}".encode()
    signature = signature_bytes(forged)
    if signature_kind == "empty":
        assert signature == b""
    elif signature_kind == "kept":
        assert forged_segments[2] == original_segments[2]
    elif signature_kind == "random":
        assert len(signature) == len(signature_bytes(rs_token))
        assert signature != signature_bytes(rs_token)
    elif signature_kind == "real_key":
        assert _signature_valid(forged, "RS256", rsa_key.public_key())
    elif signature_kind == "hmac_public_pem":
        assert forged_header["alg"] == "HS256"
        assert signature == hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    elif signature_kind == "embedded_jwk":
        attacker = RSAAlgorithm.from_jwk(forged_header["jwk"])
        assert _signature_valid(forged, "RS256", attacker)
        assert not _signature_valid(forged, "RS256", rsa_key.public_key())
    elif signature_kind == "hmac_empty":
        assert signature == hmac.new(b"", signing_input, hashlib.sha256).digest()
    else:  # pragma: no cover - table typo
        raise AssertionError(signature_kind)


@pytest.mark.parametrize("name", list(FORGERIES))
def test_correct_verifier_rejects_rs256_forgery_for_the_intended_reason(
    name: str, rs_token: str, rs_context: ForgeryContext, rsa_key: rsa.RSAPrivateKey
) -> None:
    forged = forge(name, rs_token, rs_context)
    with pytest.raises(EXPECTED_REJECTION[name]):
        correct_verify(forged, {KID: rsa_key.public_key()}, "RS256")


@pytest.mark.parametrize("name", list(FORGERIES))
def test_correct_verifier_rejects_hs256_forgery(
    name: str, hs_token: str, hs_context: ForgeryContext, hs_secret: bytes
) -> None:
    forged = forge(name, hs_token, hs_context)
    with pytest.raises(jwt.InvalidTokenError):
        correct_verify(forged, {KID: hs_secret}, "HS256")


def test_unknown_kid_resigned_is_only_refused_for_its_kid(
    rs_token: str, rs_context: ForgeryContext, rsa_key: rsa.RSAPrivateKey
) -> None:
    """Proves the forgery isolates the kid: with the kid known it would be a valid token."""
    forged = forge("unknown_kid_resigned", rs_token, rs_context)
    kid = decode_unverified(forged)[0]["kid"]
    assert kid.startswith("golive-unknown-")
    assert correct_verify(forged, {kid: rsa_key.public_key()}, "RS256")["sub"] == "user-42"


def test_key_confusion_is_accepted_by_a_verifier_that_trusts_the_header_alg(
    rs_token: str, rs_context: ForgeryContext, public_pem: bytes
) -> None:
    """The construction is the real attack: HMAC-SHA256 keyed with the public PEM bytes."""
    forged = forge("hs256_key_confusion", rs_token, rs_context)
    header_segment, payload_segment, signature_segment = forged.split(".")
    expected = hmac.new(public_pem, f"{header_segment}.{payload_segment}".encode(),
                        hashlib.sha256).digest()
    assert hmac.compare_digest(b64url_decode(signature_segment), expected)
    assert decode_unverified(forged)[1] == decode_unverified(rs_token)[1]


def test_key_confusion_accepts_key_objects_as_well_as_pem(
    rs_token: str, rsa_key: rsa.RSAPrivateKey, public_pem: bytes
) -> None:
    from_pem = forge("hs256_key_confusion", rs_token, ForgeryContext(public_key=public_pem))
    from_text = forge("hs256_key_confusion", rs_token,
                      ForgeryContext(public_key=public_pem.decode()))
    from_public = forge("hs256_key_confusion", rs_token,
                        ForgeryContext(public_key=rsa_key.public_key()))
    from_private = forge("hs256_key_confusion", rs_token, ForgeryContext(public_key=rsa_key))
    assert from_pem == from_text == from_public == from_private


def test_time_forgeries_move_dates_by_the_skew(rs_token: str) -> None:
    context = ForgeryContext(now=NOW, skew=timedelta(minutes=10))
    stamp = int(NOW.timestamp())
    assert decode_unverified(forge("expired", rs_token, context))[1]["exp"] == stamp - 600
    assert decode_unverified(forge("not_yet_valid", rs_token, context))[1]["nbf"] == stamp + 600
    assert decode_unverified(forge("issued_in_future", rs_token, context))[1]["iat"] == stamp + 600


def test_wrong_issuer_and_audience_look_like_another_project(rs_token: str) -> None:
    iss = decode_unverified(forge("wrong_issuer", rs_token))[1]["iss"]
    aud = decode_unverified(forge("wrong_audience", rs_token))[1]["aud"]
    assert iss == f"{ISSUER}-golive-other" and aud == f"{AUDIENCE}-golive-other"
    context = ForgeryContext(wrong_issuer="https://evil.example", wrong_audience="other-app")
    assert decode_unverified(forge("wrong_issuer", rs_token, context))[1]["iss"] == \
        "https://evil.example"
    assert decode_unverified(forge("wrong_audience", rs_token, context))[1]["aud"] == "other-app"


def _unsigned(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, "k" * 32, algorithm="HS256")


@pytest.mark.parametrize(
    ("claims", "claim", "value"),
    [
        ({"sub": "u1", "role": "user"}, "role", "admin"),
        ({"sub": "u1", "role": "admin"}, "role", "superadmin"),
        ({"sub": "u1", "roles": ["user"]}, "roles", ["user", "admin"]),
        ({"sub": "u1", "is_admin": False}, "is_admin", True),
        ({"sub": "u1", "scope": "read"}, "scope", "read admin"),
        ({"sub": "u1"}, "sub", "u1-golive-forged"),
        ({"name": "x"}, "role", "admin"),
    ],
)
def test_tampered_claim_escalates_the_first_privilege_claim(
    claims: dict[str, Any], claim: str, value: Any
) -> None:
    forged = forge("tampered_claim", _unsigned(claims))
    forged_claims = decode_unverified(forged)[1]
    assert forged_claims[claim] == value
    assert _diff(claims, forged_claims) == {claim}


def test_tampered_claim_takes_the_callers_choice(rs_token: str) -> None:
    context = ForgeryContext(tamper_claim="sub", tamper_value="user-1")
    assert decode_unverified(forge("tampered_claim", rs_token, context))[1]["sub"] == "user-1"
    with pytest.raises(ForgeryUnavailable):
        forge("tampered_claim", rs_token, ForgeryContext(tamper_claim="role", tamper_value="user"))


def test_forgeries_needing_keys_say_so(rs_token: str) -> None:
    bare = available_forgeries()
    assert "alg_none" in bare and "tampered_claim" in bare
    assert "expired_resigned" not in bare and "hs256_key_confusion" not in bare
    with pytest.raises(ForgeryUnavailable, match="signing_key"):
        forge("expired_resigned", rs_token)
    with pytest.raises(ForgeryUnavailable, match="public_key"):
        forge("hs256_key_confusion", rs_token)
    assert available_forgeries(ForgeryContext(signing_key="k", public_key="p")) == list(FORGERIES)


def test_unknown_forgery_name_lists_the_known_ones(rs_token: str) -> None:
    with pytest.raises(KeyError, match="alg_none"):
        forge("no_such_forgery", rs_token)


def test_forgery_registry_is_parametrizable() -> None:
    for name, forgery in FORGERIES.items():
        assert forgery.name == name and forgery.title and callable(forgery.build)
        assert re.fullmatch(r"[a-z0-9_]+", name)


def test_decode_unverified_reads_header_and_claims(rs_token: str) -> None:
    header, claims = decode_unverified(rs_token)
    assert header == {"alg": "RS256", "kid": KID, "typ": "JWT"}
    assert claims == _claims()


@pytest.mark.parametrize(
    "token",
    ["abc", "a.b", "a.b.c.d", "!!!.e30.", "bm90IGpzb24.e30.", "W10.e30.", "e30.W10."],
)
def test_decode_unverified_refuses_malformed_tokens(token: str) -> None:
    with pytest.raises(MalformedToken):
        decode_unverified(token)


def test_lifetime_is_exp_minus_iat() -> None:
    assert lifetime(_claims()) == timedelta(hours=1)
    with pytest.raises(ValueError):
        lifetime({"exp": 10})


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (_claims(), []),
        (_claims(exp=_claims()["iat"] + 86400), ["token-lifetime-too-long"]),
        ({"iat": 1, "sub": "x"}, ["token-has-no-expiry"]),
        ({"exp": 10_000, "sub": "x"}, ["token-has-no-issued-at"]),
        ({"exp": "tomorrow", "iat": 1}, ["token-claims-malformed"]),
    ],
)
def test_evaluate_token_lifetime(claims: dict[str, Any], expected: list[str]) -> None:
    assert names(evaluate_token_lifetime(claims, timedelta(minutes=60))) == expected


def test_lifetime_finding_says_what_was_found() -> None:
    (finding,) = evaluate_token_lifetime(_claims(exp=_claims()["iat"] + 86400),
                                         timedelta(minutes=60))
    assert "1 day" in finding.found and "1:00:00" in finding.expected and finding.fix


def test_weak_secret_finder_finds_secret() -> None:
    token = jwt.encode({"sub": "x"}, "secret", algorithm="HS256")
    assert find_weak_hs256_secret(token, load_weak_secrets()) == "secret"
    [finding] = evaluate_hmac_secret(token, load_weak_secrets())
    assert finding.name == "jwt-weak-hmac-secret"
    # not even a prefix or the length of the secret is reported
    assert finding.found == "token is signed with a well-known weak secret: one from the public list of well-known weak JWT secrets"


def test_weak_secret_finder_does_not_find_a_random_secret(hs_token: str) -> None:
    assert find_weak_hs256_secret(hs_token, load_weak_secrets()) is None
    assert evaluate_hmac_secret(hs_token, load_weak_secrets()) == []


def test_weak_secret_finder_handles_hs512_and_the_empty_secret() -> None:
    hs512 = jwt.encode({"sub": "x"}, "your-256-bit-secret", algorithm="HS512")
    assert find_weak_hs256_secret(hs512, load_weak_secrets()) == "your-256-bit-secret"
    header, payload = tokens.b64url_encode(b'{"alg":"HS256"}'), tokens.b64url_encode(b"{}")
    signature = hmac.new(b"", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    empty = f"{header}.{payload}.{tokens.b64url_encode(signature)}"
    assert find_weak_hs256_secret(empty, load_weak_secrets()) == ""
    assert "empty string" in evaluate_hmac_secret(empty, load_weak_secrets())[0].found


def test_weak_secret_finder_ignores_asymmetric_tokens(rs_token: str) -> None:
    assert find_weak_hs256_secret(rs_token, ["secret"]) is None


def test_weak_secret_finding_does_not_print_the_secret() -> None:
    token = jwt.encode({"sub": "x"}, "changeme", algorithm="HS256")
    (finding,) = evaluate_hmac_secret(token, load_weak_secrets())
    assert "changeme" not in str(finding)


def test_weak_secret_list_is_well_formed() -> None:
    words = load_weak_secrets()
    assert words[0] == ""
    assert len(words) >= 200
    assert len(set(words)) == len(words), "duplicates waste time"
    assert {"secret", "changeme", "your-256-bit-secret", "jwt_secret", "password", "123456",
            "a-string-secret-at-least-256-bits-long", "keyboard cat"} <= set(words)
    assert not any(word.startswith("#") for word in words)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, []),
        (200, ["jwt-alg-none-accepted"]),
        (302, ["jwt-alg-none-accepted"]),
        (500, ["jwt-alg-none-server-error"]),
        (403, ["jwt-alg-none-wrong-status"]),
    ],
)
def test_evaluate_forgery_response(status: int, expected: list[str]) -> None:
    assert names(evaluate_forgery_response("alg_none", status)) == expected


def test_evaluate_forgery_response_accepts_configured_statuses() -> None:
    assert evaluate_forgery_response("expired", 403, expected=frozenset({401, 403})) == []
