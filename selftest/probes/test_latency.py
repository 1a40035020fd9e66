"""Percentile math and latency thresholds against fixed vectors."""

from __future__ import annotations

import pytest

from golive.probes.findings import names
from golive.probes.latency import (
    LatencySummary,
    breaking_point,
    histogram_percentile,
    percentile,
    summarize,
    threshold_findings,
)


def test_nearest_rank_percentiles_of_one_to_a_hundred():
    values = list(range(100, 0, -1))  # order must not matter
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99), percentile(values, 1.0)) == \
        (50, 95, 99, 100)


def test_percentile_of_few_samples_is_a_real_sample():
    assert percentile([10, 20, 30, 40, 1000], 0.95) == 1000
    assert percentile([10, 20, 30, 40, 1000], 0.5) == 30
    assert percentile([7], 0.99) == 7


@pytest.mark.parametrize("bad", [[], None])
def test_percentile_needs_samples(bad):
    with pytest.raises((ValueError, TypeError)):
        percentile(bad, 0.5)


def test_histogram_percentile_matches_the_expanded_samples():
    histogram = {"1": 12, "2": 1, "3": 1, "7": 1, "130": 1}  # Locust's response_times shape
    expanded = [1] * 12 + [2, 3, 7, 130]
    for fraction in (0.5, 0.75, 0.9, 0.95, 0.99):
        assert histogram_percentile(histogram, fraction) == percentile(expanded, fraction)


def test_summary_and_thresholds():
    summary = summarize([100.0] * 18 + [900.0, 950.0], errors=1)
    assert (summary.p50_ms, summary.p95_ms, summary.p99_ms, summary.error_rate) == (100, 900, 950, 0.05)
    found = threshold_findings(summary, p95_ms=500, max_error_rate=0.01, p50_ms=200, p99_ms=1000)
    assert names(found) == ["p95-above-threshold", "error-rate-above-threshold"]
    assert threshold_findings(summary, p95_ms=900, max_error_rate=0.05) == []


def test_zero_error_budget_fails_on_one_error():
    assert names(threshold_findings(LatencySummary(1000, 1, 5, 9, 12), p95_ms=500, max_error_rate=0.0)) == \
        ["error-rate-above-threshold"]


def test_breaking_point_is_the_first_step_over_the_error_rate():
    assert breaking_point([(10, 0.0), (20, 0.005), (30, 0.2), (40, 0.5)], 0.01) == 30
    assert breaking_point([(10, 0.0), (20, 0.01)], 0.01) is None
