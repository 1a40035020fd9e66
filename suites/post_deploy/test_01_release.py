"""Step 1 of the hour after the switch: every service answers at the release being launched, and the
rollout left no instance of the old release behind (joined here: liveness and the health budget of
infrastructure/test_health.py, at step 1)."""

import time

from golive import check, expect
from golive.probes.health import lookup
from golive.probes.release import Poll, evaluate_release_identity, evaluate_rollout

ITEMS_VERSION = [
    "arogya:S0-PRE-02", "consolidated:CI-02", "consolidated:FINAL-04", "consolidated:CMD-01",
    "realserv:INF-ECS-02", "realserv:DEP-STG-01",
    "arogya:S7-TASK-02",  # with REL-FRONTEND-002 (front-ends) and INF-HEALTH-002 (readiness env groups)
]
ITEMS_ROLLOUT = [
    "consolidated:LAUNCH-WINDOW-01", "consolidated:LAUNCH-WINDOW-02", "consolidated:FINAL-05", "consolidated:CMD-04",
]


@check("REL-VERSION-001", "Every service runs the tagged release build (version and commit, not dev or dirty)",
       critical=True, items=ITEMS_VERSION, gates=["S0"])
def test_service_reports_release(service, release_policy, release_health_path, http):
    response = http.get(service.url(release_health_path))
    expect.status(response, 200, f"{service.name} is not healthy", fix="look at the service's deploy and logs")
    body = expect.json_body(response, f"{service.name} health body is not JSON")
    findings = evaluate_release_identity(body, version_field=release_policy.version_field,
                                         commit_field=release_policy.commit_field,
                                         expected_version=release_policy.version, expected_commit=release_policy.commit)
    expect.no_findings(findings, f"{service.name} does not run release {release_policy.version}",
                       where=expect.where(response))


@check("REL-ROLLOUT-001", "Every health answer during the rollout watch is 200 at the release (no old instances)",
       critical=True, items=ITEMS_ROLLOUT, observe=True)
def test_rollout_is_consistent(service, release_policy, release_health_path, http):
    polls = []
    for index in range(release_policy.polls):
        if index and release_policy.poll_interval_s:
            time.sleep(release_policy.poll_interval_s)  # the observation window: spread over time
        response = http.get(service.url(release_health_path))
        try:
            version = lookup(response.json(), release_policy.version_field)
        except ValueError:  # a non-JSON answer (a proxy's error page) reports no version
            version = None
        polls.append(Poll(response.status_code, version if isinstance(version, str) else None))
    expect.no_findings(evaluate_rollout(polls, release_policy.version),
                       f"{service.name} answers from more than the release's instances",
                       where=f"{release_policy.polls} x GET {service.url(release_health_path)}")
