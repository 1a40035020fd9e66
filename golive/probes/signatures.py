"""Webhook signature schemes of the providers golive speaks, and their negative pack.

golive plays the provider: it signs a payload the way Razorpay, Meta (WhatsApp Cloud API),
Twilio or SendGrid would, sends it to the target's webhook endpoint and expects 2xx; then it
sends the deliberately wrong variants (missing, wrong, tampered body, another secret, stale
timestamp) and expects each to be refused. Algorithms follow ``reference/providers.md`` and are
implemented with the standard library (HMAC) and ``cryptography`` (ECDSA), independently of the
providers' SDKs, so a bug in one cannot make checker and checked agree.

Every ``verify_*`` compares in constant time (``hmac.compare_digest``) or uses ECDSA
verification, as a correct receiver must.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .findings import Finding

Secret = str | bytes
Body = str | bytes
Params = Mapping[str, str | Sequence[str]]
Request = tuple[dict[str, str], bytes]

RAZORPAY_SIGNATURE_HEADER = "X-Razorpay-Signature"
META_SIGNATURE_HEADER = "X-Hub-Signature-256"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
SENDGRID_SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
SENDGRID_TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"


def _bytes(value: Secret | Body) -> bytes:
    """Secrets and bodies as bytes; text is UTF-8, as every provider's SDK encodes it."""
    return value.encode("utf-8") if isinstance(value, str) else value


def _equal(left: str, right: str) -> bool:
    """Constant-time string comparison that never raises on non-ASCII input."""
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


# --------------------------------------------------------------------------- Razorpay


def razorpay_webhook_signature(secret: Secret, raw_body: Body) -> str:
    """``X-Razorpay-Signature``: hex HMAC-SHA256 of the raw body with the *webhook* secret."""
    return hmac.new(_bytes(secret), _bytes(raw_body), hashlib.sha256).hexdigest()


def verify_razorpay_webhook(secret: Secret, raw_body: Body, signature: str) -> bool:
    """What a receiver must do: recompute over the raw bytes, compare in constant time."""
    return _equal(razorpay_webhook_signature(secret, raw_body), signature)


def razorpay_payment_signature(secret: Secret, order_id: str, payment_id: str) -> str:
    """Checkout ``razorpay_signature``: hex HMAC-SHA256(key_secret, order_id + "|" + payment_id).

    The order_id must be the one the server stored, not the one the client sent back.
    """
    message = f"{order_id}|{payment_id}".encode()
    return hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_razorpay_payment(secret: Secret, order_id: str, payment_id: str, signature: str) -> bool:
    """Constant-time check of a checkout signature."""
    return _equal(razorpay_payment_signature(secret, order_id, payment_id), signature)


# --------------------------------------------------------------------------- Meta / WhatsApp


def meta_signature(app_secret: Secret, raw_body: Body) -> str:
    """``X-Hub-Signature-256`` value: ``sha256=`` + hex HMAC-SHA256(app secret, raw body)."""
    digest = hmac.new(_bytes(app_secret), _bytes(raw_body), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_meta(app_secret: Secret, raw_body: Body, header_value: str) -> bool:
    """Constant-time check of an ``X-Hub-Signature-256`` header, prefix included."""
    return _equal(meta_signature(app_secret, raw_body), header_value)


def meta_verify_url(callback_url: str, verify_token: str, challenge: str) -> str:
    """The subscription handshake GET Meta sends: hub.mode, hub.challenge, hub.verify_token.

    Existing query parameters of the callback URL are kept, as Meta keeps them.
    """
    parts = urlsplit(callback_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("hub.mode", "subscribe"), ("hub.challenge", challenge),
              ("hub.verify_token", verify_token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def evaluate_meta_handshake(
    status_code: int, body: str, challenge: str, *, token_was_correct: bool
) -> list[Finding]:
    """Findings for a handshake answer: echo the challenge only for the right verify token."""
    if token_was_correct:
        if status_code == 200 and body.strip() == challenge:
            return []
        return [Finding("meta-handshake-fails", f"200 with body {challenge!r}",
                        f"HTTP {status_code} with body {body[:80]!r}",
                        "answer hub.mode=subscribe with the raw hub.challenge when the token matches")]
    if status_code in (401, 403) and challenge not in body:
        return []
    return [Finding("meta-handshake-accepts-wrong-token", "401 or 403 without the challenge",
                    f"HTTP {status_code} with body {body[:80]!r}",
                    "compare hub.verify_token with VERIFY_TOKEN and refuse on mismatch")]


# --------------------------------------------------------------------------- Twilio


def _twilio_items(params: Params | None) -> list[tuple[str, str]]:
    """Params sorted by name, repeated names by value, as Twilio's SDKs order them."""
    items: list[tuple[str, str]] = []
    for name in sorted(params or {}):
        value = (params or {})[name]
        values = [value] if isinstance(value, str) else list(value)
        items.extend((name, item) for item in sorted(values))
    return items


def twilio_signature(auth_token: Secret, url: str, params: Params | None = None) -> str:
    """``X-Twilio-Signature``: base64 HMAC-SHA1(auth token, URL + sorted key+value pairs).

    ``url`` is the full URL as Twilio called it, query string included; ``params`` are the POST
    form parameters (none for GET callbacks).
    """
    message = url + "".join(name + value for name, value in _twilio_items(params))
    digest = hmac.new(_bytes(auth_token), message.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_twilio(auth_token: Secret, url: str, params: Params | None, signature: str) -> bool:
    """Constant-time check of an ``X-Twilio-Signature`` header."""
    return _equal(twilio_signature(auth_token, url, params), signature)


def form_params(raw_body: Body) -> dict[str, list[str]]:
    """POST form parameters of a form-encoded body, repeated names kept."""
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(_bytes(raw_body).decode("utf-8"), keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


def form_body(params: Params) -> bytes:
    """A form-encoded body from params (what Twilio POSTs)."""
    return urlencode(
        [(name, value) for name, values in params.items()
         for value in ([values] if isinstance(values, str) else values)]
    ).encode("ascii")


# --------------------------------------------------------------------------- SendGrid


def generate_sendgrid_keypair() -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A P-256 key pair: the private key and the public key as base64 DER SPKI.

    The public half has the format SendGrid's dashboard shows for the Signed Event Webhook.
    """
    private_key = ec.generate_private_key(ec.SECP256R1())
    return private_key, sendgrid_public_key_b64(private_key)


def sendgrid_public_key_b64(private_key: ec.EllipticCurvePrivateKey) -> str:
    """Base64 DER SubjectPublicKeyInfo of the key's public half, the dashboard's format."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def _private_key(key: Any) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from an object or PEM text/bytes."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key
    loaded = serialization.load_pem_private_key(_bytes(key), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise TypeError("SendGrid signatures need an EC P-256 private key")
    return loaded


def sendgrid_signature(private_key: Any, timestamp: str | int, raw_body: Body) -> str:
    """``X-Twilio-Email-Event-Webhook-Signature``: base64 DER ECDSA P-256/SHA-256 over
    ``timestamp + raw_body``. ECDSA is randomized: two signatures of one message differ."""
    message = str(timestamp).encode("utf-8") + _bytes(raw_body)
    signature = _private_key(private_key).sign(message, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(signature).decode("ascii")


def _fresh(timestamp: str | int, max_age: timedelta, now: datetime | None) -> bool:
    """Whether a Unix timestamp lies within ``max_age`` of now, either side (replay window)."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    return abs(_now(now) - stamp) <= max_age.total_seconds()


def verify_sendgrid(public_key_b64: str, timestamp: str | int, raw_body: Body, signature: str,
                    *, max_age: timedelta | None = None, now: datetime | None = None) -> bool:
    """Verify like SendGrid's SDK: DER SPKI public key (base64), signature over timestamp+body.

    The SDK does not check the timestamp's age; pass ``max_age`` to also refuse replays of old,
    correctly signed events (what the ``stale`` negative probes).
    """
    if max_age is not None and not _fresh(timestamp, max_age, now):
        return False
    try:
        public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
        decoded = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        return False
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    message = str(timestamp).encode("utf-8") + _bytes(raw_body)
    try:
        public_key.verify(decoded, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _random_ecdsa_signature() -> str:
    """A DER ECDSA signature with random r and s in the P-256 group: right shape, never valid."""
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    r, s = (secrets.randbelow(order - 1) + 1 for _ in range(2))
    return base64.b64encode(encode_dss_signature(r, s)).decode("ascii")


# --------------------------------------------------------------------------- scheme registry


@dataclass(frozen=True)
class SignInput:
    """Everything a scheme may sign over. ``timestamp`` is only used by timestamped schemes."""

    secret: Any
    body: bytes
    url: str = ""
    params: Params | None = None
    timestamp: int = 0


@dataclass(frozen=True)
class Scheme:
    """One provider's webhook signature: how to sign, check, fake and re-key it.

    ``sign`` returns the headers a provider would send (content type included). ``verify``
    takes the receiver's key: the shared secret, or for SendGrid the public key (base64 DER)
    or the private key (its public half is used). ``wrong_signature`` makes a random value of
    the right shape, ``other_secret`` a key that is not the given one.
    """

    name: str
    title: str
    signature_header: str
    content_type: str
    sign: Callable[[SignInput], dict[str, str]]
    verify: Callable[[Any, Mapping[str, str], bytes, str], bool]
    wrong_signature: Callable[[], str]
    other_secret: Callable[[Any], Any]
    timestamp_header: str | None = None

    @property
    def timestamped(self) -> bool:
        return self.timestamp_header is not None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup, as HTTP requires."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _other_hmac_secret(secret: Any) -> str:
    other = secrets.token_hex(16)
    return other if _bytes(other) != _bytes(secret) else _other_hmac_secret(secret)


def _hmac_scheme(name: str, title: str, header: str, digest: Callable[[Secret, Body], str],
                 wrong: Callable[[], str]) -> Scheme:
    def sign(data: SignInput) -> dict[str, str]:
        return {header: digest(data.secret, data.body), "Content-Type": "application/json"}

    def verify(secret: Any, headers: Mapping[str, str], body: bytes, url: str) -> bool:
        received = _header(headers, header)
        return received is not None and _equal(digest(secret, body), received)

    return Scheme(name, title, header, "application/json", sign, verify, wrong, _other_hmac_secret)


def _twilio_sign(data: SignInput) -> dict[str, str]:
    params = data.params if data.params is not None else form_params(data.body)
    return {TWILIO_SIGNATURE_HEADER: twilio_signature(data.secret, data.url, params),
            "Content-Type": "application/x-www-form-urlencoded"}


def _twilio_verify(secret: Any, headers: Mapping[str, str], body: bytes, url: str) -> bool:
    received = _header(headers, TWILIO_SIGNATURE_HEADER)
    return received is not None and verify_twilio(secret, url, form_params(body), received)


def _sendgrid_sign(data: SignInput) -> dict[str, str]:
    return {SENDGRID_SIGNATURE_HEADER: sendgrid_signature(data.secret, data.timestamp, data.body),
            SENDGRID_TIMESTAMP_HEADER: str(data.timestamp),
            "Content-Type": "application/json"}


def _sendgrid_verify(key: Any, headers: Mapping[str, str], body: bytes, url: str) -> bool:
    signature = _header(headers, SENDGRID_SIGNATURE_HEADER)
    timestamp = _header(headers, SENDGRID_TIMESTAMP_HEADER)
    if signature is None or timestamp is None:
        return False
    if isinstance(key, str) and "PRIVATE KEY" not in key:
        public_key = key
    else:
        public_key = sendgrid_public_key_b64(_private_key(key))
    return verify_sendgrid(public_key, timestamp, body, signature)


SCHEMES: dict[str, Scheme] = {
    "razorpay": _hmac_scheme(
        "razorpay", "Razorpay webhook (hex HMAC-SHA256 of the raw body)",
        RAZORPAY_SIGNATURE_HEADER, razorpay_webhook_signature,
        lambda: secrets.token_hex(32)),
    "meta": _hmac_scheme(
        "meta", "Meta / WhatsApp Cloud API (sha256= hex HMAC-SHA256 of the raw body)",
        META_SIGNATURE_HEADER, meta_signature,
        lambda: f"sha256={secrets.token_hex(32)}"),
    "twilio": Scheme(
        "twilio", "Twilio (base64 HMAC-SHA1 of URL + sorted POST params)",
        TWILIO_SIGNATURE_HEADER, "application/x-www-form-urlencoded",
        _twilio_sign, _twilio_verify,
        lambda: base64.b64encode(secrets.token_bytes(20)).decode("ascii"),
        _other_hmac_secret),
    "sendgrid": Scheme(
        "sendgrid", "SendGrid signed event webhook (ECDSA P-256 over timestamp + body)",
        SENDGRID_SIGNATURE_HEADER, "application/json",
        _sendgrid_sign, _sendgrid_verify, _random_ecdsa_signature,
        lambda _key: generate_sendgrid_keypair()[0],
        timestamp_header=SENDGRID_TIMESTAMP_HEADER),
}


def scheme(name: str) -> Scheme:
    """The named scheme; KeyError lists the known names."""
    try:
        return SCHEMES[name]
    except KeyError:
        raise KeyError(f"unknown signature scheme {name!r}; known: {', '.join(SCHEMES)}") from None


def _now(now: datetime | None) -> int:
    return int((now or datetime.now(UTC)).timestamp())


def _sign_input(secret: Any, body: Body, url: str, params: Params | None,
                now: datetime | None) -> SignInput:
    """Normalize inputs; a Twilio request given only as params gets their form encoding as body."""
    raw = _bytes(body)
    if params is not None and not raw:
        raw = form_body(params)
    return SignInput(secret, raw, url, params, _now(now))


def sign_webhook(name: str, secret: Any, body: Body, *, url: str = "",
                 params: Params | None = None, now: datetime | None = None) -> dict[str, str]:
    """Headers a provider would send with ``body``: the positive case every check starts from.

    For Twilio, ``url`` is the full webhook URL and ``params`` default to the form fields of
    ``body``. For SendGrid, ``secret`` is the private key and the timestamp is ``now``.
    """
    return scheme(name).sign(_sign_input(secret, body, url, params, now))


def signed_request(name: str, secret: Any, body: Body, *, url: str = "",
                   params: Params | None = None, now: datetime | None = None) -> Request:
    """(headers, body) of the correctly signed request, shaped like :func:`negative_request`.

    Use this rather than :func:`sign_webhook` when a Twilio body is given only as params.
    """
    data = _sign_input(secret, body, url, params, now)
    return scheme(name).sign(data), data.body


# --------------------------------------------------------------------------- negative pack

def tamper_body(body: bytes, content_type: str) -> bytes:
    """A body that still parses but means something else, so a 400 for bad syntax cannot pass
    for a signature rejection. JSON objects get one more key (inserted textually, the original
    bytes untouched); forms one more field; anything else one more line."""
    if content_type == "application/x-www-form-urlencoded":
        return body + (b"&" if body else b"") + b"GoliveTampered=1"
    text = body.rstrip()
    if content_type == "application/json" and text.endswith(b"}"):
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            parsed = None
        if isinstance(parsed, dict):
            separator = b"," if parsed else b""
            return text[:-1] + separator + b'"golive_tampered":true}' + body[len(text):]
    return body + b"\ngolive-tampered"


@dataclass(frozen=True)
class Negative:
    """One named wrong request. ``finding`` names what it means when the target accepts it."""

    name: str
    title: str
    finding: str
    build: Callable[[Scheme, SignInput, timedelta], Request]
    needs_timestamp: bool = False


def _missing(chosen: Scheme, data: SignInput, stale_age: timedelta) -> Request:
    headers = chosen.sign(data)
    headers.pop(chosen.signature_header)
    return headers, data.body


def _wrong(chosen: Scheme, data: SignInput, stale_age: timedelta) -> Request:
    headers = chosen.sign(data)
    original = headers[chosen.signature_header]
    while headers[chosen.signature_header] == original:
        headers[chosen.signature_header] = chosen.wrong_signature()
    return headers, data.body


def _tampered_body(chosen: Scheme, data: SignInput, stale_age: timedelta) -> Request:
    return chosen.sign(data), tamper_body(data.body, chosen.content_type)


def _other_secret(chosen: Scheme, data: SignInput, stale_age: timedelta) -> Request:
    other = SignInput(chosen.other_secret(data.secret), data.body, data.url, data.params,
                      data.timestamp)
    return chosen.sign(other), data.body


def _stale(chosen: Scheme, data: SignInput, stale_age: timedelta) -> Request:
    old = SignInput(data.secret, data.body, data.url, data.params,
                    data.timestamp - int(stale_age.total_seconds()))
    return chosen.sign(old), data.body


NEGATIVES: dict[str, Negative] = {
    negative.name: negative
    for negative in (
        Negative("missing", "no signature header", "webhook-signature-not-required", _missing),
        Negative("wrong", "random signature of the right shape",
                 "webhook-accepts-wrong-signature", _wrong),
        Negative("tampered_body", "correctly signed, then the body changed",
                 "webhook-accepts-tampered-body", _tampered_body),
        Negative("other_secret", "correctly signed with another secret",
                 "webhook-accepts-foreign-signature", _other_secret),
        Negative("stale", "correctly signed with an old timestamp",
                 "webhook-accepts-stale-timestamp", _stale, needs_timestamp=True),
    )
}


def negatives_for(name: str) -> list[str]:
    """Negative variant names that apply to a scheme (``stale`` only for timestamped ones)."""
    chosen = scheme(name)
    return [negative.name for negative in NEGATIVES.values()
            if chosen.timestamped or not negative.needs_timestamp]


def negative_request(name: str, variant: str, secret: Any, body: Body, *, url: str = "",
                     params: Params | None = None, now: datetime | None = None,
                     stale_age: timedelta = timedelta(hours=1)) -> Request:
    """(headers, body) of one negative variant; each must be refused by a correct receiver."""
    chosen = scheme(name)
    if variant not in negatives_for(name):
        raise KeyError(f"variant {variant!r} does not apply to {name}; "
                       f"known: {', '.join(negatives_for(name))}")
    return NEGATIVES[variant].build(chosen, _sign_input(secret, body, url, params, now), stale_age)


def evaluate_webhook_response(name: str, variant: str | None, status_code: int) -> list[Finding]:
    """Findings for the target's answer: 2xx for a valid signature (``variant`` None), 4xx for
    every negative variant. A 5xx is a finding either way: a bad signature must not crash."""
    if variant is None:
        if 200 <= status_code < 300:
            return []
        return [Finding("webhook-rejects-valid-signature", f"2xx for a correctly signed {name} "
                        "webhook", f"HTTP {status_code}",
                        "verify over the raw request bytes with the webhook secret of this env")]
    negative = NEGATIVES[variant]
    expected = f"4xx for a {name} webhook with {negative.title}"
    if 400 <= status_code < 500:
        return []
    if status_code >= 500:
        return [Finding("webhook-server-error-on-bad-signature", expected, f"HTTP {status_code}",
                        "reject bad signatures with 400/401 before any processing")]
    return [Finding(negative.finding, expected, f"HTTP {status_code}",
                    "verify the signature (constant-time) before processing and refuse on mismatch")]
