"""golive.probes.signatures: the providers.md test vectors, the verifiers, and the negative pack
(every variant is refused by a correct receiver, every positive is accepted)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from golive.probes.findings import names
from golive.probes.signatures import (
    META_SIGNATURE_HEADER,
    NEGATIVES,
    RAZORPAY_SIGNATURE_HEADER,
    SCHEMES,
    SENDGRID_SIGNATURE_HEADER,
    SENDGRID_TIMESTAMP_HEADER,
    TWILIO_SIGNATURE_HEADER,
    evaluate_meta_handshake,
    evaluate_webhook_response,
    form_body,
    form_params,
    generate_sendgrid_keypair,
    meta_signature,
    meta_verify_url,
    negative_request,
    negatives_for,
    razorpay_payment_signature,
    razorpay_webhook_signature,
    sendgrid_signature,
    sign_webhook,
    signed_request,
    tamper_body,
    twilio_signature,
    verify_meta,
    verify_razorpay_payment,
    verify_razorpay_webhook,
    verify_sendgrid,
    verify_twilio,
)

# ---- providers.md "Test vectors"
TWILIO_TOKEN = "12345"
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
    "From": "+12349013030", "To": "+18005551212",
}
TWILIO_EXPECTED = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
RAZORPAY_CHECKOUT = ("test_secret", "order_test123", "pay_test456",
                     "80c5e4f6be6e2acc8efac61036a58f99b47ead0f6b93feff0ca5cfd41054f0f0")
WEBHOOK_BODY = b'{"entity":"event","event":"payment.captured"}'
RAZORPAY_WEBHOOK = ("whsec", "f67526d51b583329efb5415d3e39688506fea1bdbdc8df6b2c8132ce4ffe3cf2")
META = ("appsecret", "sha256=fce4fb49cb2321c2bbd7e506046b4573237089dfb17d3ab8089640db51a3eb53")

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def test_twilio_documentation_vector() -> None:
    assert twilio_signature(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS) == TWILIO_EXPECTED
    assert verify_twilio(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS, TWILIO_EXPECTED)


def test_razorpay_checkout_vector() -> None:
    secret, order_id, payment_id, expected = RAZORPAY_CHECKOUT
    assert razorpay_payment_signature(secret, order_id, payment_id) == expected
    assert verify_razorpay_payment(secret, order_id, payment_id, expected)


def test_razorpay_webhook_vector() -> None:
    secret, expected = RAZORPAY_WEBHOOK
    assert razorpay_webhook_signature(secret, WEBHOOK_BODY) == expected
    assert razorpay_webhook_signature(secret.encode(), WEBHOOK_BODY.decode()) == expected
    assert verify_razorpay_webhook(secret, WEBHOOK_BODY, expected)


def test_meta_vector() -> None:
    secret, expected = META
    assert meta_signature(secret, WEBHOOK_BODY) == expected
    assert verify_meta(secret, WEBHOOK_BODY, expected)


def _flip(signature: str) -> str:
    """Change one character, keeping the shape."""
    last = signature[-2]
    return signature[:-2] + ("A" if last != "A" else "B") + signature[-1]


def test_verifiers_refuse_a_changed_signature_a_changed_input_and_another_secret() -> None:
    secret, order_id, payment_id, expected = RAZORPAY_CHECKOUT
    assert not verify_razorpay_payment(secret, order_id, payment_id, _flip(expected))
    assert not verify_razorpay_payment(secret, "order_other", payment_id, expected)
    assert not verify_razorpay_payment("other", order_id, payment_id, expected)
    assert not verify_razorpay_webhook(RAZORPAY_WEBHOOK[0], WEBHOOK_BODY + b" ",
                                       RAZORPAY_WEBHOOK[1])
    assert not verify_razorpay_webhook("whsec2", WEBHOOK_BODY, RAZORPAY_WEBHOOK[1])
    assert not verify_meta(META[0], WEBHOOK_BODY, META[1].removeprefix("sha256="))
    assert not verify_meta(META[0], WEBHOOK_BODY, _flip(META[1]))
    assert not verify_twilio(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS, _flip(TWILIO_EXPECTED))
    assert not verify_twilio(TWILIO_TOKEN, TWILIO_URL.replace("foo=1", "foo=2"), TWILIO_PARAMS,
                             TWILIO_EXPECTED)
    assert not verify_twilio(TWILIO_TOKEN, TWILIO_URL, {**TWILIO_PARAMS, "Digits": "9"},
                             TWILIO_EXPECTED)


def test_verifiers_do_not_raise_on_non_ascii_signatures() -> None:
    assert not verify_razorpay_webhook("whsec", WEBHOOK_BODY, "é" * 64)
    assert not verify_meta("appsecret", WEBHOOK_BODY, "sha256=é")
    assert not verify_twilio(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS, "é")


def test_twilio_sorts_params_and_repeated_values() -> None:
    reversed_params = dict(reversed(list(TWILIO_PARAMS.items())))
    assert twilio_signature(TWILIO_TOKEN, TWILIO_URL, reversed_params) == TWILIO_EXPECTED
    multi = twilio_signature("t", "https://x.example/h", {"B": ["2", "1"], "A": "0"})
    assert multi == twilio_signature("t", "https://x.example/h", {"A": "0", "B": ["1", "2"]})
    assert twilio_signature("t", "https://x.example/h") == \
        twilio_signature("t", "https://x.example/h", {})


def test_twilio_scheme_signs_the_form_body_like_the_documentation_example() -> None:
    headers = sign_webhook("twilio", TWILIO_TOKEN, form_body(TWILIO_PARAMS), url=TWILIO_URL)
    assert headers[TWILIO_SIGNATURE_HEADER] == TWILIO_EXPECTED
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    headers, body = signed_request("twilio", TWILIO_TOKEN, b"", url=TWILIO_URL,
                                   params=TWILIO_PARAMS)
    assert headers[TWILIO_SIGNATURE_HEADER] == TWILIO_EXPECTED
    assert form_params(body) == {name: [value] for name, value in TWILIO_PARAMS.items()}


def test_scheme_headers_match_the_primitives() -> None:
    assert sign_webhook("razorpay", "whsec", WEBHOOK_BODY)[RAZORPAY_SIGNATURE_HEADER] == \
        RAZORPAY_WEBHOOK[1]
    assert sign_webhook("meta", "appsecret", WEBHOOK_BODY)[META_SIGNATURE_HEADER] == META[1]


# ---- SendGrid


def test_sendgrid_sign_and_verify() -> None:
    private_key, public_b64 = generate_sendgrid_keypair()
    signature = sendgrid_signature(private_key, 1700000000, WEBHOOK_BODY)
    assert verify_sendgrid(public_b64, "1700000000", WEBHOOK_BODY, signature)
    assert not verify_sendgrid(public_b64, "1700000001", WEBHOOK_BODY, signature)
    assert not verify_sendgrid(public_b64, "1700000000", WEBHOOK_BODY + b" ", signature)
    assert not verify_sendgrid(generate_sendgrid_keypair()[1], "1700000000", WEBHOOK_BODY,
                               signature)


def test_sendgrid_signature_is_base64_der_ecdsa_over_timestamp_plus_body() -> None:
    """Checked with cryptography directly, the way SendGrid's SDK verifies."""
    private_key, public_b64 = generate_sendgrid_keypair()
    signature = sendgrid_signature(private_key, "1700000000", WEBHOOK_BODY)
    r, s = decode_dss_signature(base64.b64decode(signature))
    assert r > 0 and s > 0
    public_key = serialization.load_der_public_key(base64.b64decode(public_b64))
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert isinstance(public_key.curve, ec.SECP256R1)
    public_key.verify(base64.b64decode(signature), b"1700000000" + WEBHOOK_BODY,
                      ec.ECDSA(hashes.SHA256()))


def test_verify_sendgrid_replay_window() -> None:
    private_key, public_b64 = generate_sendgrid_keypair()
    stamp = int(NOW.timestamp())
    window = timedelta(minutes=5)
    for offset, fresh in ((0, True), (-300, True), (-301, False), (301, False)):
        signature = sendgrid_signature(private_key, stamp + offset, b"[]")
        assert verify_sendgrid(public_b64, stamp + offset, b"[]", signature,
                               max_age=window, now=NOW) is fresh
    assert not verify_sendgrid(public_b64, "soon", b"[]",
                               sendgrid_signature(private_key, "soon", b"[]"),
                               max_age=window, now=NOW)


def test_sendgrid_accepts_a_pem_private_key() -> None:
    private_key, public_b64 = generate_sendgrid_keypair()
    pem = private_key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    assert verify_sendgrid(public_b64, 1, b"x", sendgrid_signature(pem, 1, b"x"))
    assert verify_sendgrid(public_b64, 1, b"x", sendgrid_signature(pem.decode(), 1, b"x"))


@pytest.mark.parametrize(
    ("public_key", "signature"),
    [("not base64 !", "AAAA"), ("AAAA", "AAAA"), (None, "not base64 !"), (None, "AAAA")],
)
def test_verify_sendgrid_returns_false_on_garbage(public_key: str | None, signature: str) -> None:
    _, real_public = generate_sendgrid_keypair()
    assert not verify_sendgrid(public_key or real_public, "1", b"x", signature)


# ---- Meta handshake


def test_meta_verify_url_has_the_handshake_parameters() -> None:
    url = meta_verify_url("https://app.example/webhooks/whatsapp?tenant=a", "tok en", "1158201444")
    parts = urlsplit(url)
    assert parts.path == "/webhooks/whatsapp"
    assert parse_qs(parts.query) == {"tenant": ["a"], "hub.mode": ["subscribe"],
                                     "hub.challenge": ["1158201444"],
                                     "hub.verify_token": ["tok en"]}


@pytest.mark.parametrize(
    ("status", "body", "correct", "expected"),
    [
        (200, "1158201444", True, []),
        (200, "1158201444\n", True, []),
        (403, "forbidden", True, ["meta-handshake-fails"]),
        (200, "ok", True, ["meta-handshake-fails"]),
        (403, "forbidden", False, []),
        (401, "", False, []),
        (200, "1158201444", False, ["meta-handshake-accepts-wrong-token"]),
        (403, "1158201444", False, ["meta-handshake-accepts-wrong-token"]),
    ],
)
def test_evaluate_meta_handshake(status: int, body: str, correct: bool,
                                 expected: list[str]) -> None:
    assert names(evaluate_meta_handshake(status, body, "1158201444",
                                         token_was_correct=correct)) == expected


# ---- scheme registry and negative pack


@pytest.fixture(scope="module")
def sendgrid_keys() -> tuple[ec.EllipticCurvePrivateKey, str]:
    return generate_sendgrid_keypair()


def _case(name: str, sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]) -> dict[str, Any]:
    """Signing secret, receiver key, body and url per scheme."""
    if name == "twilio":
        return {"secret": TWILIO_TOKEN, "key": TWILIO_TOKEN, "body": form_body(TWILIO_PARAMS),
                "url": TWILIO_URL}
    if name == "sendgrid":
        body = b'[{"email":"a@x.com","event":"delivered","timestamp":1736942400}]'
        return {"secret": sendgrid_keys[0], "key": sendgrid_keys[1], "body": body, "url": ""}
    return {"secret": "whsec_test", "key": "whsec_test", "body": WEBHOOK_BODY, "url": ""}


def test_registry_names() -> None:
    assert set(SCHEMES) == {"razorpay", "meta", "twilio", "sendgrid"}
    assert set(NEGATIVES) == {"missing", "wrong", "tampered_body", "other_secret", "stale"}
    assert negatives_for("razorpay") == ["missing", "wrong", "tampered_body", "other_secret"]
    assert negatives_for("sendgrid")[-1] == "stale"
    with pytest.raises(KeyError, match="razorpay"):
        sign_webhook("stripe", "s", b"{}")
    with pytest.raises(KeyError, match="stale"):
        negative_request("razorpay", "stale", "s", b"{}")


@pytest.mark.parametrize("name", list(SCHEMES))
def test_positive_is_accepted_by_the_schemes_verifier(
    name: str, sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]
) -> None:
    case = _case(name, sendgrid_keys)
    headers, body = signed_request(name, case["secret"], case["body"], url=case["url"], now=NOW)
    assert body == case["body"]
    assert headers["Content-Type"] == SCHEMES[name].content_type
    assert SCHEMES[name].verify(case["key"], headers, body, case["url"])
    lowered = {key.lower(): value for key, value in headers.items()}
    assert SCHEMES[name].verify(case["key"], lowered, body, case["url"]), "headers are case-blind"


NEGATIVE_CASES = [(name, variant) for name in SCHEMES for variant in negatives_for(name)]


@pytest.mark.parametrize(("name", "variant"), NEGATIVE_CASES)
def test_negative_is_refused_by_a_correct_receiver(
    name: str, variant: str, sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]
) -> None:
    case = _case(name, sendgrid_keys)
    headers, body = negative_request(name, variant, case["secret"], case["body"],
                                     url=case["url"], now=NOW)
    chosen = SCHEMES[name]
    if variant == "stale":
        # correctly signed, so only a receiver with a freshness window refuses it
        assert chosen.verify(case["key"], headers, body, case["url"])
        stamp = headers[SENDGRID_TIMESTAMP_HEADER]
        assert int(NOW.timestamp()) - int(stamp) == 3600
        signature = headers[SENDGRID_SIGNATURE_HEADER]
        assert not verify_sendgrid(case["key"], stamp, body, signature,
                                   max_age=timedelta(minutes=5), now=NOW)
    else:
        assert not chosen.verify(case["key"], headers, body, case["url"])


@pytest.mark.parametrize(("name", "variant"), NEGATIVE_CASES)
def test_negative_differs_from_the_positive_only_as_named(
    name: str, variant: str, sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]
) -> None:
    case = _case(name, sendgrid_keys)
    good_headers, good_body = signed_request(name, case["secret"], case["body"], url=case["url"],
                                             now=NOW)
    headers, body = negative_request(name, variant, case["secret"], case["body"],
                                     url=case["url"], now=NOW)
    header = SCHEMES[name].signature_header
    assert headers["Content-Type"] == good_headers["Content-Type"]
    if variant == "missing":
        assert header not in headers and body == good_body
    elif variant == "tampered_body":
        assert body != good_body
        if name != "sendgrid":  # ECDSA is randomized; HMAC headers must be the same
            assert headers == good_headers
    else:
        assert body == good_body and headers[header] != good_headers[header]
    if variant == "stale":
        assert headers[SENDGRID_TIMESTAMP_HEADER] != good_headers[SENDGRID_TIMESTAMP_HEADER]
    elif SCHEMES[name].timestamped:
        assert headers[SENDGRID_TIMESTAMP_HEADER] == good_headers[SENDGRID_TIMESTAMP_HEADER]


WRONG_SHAPES = {
    "razorpay": r"[0-9a-f]{64}",
    "meta": r"sha256=[0-9a-f]{64}",
    "twilio": r"[A-Za-z0-9+/]{27}=",
}


@pytest.mark.parametrize("name", list(SCHEMES))
def test_wrong_signature_has_the_right_shape(
    name: str, sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]
) -> None:
    case = _case(name, sendgrid_keys)
    headers, _ = negative_request(name, "wrong", case["secret"], case["body"], url=case["url"])
    value = headers[SCHEMES[name].signature_header]
    if name == "sendgrid":
        r, s = decode_dss_signature(base64.b64decode(value))
        assert r > 0 and s > 0
    else:
        assert re.fullmatch(WRONG_SHAPES[name], value)


def test_stale_age_is_configurable(sendgrid_keys: tuple[ec.EllipticCurvePrivateKey, str]) -> None:
    headers, _ = negative_request("sendgrid", "stale", sendgrid_keys[0], b"[]", now=NOW,
                                  stale_age=timedelta(minutes=10))
    assert headers[SENDGRID_TIMESTAMP_HEADER] == str(int(NOW.timestamp()) - 600)


@pytest.mark.parametrize(
    ("body", "content_type", "check"),
    [
        (WEBHOOK_BODY, "application/json",
         lambda new: json.loads(new) == {**json.loads(WEBHOOK_BODY), "golive_tampered": True}),
        (b"{}\n", "application/json", lambda new: new == b'{"golive_tampered":true}\n'),
        (b"[1]", "application/json", lambda new: new == b"[1]\ngolive-tampered"),
        (b"a=1", "application/x-www-form-urlencoded",
         lambda new: form_params(new) == {"a": ["1"], "GoliveTampered": ["1"]}),
        (b"", "application/x-www-form-urlencoded", lambda new: new == b"GoliveTampered=1"),
    ],
)
def test_tamper_body_keeps_the_body_parseable(body: bytes, content_type: str, check: Any) -> None:
    new = tamper_body(body, content_type)
    assert new != body and check(new)


def test_tampered_json_body_keeps_the_original_bytes_as_prefix() -> None:
    new = tamper_body(WEBHOOK_BODY, "application/json")
    assert new.startswith(WEBHOOK_BODY[:-1])


@pytest.mark.parametrize(
    ("variant", "status", "expected"),
    [
        (None, 200, []),
        (None, 204, []),
        (None, 401, ["webhook-rejects-valid-signature"]),
        ("missing", 401, []),
        ("missing", 400, []),
        ("missing", 200, ["webhook-signature-not-required"]),
        ("wrong", 200, ["webhook-accepts-wrong-signature"]),
        ("tampered_body", 202, ["webhook-accepts-tampered-body"]),
        ("other_secret", 200, ["webhook-accepts-foreign-signature"]),
        ("stale", 200, ["webhook-accepts-stale-timestamp"]),
        ("wrong", 500, ["webhook-server-error-on-bad-signature"]),
    ],
)
def test_evaluate_webhook_response(variant: str | None, status: int,
                                   expected: list[str]) -> None:
    assert names(evaluate_webhook_response("razorpay", variant, status)) == expected


def test_header_constants_match_providers_md() -> None:
    assert RAZORPAY_SIGNATURE_HEADER == "X-Razorpay-Signature"
    assert META_SIGNATURE_HEADER == "X-Hub-Signature-256"
    assert TWILIO_SIGNATURE_HEADER == "X-Twilio-Signature"
    assert SENDGRID_SIGNATURE_HEADER == "X-Twilio-Email-Event-Webhook-Signature"
    assert SENDGRID_TIMESTAMP_HEADER == "X-Twilio-Email-Event-Webhook-Timestamp"
