"""Step 3: the error rate since the deploy stays within its budget (joined here: sampled response
times, observability/test_latency.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from golive import check, expect
from golive.probes.errors_tracking import Windows, error_rate_findings, real_errors


@check("OBS-SENTRY-002", "Error and fatal events since the deploy stay within the error budget", critical=True,
       items=["arogya:S7-EXIT-02", "realserv:DEP-PROD-14", "inventory:SUCCESS-02", "consolidated:LAUNCH-POST-01"],
       gates=["S7"], observe=True)
def test_error_rate_since_deploy(error_rate_policy, sentry_api, error_tracking):
    deployed_at = None
    if error_rate_policy.deployed_at:
        deployed_at = datetime.fromisoformat(error_rate_policy.deployed_at.replace("Z", "+00:00"))
        deployed_at = deployed_at if deployed_at.tzinfo else deployed_at.replace(tzinfo=UTC)
    windows = Windows.of(datetime.now(UTC), deployed_at, error_rate_policy.window_minutes)
    query = f"level:[{','.join(error_rate_policy.levels)}]"
    response, after = sentry_api.events(start=windows.deployed_at, end=windows.now, query=query)
    expect.status(response, 200, "the Sentry API does not list the project's events",
                  fix="give the auth token event:read (project:read) on this project")
    baseline = None
    if error_rate_policy.compare_with_baseline:
        response, before = sentry_api.events(start=windows.baseline_start, end=windows.deployed_at, query=query)
        expect.status(response, 200, "the Sentry API does not list the events before the deploy")
        baseline = len(real_errors(before))
    levels = "/".join(error_rate_policy.levels)
    expect.no_findings(error_rate_findings(len(real_errors(after)), baseline, max_events=error_rate_policy.max_events,
                                           levels=levels),
                       "the error rate since the deploy is too high",
                       where=f"{error_tracking.org}/{error_tracking.project} since {windows.deployed_at:%Y-%m-%d %H:%M:%S} UTC")
