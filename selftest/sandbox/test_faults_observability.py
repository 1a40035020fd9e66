"""The Sentry and alerting emulators speak their providers' shapes, the app's test-error trigger and
catalog search behave, and each observability fault changes what a deployment gets from them."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

OBS_ENV = {
    "SANDBOX_SENTRY_PUBLIC_KEY": "selftestsentrykey0123456789abcdef",
    "SANDBOX_SENTRY_AUTH_TOKEN": "sntrys_selftest_token",
    "SANDBOX_ALERTS_TOKEN": "xoxb-selftest-alerts",
    "SANDBOX_DEBUG_TOKEN": "selftest-debug-token",
}
SENTRY = "/_emulators/sentry"
EVENTS = f"{SENTRY}/api/0/projects/golive/sandbox-api/events/"
READ = {"Authorization": f"Bearer {OBS_ENV['SANDBOX_SENTRY_AUTH_TOKEN']}"}
ALERTS = "/_emulators/alerts"
WEBHOOK = f"{ALERTS}/slack/services/T0SANDBOX/B0ALERTS/xK4mP9qR2sT7vW1yZ3bC5dF8"
SLACK = {"Authorization": f"Bearer {OBS_ENV['SANDBOX_ALERTS_TOKEN']}"}


def envelope(event: dict) -> bytes:
    payload = json.dumps(event).encode()
    return b"\n".join([json.dumps({"event_id": event["event_id"]}).encode(),
                       json.dumps({"type": "event", "length": len(payload)}).encode(), payload])


def send(client, event: dict, key: str = OBS_ENV["SANDBOX_SENTRY_PUBLIC_KEY"]):
    return client.post(f"{SENTRY}/api/4507/envelope/", content=envelope(event),
                       headers={"X-Sentry-Auth": f"Sentry sentry_version=7, sentry_key={key}"})


def trigger_error(client, marker: str):
    return client.post("/internal/debug/error", headers={"X-Debug-Token": OBS_ENV["SANDBOX_DEBUG_TOKEN"]},
                       json={"marker": marker, "password": "pw-canary-1", "token": "tok-canary-2"})


def test_sentry_ingest_and_read_back(make_client):
    client = make_client(env=OBS_ENV)
    event = {"event_id": uuid.uuid4().hex, "level": "info", "message": {"formatted": "probe"}, "tags": {"t": "1"}}
    assert send(client, event).json() == {"id": event["event_id"]}
    assert send(client, event, key="wrong").status_code == 401
    stored = client.get(f"{EVENTS}{event['event_id']}/", headers=READ)
    assert stored.status_code == 200 and {"key": "t", "value": "1"} in stored.json()["tags"]
    assert client.get(f"{EVENTS}{event['event_id']}/").status_code == 401
    errors = client.get(EVENTS, params={"query": "level:[error,fatal]"}, headers=READ).json()
    assert errors and all({"key": "level", "value": "info"} not in e["tags"] for e in errors)


def test_fault_sentry_project_deleted(make_client):
    client = make_client("sentry_project_deleted", env=OBS_ENV)
    event = {"event_id": uuid.uuid4().hex, "message": "x"}
    assert send(client, event).status_code == 403
    assert client.get(EVENTS, headers=READ).status_code == 404
    assert trigger_error(client, "m").json()["event_id"] is None


def test_fault_sentry_fatal_burst_after_deploy(make_client):
    def fatal_count(client) -> int:
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
        return len(client.get(EVENTS, params={"start": since, "query": "level:fatal"}, headers=READ).json())

    assert fatal_count(make_client(env=OBS_ENV)) == 0
    assert fatal_count(make_client("sentry_fatal_burst_after_deploy", env=OBS_ENV)) >= 10


def test_app_test_error_is_scrubbed_and_token_protected(make_client):
    client = make_client(env=OBS_ENV)
    assert client.post("/internal/debug/error", json={}).status_code == 401
    answer = trigger_error(client, "healthy-marker")
    assert answer.status_code == 500
    stored = client.get(f"{EVENTS}{answer.json()['event_id']}/", headers=READ).text
    assert "healthy-marker" in stored and "[Filtered]" in stored
    assert "pw-canary-1" not in stored and "tok-canary-2" not in stored


def test_fault_error_events_unredacted(make_client):
    client = make_client("error_events_unredacted", env=OBS_ENV)
    stored = client.get(f"{EVENTS}{trigger_error(client, 'm').json()['event_id']}/", headers=READ).text
    assert "pw-canary-1" in stored and "tok-canary-2" in stored


def test_slack_webhook_and_history(make_client):
    client = make_client(env=OBS_ENV)
    assert client.post(WEBHOOK, json={"text": "hello alert"}).text == "ok"
    assert client.post(WEBHOOK, json={"text": ""}).status_code == 400
    history = client.get(f"{ALERTS}/slack/api/conversations.history", params={"channel": "C0ALERTS"}, headers=SLACK)
    assert history.json()["ok"] and history.json()["messages"][0]["text"] == "hello alert"
    assert client.get(f"{ALERTS}/slack/api/conversations.history", params={"channel": "C0ALERTS"}).json() == \
        {"ok": False, "error": "invalid_auth"}


def test_fault_alert_webhook_revoked(make_client):
    answer = make_client("alert_webhook_revoked", env=OBS_ENV).post(WEBHOOK, json={"text": "x"})
    assert (answer.status_code, answer.text) == (404, "no_service")


def test_fault_alert_email_subscription_missing(make_client):
    def delivered(client) -> tuple[set[str], int]:
        listed = client.get(f"{ALERTS}/topics/golive-alarms/subscriptions", headers=SLACK).json()["Subscriptions"]
        client.post(f"{ALERTS}/topics/golive-alarms/publish", headers=SLACK, json={"subject": "s", "message": "m"})
        return {s["Protocol"] for s in listed}, len(client.get(f"{ALERTS}/mail/inbox", headers=SLACK).json()["messages"])

    assert delivered(make_client(env=OBS_ENV)) == ({"email", "slack"}, 1)
    assert delivered(make_client("alert_email_subscription_missing", env=OBS_ENV)) == ({"slack"}, 0)


def test_fault_search_slow_without_index(make_client):
    def elapsed(client) -> float:
        started = time.perf_counter()
        assert client.get("/catalog/search", params={"q": "rice"}).json()["items"][0]["sku"] == "RICE-5KG"
        return time.perf_counter() - started

    assert elapsed(make_client(env=OBS_ENV)) < 0.3
    assert elapsed(make_client("search_slow_without_index", env=OBS_ENV)) >= 0.4


def test_fault_search_pool_exhausted_under_load(make_client):
    def statuses(client) -> list[int]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda _: client.get("/catalog/search").status_code, range(16)))

    assert set(statuses(make_client(env=OBS_ENV))) == {200}
    assert 503 in statuses(make_client("search_pool_exhausted_under_load", env=OBS_ENV))
