"""Rate limits seen from outside: the burst that must be refused, Retry-After, and recovery."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping

from golive.probes.findings import Finding

RATELIMIT_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """Retry-After as seconds from ``now`` (epoch): delta-seconds or an HTTP date; None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def evaluate_throttled(statuses: list[int], limit: int, window_s: float) -> list[Finding]:
    """Within one window, more than ``limit`` requests must meet a 429."""
    if 429 in statuses:
        return []
    others = sorted({s for s in statuses if s != 200})
    return [Finding("rate-limit-not-enforced", f"HTTP 429 after {limit} requests within {window_s:g} s",
                    f"{len(statuses)} requests, no 429" + (f" (also saw {others})" if others else ""),
                    "rate limit the endpoint (API gateway, reverse proxy or middleware)")]


def evaluate_served_within_limit(statuses: list[int], limit: int, window_s: float,
                                 advertised_limit: str | None = None) -> list[Finding]:
    """A burst must be served ``limit`` times before its first 429: a limit below the declared one
    throttles clients that keep to what they were promised.

    An early 429 whose RateLimit-Limit says the declared limit (or more) was caused by earlier requests
    in the same window, not by a lower limit: no claim then.
    """
    first = next((index for index, status in enumerate(statuses) if status == 429), None)
    if first is None or first >= limit:
        return []
    if advertised_limit is not None and advertised_limit.strip().isdigit() and int(advertised_limit) >= limit:
        return []
    advertised = f" (RateLimit-Limit: {advertised_limit})" if advertised_limit else ""
    return [Finding("rate-limit-below-declared", f"{limit} requests served within {window_s:g} s before a 429 "
                    "(the limit the profile declares)",
                    f"HTTP 429 at request {first + 1} of a fresh burst{advertised}",
                    "restore the limit clients are promised (gateway, proxy or middleware), or correct rate_limits "
                    "in the profile")]


def evaluate_refusal(headers: Mapping[str, str], *, now: float, expect_ratelimit_headers: bool,
                     max_retry_after_s: float) -> list[Finding]:
    """A 429 must say when to come back (Retry-After) and, when promised, the RateLimit fields."""
    lowered = _lower(headers)
    findings = []
    retry_after = lowered.get("retry-after")
    seconds = retry_after_seconds(retry_after, now=now)
    if retry_after is None:
        findings.append(Finding("rate-limit-retry-after-missing", "Retry-After on the 429", "no Retry-After",
                                "send Retry-After (seconds until the window resets)"))
    elif seconds is None:
        findings.append(Finding("rate-limit-retry-after-invalid", "Retry-After as seconds or an HTTP date",
                                f"Retry-After: {retry_after}", "send delta-seconds, e.g. Retry-After: 30"))
    elif seconds > max_retry_after_s:
        findings.append(Finding("rate-limit-retry-after-too-long", f"Retry-After <= {max_retry_after_s:g} s (the window)",
                                f"Retry-After: {retry_after}", "make Retry-After match the limit's window"))
    if expect_ratelimit_headers:
        missing = [name for name in RATELIMIT_HEADERS if name not in lowered]
        if missing:
            findings.append(Finding("rate-limit-headers-missing", "RateLimit-Limit, -Remaining and -Reset",
                                    f"missing {', '.join(missing)}", "send the RateLimit header fields"))
    return findings


def evaluate_recovery(recovered_after_s: float | None, allowed_s: float, last_status: int | None) -> list[Finding]:
    if recovered_after_s is not None and recovered_after_s <= allowed_s:
        return []
    found = (f"served again only after {recovered_after_s:.1f} s" if recovered_after_s is not None
             else f"still HTTP {last_status} after {allowed_s:.1f} s")
    return [Finding("rate-limit-never-recovers", f"served again within {allowed_s:.1f} s (Retry-After + slack)", found,
                    "end the block when the window ends, as Retry-After promises")]
