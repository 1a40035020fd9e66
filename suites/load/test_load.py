"""Load and stress: Locust (a subprocess) drives the key endpoints at the profile's user levels."""

from __future__ import annotations

from golive import check, expect, required
from golive.loadgen.runner import run_locust
from golive.probes.latency import breaking_point, summarize_histogram, threshold_findings

LOAD_ITEMS = [
    "realserv:TEST-LOAD-01", "realserv:TEST-LOAD-02", "realserv:TEST-LOAD-03", "realserv:TEST-LOAD-05",
    "realserv:TEST-LOAD-06", "realserv:DEP-PRE-04", "realserv:DEP-STG-04", "inventory:MAINT-QTR-03",
]


def key_urls(profile, performance, http) -> list[str]:
    """The key endpoints, each answered once first: a dead target is an environment problem found
    in one request (and shared with every other check), not after a load run of failures."""
    urls = [profile.service(e.service).url(e.path) for e in performance.key_endpoints]
    for url in urls:
        http.get(url)
    return urls


@check("LOAD-RUN-001", "p95 response time and error rate hold at every load level; no errors at normal load",
       critical=True, safety="load", items=LOAD_ITEMS)
def test_thresholds_hold_under_load(profile, performance, load_policy, http, tmp_path):
    thresholds, findings, measured = performance.thresholds, [], []
    urls = key_urls(profile, performance, http)
    for users in sorted(set(load_policy.levels)):
        run = run_locust(urls, users=users, spawn_rate=load_policy.spawn_rate,
                         duration_s=load_policy.duration_s, workdir=tmp_path)
        summary = summarize_histogram(run.response_times, run.requests, run.failures)
        measured.append(f"{users} users: {summary}")
        normal = users == load_policy.normal_users
        findings += threshold_findings(summary, p95_ms=thresholds.p95_ms,
                                       max_error_rate=0.0 if normal else thresholds.max_error_rate,
                                       where=f"{users} users{' (normal load)' if normal else ''}")
    expect.no_findings(findings, "the system does not hold its thresholds under load",
                       where="; ".join(measured))


@check("LOAD-STRESS-001", "Stress ramp: the error rate breaks only above the profile's minimum user count",
       safety="load", items=["realserv:TEST-LOAD-04"])
def test_breaking_point_above_minimum(profile, performance, load_policy, http, tmp_path):
    what = "a stress ramp (performance.load: stress_start, stress_step, stress_max, min_breaking_users)"
    start, step = required(load_policy.stress_start, what), required(load_policy.stress_step, what)
    ceiling, minimum = required(load_policy.stress_max, what), required(load_policy.min_breaking_users, what)
    steps: list[tuple[int, float]] = []
    urls = key_urls(profile, performance, http)
    for users in range(start, ceiling + 1, step):
        run = run_locust(urls, users=users, spawn_rate=max(load_policy.spawn_rate, users),
                         duration_s=load_policy.stress_step_s, workdir=tmp_path)
        steps.append((users, run.failures / run.requests))
        if breaking_point(steps[-1:], performance.thresholds.max_error_rate) is not None:
            break  # found it: no need to push a broken system further
    broke_at = breaking_point(steps, performance.thresholds.max_error_rate)
    ramp = ", ".join(f"{users} users {rate:.1%} errors" for users, rate in steps)
    expect.true(broke_at is None or broke_at > minimum, "the system breaks below the required load",
                expected=f"error rate at most {performance.thresholds.max_error_rate:.1%} up to {minimum} users",
                found=f"breaking point {broke_at} users ({ramp})", where=", ".join(urls),
                fix="find the saturated resource at the breaking point (connection pools, workers, CPU) and size it")
