"""Published token-verification keys: parse the two shapes issuers publish, as pure functions.

* a JWKS (RFC 7517 §5): ``{"keys": [{"kty": "RSA", "kid": ..., "n": ..., "e": ...}, ...]}``,
  what most OIDC issuers serve;
* an x509 map: ``{kid: "-----BEGIN CERTIFICATE-----..."}``, what Firebase / Google securetoken
  serves at ``/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com``.

The key-confusion forgery (RS256 -> HS256) needs the exact bytes a misconfigured verifier feeds
into HMAC. Those are whatever text the server loaded as its "key", so :func:`pem_variants` lists
the plausible spellings: the SubjectPublicKeyInfo PEM with and without its trailing newline, and
for certificates also the certificate PEM itself (a verifier handed the Google cert map verbatim).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from jwt.exceptions import InvalidKeyError


class KeySetError(ValueError):
    """The document is neither a JWKS nor a {kid: certificate PEM} map, or holds no usable key."""


@dataclass(frozen=True)
class PublishedKey:
    """One published verification key: its kid and the PEM spellings a verifier may hold it in."""

    kid: str | None
    pems: tuple[bytes, ...]


def pem_variants(pem: bytes) -> tuple[bytes, ...]:
    """The PEM as given, with a trailing newline and without one (deduplicated, order kept)."""
    stripped = pem.rstrip(b"\r\n")
    return tuple(dict.fromkeys((pem, stripped + b"\n", stripped)))


def _spki_pem(public_key: Any) -> bytes:
    pem: bytes = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem


def _from_jwk(jwk: Mapping[str, Any]) -> PublishedKey | None:
    """RSA and EC keys (the ones an HS256 confusion can abuse); others (oct, OKP) are skipped."""
    kty = jwk.get("kty")
    algorithm = {"RSA": RSAAlgorithm, "EC": ECAlgorithm}.get(str(kty))
    if algorithm is None:
        return None
    try:
        key = algorithm.from_jwk(json.dumps(dict(jwk)))
    except (InvalidKeyError, ValueError, KeyError, TypeError) as error:  # PyJWT's errors for bad members
        raise KeySetError(f"key {jwk.get('kid')!r} is not a valid {kty} JWK: {error}") from None
    public = key.public_key() if hasattr(key, "private_numbers") else key
    kid = jwk.get("kid")
    return PublishedKey(kid if isinstance(kid, str) else None, pem_variants(_spki_pem(public)))


def _from_certificate(kid: str, text: str) -> PublishedKey:
    cert_pem = text.encode("ascii")
    try:
        certificate = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as error:
        raise KeySetError(f"{kid!r} is not a PEM certificate: {error}") from None
    return PublishedKey(kid, tuple(dict.fromkeys((*pem_variants(_spki_pem(certificate.public_key())),
                                                  *pem_variants(cert_pem)))))


def parse_key_set(document: Any) -> list[PublishedKey]:
    """The keys of a JWKS or of an x509 {kid: cert PEM} map; KeySetError when it is neither."""
    if not isinstance(document, dict):
        raise KeySetError(f"expected a JSON object, found {type(document).__name__}")
    if "keys" in document:
        entries = document["keys"]
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise KeySetError('"keys" is not a list of JWK objects')
        keys = [key for key in (_from_jwk(entry) for entry in entries) if key is not None]
    elif document and all(isinstance(value, str) and "BEGIN CERTIFICATE" in value for value in document.values()):
        keys = [_from_certificate(str(kid), value) for kid, value in document.items()]
    else:
        raise KeySetError('neither a JWKS ({"keys": [...]}) nor a {kid: certificate PEM} map')
    if not keys:
        raise KeySetError("the key set holds no RSA or EC key")
    return keys


def key_confusion_candidates(keys: Iterable[PublishedKey]) -> list[bytes]:
    """Every PEM spelling of every published key, each once: the HMAC keys to try."""
    return list(dict.fromkeys(pem for key in keys for pem in key.pems))


def known_kids(keys: Iterable[PublishedKey]) -> frozenset[str]:
    return frozenset(key.kid for key in keys if key.kid)
