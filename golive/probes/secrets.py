"""Secrets in text: source files, commits, JavaScript bundles. detect-secrets plus provider key shapes.

detect-secrets (Yelp) brings the plugins and the false-positive filters; a few provider shapes it
does not know (Razorpay) are added here. Findings carry the secret's SHA-1 only, the same hash a
detect-secrets baseline records, so reviewed and accepted findings can be waived by a baseline.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from detect_secrets import SecretsCollection
from detect_secrets.settings import transient_settings

from golive.probes.findings import Finding

# Shape detectors only (plus a strict entropy limit): on minified bundles the default entropy
# settings flag every hash and base64 icon.
PLUGINS: list[dict[str, object]] = [
    {"name": name} for name in (
        "AWSKeyDetector", "PrivateKeyDetector", "StripeDetector", "SlackDetector", "TwilioKeyDetector",
        "SendGridDetector", "GitHubTokenDetector", "GitLabTokenDetector", "BasicAuthDetector",
        "KeywordDetector", "JwtTokenDetector", "OpenAIDetector", "NpmDetector", "DiscordBotTokenDetector",
    )
] + [{"name": "Base64HighEntropyString", "limit": 4.5}]

# What detect-secrets has no plugin for. A Razorpay *live key id* is public by design (Checkout
# needs it in the browser); its secret and any test key in a live system are not.
EXTRA_PATTERNS: dict[str, re.Pattern[str]] = {
    "Razorpay Key Secret": re.compile(
        r"(?i)(?:razorpay|rzp)[A-Za-z0-9_.]*secret[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9]{20,40})\b"),
    "Razorpay Test Key": re.compile(r"\b(rzp_test_[A-Za-z0-9]{14})\b"),
}


@dataclass(frozen=True)
class SecretHit:
    source: str  # a file path, "commit <sha>: <path>" or a URL
    line: int
    kind: str
    hashed_secret: str

    def __str__(self) -> str:
        return f"{self.kind} in {self.source}:{self.line}"


def hash_secret(secret: str) -> str:
    return hashlib.sha1(secret.encode("utf-8")).hexdigest()  # what detect-secrets baselines store


def _safe_name(index: int, source: str) -> str:
    # keep the base name: detect-secrets picks filters by file type (.env, .js, .py)
    base = re.sub(r"[^A-Za-z0-9._-]", "_", source.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]) or "text"
    return f"{index:04d}__{base}"


# Minified front-end bundles are full of UI words ("password", "Heslo") and high-entropy data
# (icons, hashes) that the keyword and entropy detectors take for secrets: in served JavaScript only
# the detectors that recognise a credential by its shape are evidence.
SHAPE_PLUGINS: list[dict[str, object]] = [
    plugin for plugin in PLUGINS if plugin["name"] not in ("KeywordDetector", "Base64HighEntropyString")]


def scan_texts(texts: Mapping[str, str], *, plugins: list[dict[str, object]] | None = None) -> list[SecretHit]:
    """Secrets in each text (source -> content), one hit per secret and source."""
    hits: list[SecretHit] = []
    with tempfile.TemporaryDirectory(prefix="golive-secrets-") as directory:
        root = Path(directory)
        names: dict[str, str] = {}
        for index, (source, text) in enumerate(texts.items()):
            name = _safe_name(index, source)
            (root / name).write_text(text, encoding="utf-8")
            names[name] = source
        with transient_settings({"plugins_used": PLUGINS if plugins is None else plugins}):
            collection = SecretsCollection(root=str(root))
            collection.scan_files(*names)
        for filename, secret in collection:
            hits.append(SecretHit(names[Path(filename).name], secret.line_number or 0, secret.type,
                                  secret.secret_hash))
    for source, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            for kind, pattern in EXTRA_PATTERNS.items():
                for match in pattern.finditer(line):
                    hits.append(SecretHit(source, number, kind, hash_secret(match.group(1))))
    unique = {(hit.source, hit.kind, hit.hashed_secret): hit for hit in hits}
    return sorted(unique.values(), key=lambda hit: (hit.source, hit.line, hit.kind))


def baseline_hashes(baseline_json: str) -> set[str]:
    """The hashed secrets a detect-secrets baseline (``.secrets.baseline``) accepts."""
    data = json.loads(baseline_json)
    return {entry["hashed_secret"] for entries in data.get("results", {}).values() for entry in entries
            if isinstance(entry, dict) and "hashed_secret" in entry}


def evaluate_secrets(hits: list[SecretHit], *, accepted: set[str] = frozenset(), where: str,  # type: ignore[assignment]
                     fix: str) -> list[Finding]:
    fresh = [hit for hit in hits if hit.hashed_secret not in accepted]
    if not fresh:
        return []
    shown = "; ".join(str(hit) for hit in fresh[:10]) + (f"; and {len(fresh) - 10} more" if len(fresh) > 10 else "")
    return [Finding("secrets-found", f"no secrets in {where}", shown, fix)]
