"""Alerting: a synthetic alert reaches the alert channel, and an alarm reaches every subscription."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from golive import check, expect
from golive.ledger import run_tag


def poll_until(found: Callable[[], httpx.Response | None], wait_s: float, interval_s: float = 1.0) -> httpx.Response | None:
    deadline = time.monotonic() + wait_s
    while True:
        response = found()
        if response is not None or time.monotonic() >= deadline:
            return response
        time.sleep(interval_s)


@check("OBS-ALERT-001", "A synthetic alert posted to ALERT_WEBHOOK_URL is delivered to the alert channel",
       critical=True, safety="mutating",
       items=["consolidated:MON-04", "consolidated:ENV-VARS-03", "consolidated:FINAL-07", "realserv:OBS-ALERT-01"])
def test_synthetic_alert_is_delivered(alert_webhook, http):
    marker = f"{run_tag()}-{secrets.token_hex(4)}"  # the run tag: what this run sent is findable
    posted_at = f"{time.time() - 5:.6f}"  # Slack ts of a moment before the post (clock skew)
    text = (f":white_check_mark: go-live alert test {marker} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC): "
            "no action needed")
    sent = http.post(alert_webhook.webhook_url, json={"text": text})
    expect.status(sent, 200, "the alert webhook does not accept alerts",
                  fix="the incoming webhook was revoked or its URL is wrong: create a new one and update ALERT_WEBHOOK_URL")
    readback = alert_webhook.readback
    history = f"{str(readback.api_url).rstrip('/')}/conversations.history"

    def delivered() -> httpx.Response | None:
        response = http.get(history, params={"channel": readback.channel, "oldest": posted_at, "limit": 100},
                            headers={"Authorization": f"Bearer {readback.token}"})
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if not body.get("ok", False) or any(marker in str(m.get("text", "")) for m in body.get("messages", [])):
            return response
        return None

    found = poll_until(delivered, alert_webhook.wait_s)
    body = found.json() if found is not None else {}
    expect.true(found is not None and body.get("ok") is True, "the alert never appeared in the alert channel",
                expected=f"a message with {marker} in channel {readback.channel} within {alert_webhook.wait_s:g} s",
                found=f"Slack error {body.get('error')}" if found is not None else "no such message until the deadline",
                where=history, fix="check which channel the webhook posts to, and the read-back token's channels:history scope")


@check("OBS-ALERT-002", "An alarm published to the alarm topic reaches every required subscription (e-mail, Slack)",
       safety="mutating", items=["realserv:OBS-ALERT-08"])
def test_alarm_reaches_every_subscription(alert_topic, http):
    auth = {"Authorization": f"Bearer {alert_topic.token}"}
    listing = http.get(alert_topic.subscriptions_url, headers=auth)
    expect.status(listing, 200, "the alarm topic's subscriptions cannot be listed")
    subscribed = {s.get("Protocol") for s in expect.json_body(listing, "subscriptions are not JSON").get("Subscriptions", [])}
    missing = sorted(set(alert_topic.required_protocols) - subscribed)
    expect.true(not missing, "the alarm topic lacks required subscriptions",
                expected=f"subscriptions for {', '.join(alert_topic.required_protocols)}",
                found=f"subscribed: {', '.join(sorted(p for p in subscribed if p)) or 'none'}", where=expect.where(listing),
                fix=f"subscribe (and confirm) {', '.join(missing)} endpoints on the topic")
    marker = f"{run_tag()}-{secrets.token_hex(4)}"  # the run tag: what this run sent is findable
    published = http.post(alert_topic.publish_url, headers=auth,
                          json={"subject": f"go-live alarm test {marker}", "message": f"{marker}: no action needed"})
    expect.status(published, (200, 201, 202), "the alarm topic refuses to publish")
    for protocol in alert_topic.required_protocols:
        url = alert_topic.readback_urls[protocol]

        def arrived(url: str = url) -> httpx.Response | None:
            response = http.get(url, headers=auth)
            return response if response.status_code != 200 or marker in response.text else None

        found = poll_until(arrived, alert_topic.wait_s)
        expect.true(found is not None and found.status_code == 200, f"the alarm never reached the {protocol} subscription",
                    expected=f"{marker} delivered to {protocol} within {alert_topic.wait_s:g} s",
                    found=f"HTTP {found.status_code}" if found is not None else "not delivered until the deadline",
                    where=url, fix=f"check the {protocol} subscription's endpoint and that it is confirmed")
