"""Rate limits: a burst over the limit meets 429 with Retry-After (not before the declared limit), and the client
is served again after it. Every request here opts out of golive's pacing and rate-limit retries: the 429 is
the evidence."""

import time

from golive import check, expect
from golive.probes.ratelimit import (
    evaluate_recovery,
    evaluate_refusal,
    evaluate_served_within_limit,
    evaluate_throttled,
    retry_after_seconds,
)

POLL_INTERVAL_S = 0.25


def burst(http, method, url, limit):
    """Requests until a 429; a fixed window may reset once mid-burst, so 2 x limit + 1 always crosses it."""
    statuses = []
    for _ in range(2 * limit + 1):
        response = http.request(method, url, expect_rate_limit=True)
        statuses.append(response.status_code)
        if response.status_code == 429:
            return statuses, response
    return statuses, None


def served_again_after(http, method, url, wait_s, deadline_s):
    """Seconds from now until the endpoint answers non-429 (waits Retry-After first, then polls)."""
    started = time.monotonic()
    time.sleep(wait_s)  # the target said when to come back: asking earlier proves nothing
    status = None
    while time.monotonic() - started <= deadline_s:
        status = http.request(method, url, expect_rate_limit=True).status_code
        if status != 429:
            return time.monotonic() - started, status
        time.sleep(POLL_INTERVAL_S)
    return None, status


@check("SEC-RATE-001", "Rate-limited endpoints answer 429 with Retry-After and recover after it",
       items=["realserv:SEC-NET-06", "realserv:INF-GW-04"])
def test_rate_limits(profile, rate_limit_rules, http):
    for rule in rate_limit_rules:
        url = profile.service(rule.service).url(rule.path)
        where = f"{rule.method} {url}"
        statuses, refused = burst(http, rule.method, url, rule.limit)
        expect.no_findings(evaluate_throttled(statuses, rule.limit, rule.window_s), "no rate limit", where=where)
        # other checks rarely touch a declared endpoint (and are paced below its limit when they do)
        expect.no_findings(evaluate_served_within_limit(statuses, rule.limit, rule.window_s,
                                                        refused.headers.get("ratelimit-limit")),
                           "clients are throttled below the declared limit", where=expect.where(refused))
        expect.no_findings(evaluate_refusal(refused.headers, now=time.time(), expect_ratelimit_headers=rule.ratelimit_headers,
                                            max_retry_after_s=rule.window_s + 1),
                           "429 without usable retry information", where=expect.where(refused))
        wait_s = retry_after_seconds(refused.headers.get("retry-after"), now=time.time()) or 0.0
        allowed_s = wait_s + rule.recovery_slack_s
        recovered_s, last = served_again_after(http, rule.method, url, wait_s, allowed_s)
        expect.no_findings(evaluate_recovery(recovered_s, allowed_s, last), "the limit never lifts", where=where)
