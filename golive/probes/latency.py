"""Latency and error-rate statistics: percentiles of samples or of a histogram, against thresholds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from golive.probes.findings import Finding


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (the smallest value with at least ``fraction`` of samples at or below it)."""
    if not values:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def histogram_percentile(histogram: Mapping[float | str, int], fraction: float) -> float:
    """Nearest-rank percentile of a {value: count} histogram (Locust's ``response_times``)."""
    buckets = sorted((float(value), count) for value, count in histogram.items() if count > 0)
    total = sum(count for _, count in buckets)
    if total == 0:
        raise ValueError("no samples")
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value, count in buckets:
        seen += count
        if seen >= rank:
            return value
    return buckets[-1][0]


@dataclass(frozen=True)
class LatencySummary:
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def __str__(self) -> str:
        return (f"{self.requests} requests, p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
                f"p99 {self.p99_ms:.0f} ms, errors {self.errors} ({self.error_rate:.1%})")


def summarize(durations_ms: Sequence[float], errors: int) -> LatencySummary:
    return LatencySummary(len(durations_ms), errors, percentile(durations_ms, 0.50),
                          percentile(durations_ms, 0.95), percentile(durations_ms, 0.99))


def summarize_histogram(histogram: Mapping[float | str, int], requests: int, errors: int) -> LatencySummary:
    return LatencySummary(requests, errors, histogram_percentile(histogram, 0.50),
                          histogram_percentile(histogram, 0.95), histogram_percentile(histogram, 0.99))


def threshold_findings(summary: LatencySummary, *, p95_ms: int, max_error_rate: float, p50_ms: int | None = None,
                       p99_ms: int | None = None, where: str = "") -> list[Finding]:
    """A finding per percentile above its threshold, and one for an error rate above the maximum."""
    label = f"{where}: " if where else ""
    findings: list[Finding] = []
    for name, measured, limit in (("p50", summary.p50_ms, p50_ms), ("p95", summary.p95_ms, p95_ms),
                                  ("p99", summary.p99_ms, p99_ms)):
        if limit is not None and measured > limit:
            findings.append(Finding(
                f"{name}-above-threshold",
                expected=f"{label}{name} at most {limit} ms",
                found=f"{label}{name} {measured:.0f} ms ({summary})",
                fix="profile the slow endpoint (queries, indexes, N+1 calls, cold caches) or scale it out",
            ))
    if summary.error_rate > max_error_rate:
        findings.append(Finding(
            "error-rate-above-threshold",
            expected=f"{label}error rate at most {max_error_rate:.1%}",
            found=f"{label}{summary.errors} of {summary.requests} requests failed ({summary.error_rate:.1%})",
            fix="look at the failing responses (5xx, timeouts) and the service's logs",
        ))
    return findings


def breaking_point(steps: Sequence[tuple[int, float]], max_error_rate: float) -> int | None:
    """The first user count whose error rate exceeds the maximum, in ramp order; None if none broke."""
    for users, error_rate in steps:
        if error_rate > max_error_rate:
            return users
    return None
