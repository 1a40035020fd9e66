"""Response times and error rate of the key endpoints, sampled read-only right after the deploy."""

from __future__ import annotations

from golive import check, expect
from golive.probes.latency import summarize, threshold_findings


@check("PERF-LAT-001", "Key endpoints' sampled p50/p95/p99 latency and error rate are within the thresholds",
       critical=True,
       items=["inventory:POST-IMM-01", "inventory:SUCCESS-07", "realserv:DEP-PROD-15", "realserv:MET-PERF-01",
              "realserv:MET-PERF-02"], also={"post_deploy": 3}, observe=True)
def test_key_endpoint_latency(profile, performance, http):
    thresholds = performance.thresholds
    findings = []
    for endpoint in performance.key_endpoints:
        url = profile.service(endpoint.service).url(endpoint.path)
        durations, errors = [], 0
        for _ in range(performance.samples):
            response = http.get(url)
            durations.append(response.elapsed.total_seconds() * 1000)
            errors += response.status_code >= 400
        findings += threshold_findings(summarize(durations, errors), p95_ms=thresholds.p95_ms, p50_ms=thresholds.p50_ms,
                                       p99_ms=thresholds.p99_ms, max_error_rate=thresholds.max_error_rate,
                                       where=f"{endpoint.service} GET {endpoint.path}")
    expect.no_findings(findings, "key endpoints are slower or fail more than the thresholds allow",
                       where=", ".join(f"{e.service}{e.path}" for e in performance.key_endpoints))
