"""The WhatsApp tracker's hardening limits (runbook section 3): WEBHOOK_RATE_LIMIT_PER_MIN,
RAZORPAY_RATE_LIMIT_PER_MIN and TRACKER_WRITE_RATE_LIMIT_PER_MIN answer 429 with Retry-After once
a sender, a client or a tracker link goes over its limit within a minute."""

import secrets
import time

from golive import check, expect, required
from golive.probes import ratelimit, signatures, tracker

WINDOW_S = 60


def until_throttled(send, limit):
    """Up to ``limit`` + 1 requests, stopping at the first 429: (statuses, the last response)."""
    statuses, response = [], None
    for _ in range(limit + 1):
        response = send()
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    return statuses, response


def expect_throttled(statuses, response, limit, title):
    findings = ratelimit.evaluate_throttled(statuses, limit, WINDOW_S)
    if response is not None and response.status_code == 429:
        findings += ratelimit.evaluate_refusal(response.headers, now=time.time(), expect_ratelimit_headers=False,
                                               max_retry_after_s=WINDOW_S)
    expect.no_findings(findings, title, where=expect.where(response) if response is not None else "")


def limits(tracker_config):
    return required(tracker_config.rate_limits, "the tracker's rate limits (tracker.rate_limits)")


@check("TRK-RATE-001", "More than WEBHOOK_RATE_LIMIT_PER_MIN messages from one sender in a minute get 429",
       safety="mutating", items=["whatsapp_tracker:HARD-03"])
def test_webhook_rate_limit(tracker_config, tracker_driver, test_family):
    limit = required(limits(tracker_config).webhook_per_min, "the webhook limit (tracker.rate_limits.webhook_per_min)")

    def send():
        return tracker_driver.post_delivery(tracker.inbound_text(
            test_family.phone, "streak", name=test_family.name, message_id=f"wamid.golive{secrets.token_hex(10)}"),
            expect_rate_limit=True)

    statuses, response = until_throttled(send, limit)
    expect_throttled(statuses, response, limit, f"the WhatsApp webhook takes more than {limit} messages a minute")


@check("TRK-RATE-002", "More than RAZORPAY_RATE_LIMIT_PER_MIN payment webhook requests in a minute get 429",
       safety="probe", items=["whatsapp_tracker:HARD-04"])
def test_razorpay_rate_limit(profile, tracker_config, tracker_driver, tracker_payment_webhook, http):
    limit = required(limits(tracker_config).razorpay_per_min,
                     "the payment webhook limit (tracker.rate_limits.razorpay_per_min)")
    url = tracker_driver.url(tracker_payment_webhook.path)
    body = tracker.payment_link_paid(f"plink_golive{secrets.token_hex(5)}", 100, payment_id="pay_golive0")

    def send():
        # signed with a wrong secret: refused whatever happens, so the probe changes nothing
        headers, sent = signatures.signed_request("razorpay", f"golive-wrong-{secrets.token_hex(4)}", body, url=url)
        return http.post(url, content=sent, headers={**headers, "Content-Type": "application/json"}, intent="probe",
                         expect_rate_limit=True)

    statuses, response = until_throttled(send, limit)
    accepted = [status for status in statuses if 200 <= status < 300]
    expect.true(not accepted, "the payment webhook accepted a wrongly signed event", expected="400 (then 429)",
                found=f"{len(accepted)} answers 2xx", where=url, fix="verify X-Razorpay-Signature first")
    expect_throttled(statuses, response, limit, f"the payment webhook takes more than {limit} requests a minute")


@check("TRK-RATE-003", "More than TRACKER_WRITE_RATE_LIMIT_PER_MIN tracker saves in a minute get 429",
       safety="mutating", items=["whatsapp_tracker:HARD-05"])
def test_tracker_write_rate_limit(tracker_config, test_family, http):
    limit = required(limits(tracker_config).writes_per_min, "the write limit (tracker.rate_limits.writes_per_min)")
    day = time.strftime("%Y-%m-01", time.gmtime())

    def send():
        return http.post(f"{test_family.link}/save", json={"day": day, "status": "attended"}, intent="write",
                         expect_rate_limit=True)

    statuses, response = until_throttled(send, limit)
    expect_throttled(statuses, response, limit, f"the tracker takes more than {limit} saves a minute")
