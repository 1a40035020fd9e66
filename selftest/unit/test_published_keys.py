"""Published verification keys: both shapes parsed into the PEM spellings key confusion tries,
fetched with one GET (respx), and the forgery contexts built from them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from golive.auth import fetch_published_keys, forgeries_with_key_set, forgery_contexts, jwks_location
from golive.http import HttpClient
from golive.outcomes import Unverified
from golive.probes.jwks import KeySetError, key_confusion_candidates, known_kids, parse_key_set, pem_variants
from golive.probes.tokens import b64url_encode, decode_unverified, forge
from golive.profile import Auth, Profile

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
SPKI = RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
EC_SPKI = EC_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=14))
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


CERT = _certificate(RSA_KEY)
JWKS = {"keys": [{**RSAAlgorithm.to_jwk(RSA_KEY.public_key(), as_dict=True), "kid": "rsa-1", "alg": "RS256"},
                 {**ECAlgorithm.to_jwk(EC_KEY.public_key(), as_dict=True), "kid": "ec-1"},
                 {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac-1"}]}
X509_MAP = {"cert-1": CERT.decode()}
JWKS_URL = "https://keys.issuer.test/.well-known/jwks.json"


def test_pem_variants_with_and_without_trailing_newline():
    assert pem_variants(SPKI) == (SPKI, SPKI.rstrip(b"\n"))
    assert pem_variants(SPKI.rstrip(b"\n")) == (SPKI.rstrip(b"\n"), SPKI)


def test_a_jwks_gives_the_spki_pem_of_each_rsa_and_ec_key_and_skips_hmac_keys():
    keys = parse_key_set(JWKS)
    assert [key.kid for key in keys] == ["rsa-1", "ec-1"]
    assert keys[0].pems == (SPKI, SPKI.rstrip(b"\n"))
    assert keys[1].pems == (EC_SPKI, EC_SPKI.rstrip(b"\n"))
    assert known_kids(keys) == {"rsa-1", "ec-1"}


def test_an_x509_map_gives_the_spki_pem_and_the_certificate_pem():
    (key,) = parse_key_set(X509_MAP)
    assert key.kid == "cert-1"
    assert key.pems == (SPKI, SPKI.rstrip(b"\n"), CERT, CERT.rstrip(b"\n"))
    assert key_confusion_candidates([key, key]) == list(key.pems)


@pytest.mark.parametrize("document, message", [
    ([], "JSON object"),
    ({"keys": "none"}, "list of JWK"),
    ({"keys": []}, "no RSA or EC key"),
    ({"keys": [{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}]}, "not a valid RSA JWK"),
    ({"cert-1": "not a certificate"}, "neither a JWKS"),
    ({"cert-1": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}, "not a PEM certificate"),
])
def test_other_documents_are_refused(document, message):
    with pytest.raises(KeySetError, match=message):
        parse_key_set(document)


def _client() -> HttpClient:
    return HttpClient(retry_backoff_s=0)


@pytest.mark.parametrize("document", [JWKS, X509_MAP], ids=["jwks", "x509-map"])
def test_fetch_is_one_get_of_the_published_document(respx_mock, document):
    route = respx_mock.get(JWKS_URL).mock(return_value=httpx.Response(200, json=document))
    with _client() as http:
        keys = fetch_published_keys(http, JWKS_URL)
    assert route.call_count == 1 and route.calls[0].request.method == "GET"
    assert keys == parse_key_set(document)


@pytest.mark.parametrize("response, reason", [
    (httpx.Response(404, text="not found"), "HTTP 404"),
    (httpx.Response(200, text="<html>"), "not JSON"),
    (httpx.Response(200, json={"hello": "world"}), "neither a JWKS"),
])
def test_an_unusable_key_endpoint_leaves_the_check_unverified(respx_mock, response, reason):
    respx_mock.get(JWKS_URL).mock(return_value=response)
    with _client() as http, pytest.raises(Unverified, match=reason):
        fetch_published_keys(http, JWKS_URL)


def _auth(**extra: object) -> Auth:
    return Auth.model_validate({"login": {"service": "idp", "path": "/login"}, "roles": {"u": {"username": "u", "password": "p"}},
                                **extra})


def test_jwks_location_is_an_absolute_url_or_a_path_on_the_login_service():
    profile = Profile.model_validate({"name": "t", "services": [{"name": "idp", "base_url": "https://idp.test/v1"}]})
    assert jwks_location(profile, _auth()) is None
    assert jwks_location(profile, _auth(jwks_url="/keys")) == "https://idp.test/v1/keys"
    assert jwks_location(profile, _auth(jwks_url=JWKS_URL)) == JWKS_URL


def test_key_confusion_is_collected_by_name_when_keys_are_published():
    assert forgeries_with_key_set(_auth(), ["alg_none"]) == ["alg_none"]
    assert forgeries_with_key_set(_auth(jwks_url=JWKS_URL), ["alg_none"]) == ["alg_none", "hs256_key_confusion"]


def _genuine() -> str:
    return "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.eyJyb2xlIjoidXNlciJ9.c2ln"  # {"alg":"RS256","kid":"rsa-1"}


def test_key_confusion_forges_one_token_per_pem_spelling():
    keys = parse_key_set(X509_MAP)
    contexts = forgery_contexts(_auth(jwks_url=JWKS_URL), "hs256_key_confusion", keys)
    assert [context.public_key for context in contexts] == list(keys[0].pems)
    token = forge("hs256_key_confusion", _genuine(), contexts[3])
    header_segment, payload_segment, signature = token.split(".")
    expected = hmac.new(CERT.rstrip(b"\n"), f"{header_segment}.{payload_segment}".encode(), hashlib.sha256).digest()
    assert decode_unverified(token)[0]["alg"] == "HS256" and signature == b64url_encode(expected)


def test_unknown_kid_avoids_the_published_kids_and_other_forgeries_get_one_context():
    keys = parse_key_set(JWKS)
    (context,) = forgery_contexts(_auth(jwks_url=JWKS_URL), "unknown_kid", keys)
    assert context.known_kids == {"rsa-1", "ec-1"}
    assert decode_unverified(forge("unknown_kid", _genuine(), context))[0]["kid"] not in {"rsa-1", "ec-1"}
    assert len(forgery_contexts(_auth(), "hs256_key_confusion", None)) == 1
