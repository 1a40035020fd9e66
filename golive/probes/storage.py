"""Object storage (S3) settings and the edge in front of it, judged from the API's answers.

Inputs are the parsed shapes botocore returns (plain dicts) and response headers, so the
probes are pure and run against fixed vectors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from golive.probes.findings import Finding

SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def encryption_findings(configuration: Mapping[str, object] | None) -> list[Finding]:
    """GetBucketEncryption's ``ServerSideEncryptionConfiguration`` (None: the bucket has none)."""
    rules = (configuration or {}).get("Rules") or []
    algorithms = [
        (rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")
        for rule in rules if isinstance(rule, Mapping)
    ]
    if not any(algorithm in SSE_ALGORITHMS for algorithm in algorithms):
        return [Finding("bucket-encryption-missing", "a default server-side encryption rule (AES256 or aws:kms)",
                        f"rules {algorithms or 'none'}",
                        "put a default encryption rule on the bucket (SSE-S3 or SSE-KMS)")]
    return []


def object_encryption_findings(objects: Mapping[str, str | None]) -> list[Finding]:
    """``key -> ServerSideEncryption`` as HeadObject reports it."""
    plain = sorted(key for key, algorithm in objects.items() if algorithm not in SSE_ALGORITHMS)
    if plain:
        return [Finding("object-not-encrypted", "every object stored with server-side encryption",
                        f"{len(plain)} of {len(objects)} without SSE, e.g. {plain[0]}",
                        "enable default encryption and re-copy the existing objects in place")]
    return []


def versioning_findings(response: Mapping[str, object]) -> list[Finding]:
    status = response.get("Status")
    if status != "Enabled":
        return [Finding("bucket-versioning-not-enabled", "Status Enabled",
                        f"Status {status or 'never enabled'}",
                        "enable versioning on the bucket (put-bucket-versioning Status=Enabled)")]
    return []


def lifecycle_findings(rules: list[Mapping[str, object]] | None) -> list[Finding]:
    """GetBucketLifecycleConfiguration's ``Rules`` (None: no lifecycle configuration)."""
    expiring = [
        rule for rule in rules or []
        if rule.get("Status") == "Enabled" and (rule.get("Expiration") or rule.get("NoncurrentVersionExpiration"))
    ]
    if not expiring:
        found = "no lifecycle configuration" if rules is None else f"{len(rules)} rule(s), none enabled with an expiration"
        return [Finding("lifecycle-expiration-missing", "an enabled lifecycle rule that expires old objects or versions",
                        found, "add a lifecycle rule with Expiration (temporary files) / NoncurrentVersionExpiration")]
    return []


def cdn_findings(headers: Mapping[str, str], cdn: str = "cloudfront") -> list[Finding]:
    """Headers of a public file: served by the CDN edge (Via / X-Cache) with a caching policy."""
    lowered = {name.lower(): value for name, value in headers.items()}
    findings = []
    via, x_cache = lowered.get("via", ""), lowered.get("x-cache", "")
    if cdn == "cloudfront":
        served_by_edge = "cloudfront" in via.lower() or "cloudfront" in x_cache.lower()
        expected = "Via or X-Cache naming CloudFront"
    else:
        served_by_edge = bool(via or x_cache or lowered.get("cf-cache-status") or lowered.get("x-served-by"))
        expected = "a CDN header (Via, X-Cache, CF-Cache-Status, X-Served-By)"
    if not served_by_edge:
        findings.append(Finding("public-file-not-via-cdn", expected,
                                f"Via {via or 'absent'}, X-Cache {x_cache or 'absent'}",
                                "serve public files through the CDN distribution, not from the bucket"))
    cache_control = lowered.get("cache-control", "")
    max_age = re.search(r"(?:s-)?max-age=(\d+)", cache_control)
    if "no-store" in cache_control or "private" in cache_control or not max_age or int(max_age.group(1)) <= 0:
        findings.append(Finding("public-file-not-cacheable", "Cache-Control: public with a max-age",
                                f"Cache-Control {cache_control or 'absent'}",
                                "set a cache policy on the distribution (or Cache-Control metadata on the objects)"))
    return findings


def tampered_presigned_url(url: str) -> str:
    """The same presigned URL for another object: the key gets a suffix, the signature stays."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + ".tampered"))


def extended_presigned_url(url: str, seconds: int = 604_800) -> str:
    """The same presigned URL with its lifetime stretched: the signature no longer covers it."""
    parts = urlsplit(url)
    query = [(name, str(seconds) if name == "X-Amz-Expires" else value) for name, value in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def refused_findings(name: str, status: int, what: str) -> list[Finding]:
    """A presigned URL built to be refused must get 403 (S3 answers AccessDenied / SignatureDoesNotMatch)."""
    if status in (401, 403):
        return []
    return [Finding(name, f"{what} refused with 403", f"HTTP {status}",
                    "S3 itself refuses such URLs: look for a proxy or CDN that serves the object without checking the signature")]
