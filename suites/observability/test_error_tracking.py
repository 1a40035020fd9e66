"""Error tracking: a synthetic error reaches Sentry and the app's errors arrive redacted (the error
count since the deploy is a post-deploy check: suites/post_deploy/test_03_error_rate.py)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from golive import check, expect
from golive.ledger import run_tag
from golive.probes.errors_tracking import leaked_secrets
from golive.providers.sentry import Dsn, DsnError, send_event, synthetic_event


def poll(fetch: Callable[[], httpx.Response | None], wait_s: float, interval_s: float) -> httpx.Response | None:
    """The first answer ``fetch`` gives before the deadline (ingest is asynchronous), or None."""
    deadline = time.monotonic() + wait_s
    while True:
        found = fetch()
        if found is not None or time.monotonic() >= deadline:
            return found
        time.sleep(interval_s)


@check("OBS-SENTRY-001", "A synthetic error sent through SENTRY_DSN reaches the Sentry project", critical=True,
       safety="mutating", items=["consolidated:MON-02", "consolidated:ENV-VARS-03", "consolidated:FINAL-07"])
def test_synthetic_error_reaches_sentry(error_tracking, sentry_api, http):
    try:
        dsn = Dsn.parse(error_tracking.dsn)
    except DsnError as error:
        expect.true(False, "SENTRY_DSN is not a valid DSN", expected=str(error), found="an unparseable DSN",
                    where="observability.error_tracking.dsn", fix="copy the DSN from the project's Client Keys page")
    marker = f"{run_tag()}-{secrets.token_hex(4)}"  # the run tag: what this run sent is findable
    event = synthetic_event(marker)
    sent = send_event(http, dsn, event)
    expect.status(sent, 200, "Sentry refuses events sent with SENTRY_DSN",
                  fix="the DSN's project or key is gone or disabled: copy the live project's DSN into SENTRY_DSN")

    def readable() -> httpx.Response | None:
        response = sentry_api.event(event["event_id"])
        return None if response.status_code == 404 else response

    found = poll(readable, error_tracking.wait_s, error_tracking.poll_interval_s)
    expect.true(found is not None and found.status_code == 200,
                "the synthetic error never appeared in the Sentry project",
                expected=f"event {event['event_id']} readable within {error_tracking.wait_s:g} s",
                found=f"HTTP {found.status_code}" if found is not None else "not found (404) until the deadline",
                where=f"{error_tracking.api_url} project {error_tracking.org}/{error_tracking.project}",
                fix="check that the DSN belongs to this project and that inbound filters or rate limits do not drop events")
    body = expect.json_body(found, "the Sentry API did not answer JSON")
    expect.true(marker in str(body), "the event Sentry stored is not the one golive sent",
                expected=f"the probe marker {marker}", found=str(body)[:200], where=expect.where(found))


@check("OBS-SENTRY-003", "The app's own test error reaches Sentry with passwords and tokens redacted",
       safety="mutating", items=["realserv:OBS-LOG-06"])
def test_app_errors_are_redacted(profile, error_trigger, error_tracking, sentry_api, http):
    marker = f"{run_tag()}-{secrets.token_hex(4)}"  # the run tag: what this run sent is findable
    canaries = {field: f"golive-canary-{field}-{secrets.token_hex(8)}" for field in error_trigger.secret_fields}
    started = datetime.now(UTC) - timedelta(seconds=5)  # clock skew between golive and Sentry
    trigger = profile.service(error_trigger.service).url(error_trigger.path)
    response = http.post(trigger, json={"marker": marker, **canaries},
                         headers={error_trigger.header: error_trigger.credential})
    expect.true(response.status_code not in (401, 403, 404), "the app's test-error endpoint refused the trigger",
                expected="the endpoint raising its test error (any answer but 401/403/404)",
                found=f"HTTP {response.status_code}", where=expect.where(response),
                fix="check observability.error_trigger (path, header, credential)")

    def arrived() -> httpx.Response | None:
        listing, events = sentry_api.events(start=started, end=datetime.now(UTC) + timedelta(seconds=5),
                                            query="level:[error,fatal]")
        if listing.status_code != 200 or any(marker in str(event) for event in events):
            return listing
        return None

    listing = poll(arrived, error_tracking.wait_s, error_tracking.poll_interval_s)
    expect.true(listing is not None and listing.status_code == 200, "the app's test error never reached Sentry",
                expected=f"an error event carrying {marker} within {error_tracking.wait_s:g} s",
                found=f"HTTP {listing.status_code}" if listing is not None else "no such event until the deadline",
                where=trigger, fix="the app's SENTRY_DSN is missing or points at another (or deleted) project")
    _, events = sentry_api.events(start=started, end=datetime.now(UTC) + timedelta(seconds=5), query="level:[error,fatal]")
    stored = next(event for event in events if marker in str(event))
    expect.no_findings(leaked_secrets(stored, canaries), "secrets reach the error tracker unredacted",
                       where=f"{trigger} -> {error_tracking.org}/{error_tracking.project} event {stored.get('eventID')}")
