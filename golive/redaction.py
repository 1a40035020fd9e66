"""Redaction: no secret may reach a report, log, attachment or terminal line.

Applied at the HTTP layer (every exchange attached to the report passes through it), to failure
messages, and once more over everything written under ``reports/`` as a last line of defence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

MASK = "«redacted»"
SECRET_NAME = re.compile(r"SECRET|TOKEN|KEY|PASSWORD|PASSWD|DSN|CREDENTIAL|PRIVATE", re.IGNORECASE)
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-auth-token",
        "x-razorpay-signature",
        "x-hub-signature",
        "x-hub-signature-256",
        "x-twilio-signature",
        "x-twilio-email-event-webhook-signature",
    }
)
SENSITIVE_FIELD = re.compile(
    r"^pass$|^pwd$|password|passwd|passphrase|secret|token|signature|^otp$|otp[_-]?code|api[_-]?key|private[_-]?key"
    r"|client[_-]?secret|credential|^dsn$|_dsn$",
    re.IGNORECASE,
)
# Compact JWS (JWTs) and signed JSON links (payload.signature: whoever holds one gets in), bearer/basic
# credentials and well-known provider key shapes.
SECRET_SHAPES = [
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?"),
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\brzp_(live|test)_[A-Za-z0-9]{6,}"),
    re.compile(r"\bSG\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
]
# Signed URLs (S3/GCS presigned links, SAS tokens): the signature in the query string is the key.
SIGNED_QUERY = re.compile(
    r"(?i)([?&](?:X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|X-Goog-Signature|X-Goog-Credential"
    r"|Signature|sig)=)[^&\s\"'#<>]+"
)
# Values too common to be treated as secrets even if an env variable with a secret-ish name holds them.
NOT_SECRETS = frozenset({"", "true", "false", "none", "null", "0", "1", "yes", "no", "on", "off"})
MIN_SECRET_LENGTH = 4
# A secret this long, or at least STRONG_MIN_LENGTH long and mixing letters with digits or symbols,
# cannot be part of an ordinary word or number: it is masked wherever it appears. Anything else
# ("random", "changethis", "admin", "493817") is masked only where it stands as a whole value.
ALWAYS_STRONG_LENGTH = 20
STRONG_MIN_LENGTH = 8


def secrets_from_env(env: Mapping[str, str]) -> list[str]:
    """The values of every variable whose name says it holds a secret."""
    return [
        value
        for name, value in env.items()
        if SECRET_NAME.search(name)
        and value.strip().lower() not in NOT_SECRETS
        and len(value.strip()) >= MIN_SECRET_LENGTH
    ]


def is_word_like(secret: str) -> bool:
    """Whether a secret could also be an ordinary word, number or date, so that masking it inside
    other text would mangle that text ("random" in "randomised", "admin" in "/admin/login")."""
    if len(secret) >= ALWAYS_STRONG_LENGTH:
        return False
    has_letter = any(char.isalpha() for char in secret)
    has_other = any(not char.isalpha() and not char.isspace() for char in secret)
    return len(secret) < STRONG_MIN_LENGTH or not (has_letter and has_other)


def _spellings(secret: str) -> set[str]:
    """The secret as written, and percent-encoded as it travels in a query string or form body."""
    return {secret, quote_plus(secret), quote(secret, safe="")}


# Where a word-like secret stands as a whole value in text: (prefix kept, value, what must follow).
# Not in prose: "a random kid" keeps its words; "password=random" and '"random"' do not.
_VALUE_CONTEXTS = (
    (r"=", r"(?=[\s&;,#\"'<>)\]}]|$)"),  # form fields, query parameters, env lines
    (r'"', r'(?=")'),  # a whole JSON (or quoted) string
    (r"'", r"(?=')"),
    (r":", r"(?=@)"),  # user:password@host
    (r":[ \t]*", r"(?=[ \t]*(?:\r?$|[,;\"'}\]]))"),  # a header or YAML line's whole value
    (r"(?i:\b(?:bearer|basic|token)[ \t]+)", r"(?=\s|$|[\"',;])"),
    (r"^[ \t]*", r"(?=[ \t]*\r?$)"),  # a line of its own
)


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        self._secrets |= {secret for secret in secrets if secret}
        self._word_like = {secret for secret in self._secrets if is_word_like(secret)}
        # Longest first, so a secret that contains another is masked whole.
        strong = {spelling for secret in self._secrets - self._word_like for spelling in _spellings(secret)}
        self._strong = sorted(strong, key=len, reverse=True)
        spellings = sorted({s for secret in self._word_like for s in _spellings(secret)}, key=len, reverse=True)
        self._in_context: list[re.Pattern[str]] = []
        if spellings:
            value = "|".join(re.escape(spelling) for spelling in spellings)
            self._in_context = [re.compile(f"({prefix})(?:{value}){follower}", re.MULTILINE)
                                for prefix, follower in _VALUE_CONTEXTS]

    def is_secret_value(self, value: str) -> bool:
        """Whether ``value`` as a whole (a JSON string, header or form value) is one of the secrets."""
        return value.strip() in self._secrets

    def text(self, text: str) -> str:
        for secret in self._strong:
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern in self._in_context:
            text = pattern.sub(lambda match: match.group(1) + MASK, text)
        for shape in SECRET_SHAPES:
            text = shape.sub(MASK, text)
        return SIGNED_QUERY.sub(lambda match: match.group(1) + MASK, text)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [
            (name, MASK if name.lower() in SENSITIVE_HEADERS or self.is_secret_value(value) else self.text(value))
            for name, value in headers
        ]

    def data(self, value: Any) -> Any:
        """Redact a decoded JSON value: sensitive keys masked whole, every string scanned."""
        if isinstance(value, dict):
            return {
                key: MASK if isinstance(key, str) and SENSITIVE_FIELD.search(key) and value[key] not in (None, "")
                else self.data(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.data(item) for item in value]
        if isinstance(value, str):
            return MASK if self.is_secret_value(value) else self.text(value)
        return value

    def body(self, raw: str, content_type: str = "") -> str:
        if "json" in content_type or raw.lstrip().startswith(("{", "[")):
            try:
                return json.dumps(self.data(json.loads(raw)), indent=2, ensure_ascii=False)
            except ValueError:
                pass
        if "x-www-form-urlencoded" in content_type:
            return self._form(raw)
        return self.text(raw)

    def _form(self, raw: str) -> str:
        pairs = []
        for pair in raw.split("&"):
            key, _, value = pair.partition("=")
            sensitive = SENSITIVE_FIELD.search(unquote_plus(key)) or self.is_secret_value(unquote_plus(value))
            pairs.append(f"{key}={MASK}" if sensitive else self.text(pair))
        return "&".join(pairs)

    def sweep(self, directory: Path) -> int:
        """Rewrite every text file below ``directory`` with secrets masked; returns files changed."""
        changed = 0
        for path in directory.rglob("*"):
            if not path.is_file() or path.stat().st_size > 50_000_000:
                continue
            try:
                original = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            cleaned = self.text(original)
            if cleaned != original:
                path.write_text(cleaned, encoding="utf-8")
                changed += 1
        return changed


_current = Redactor()


def current() -> Redactor:
    """The run's redactor, loaded with the environment's secrets by the plugin."""
    return _current


def install(redactor: Redactor) -> None:
    global _current
    _current = redactor
