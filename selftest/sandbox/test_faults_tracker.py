"""The WhatsApp tracker flavor (sandbox/tracker/) and its faults, in-process.

Signatures are computed here with hmac (the sandbox verifies Razorpay with the razorpay SDK), so a
shared bug cannot make both sides agree.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

APP_SECRET = "selftest-tracker-app-secret"
VERIFY_TOKEN = "selftest-tracker-verify-token"
RAZORPAY_SECRET = "selftest-tracker-razorpay-secret"
SHARE_SECRET = "selftest-tracker-share-secret"
INTERNAL = "selftest-tracker-internal-token"
REMINDER = "selftest-tracker-reminder-token"
SERVICE_KEY = "selftest-supabase-service-role"
ANON_KEY = "selftest-supabase-anon"
TRACKER_ENV = {
    "SANDBOX_FLAVOR": "whatsapp_tracker",
    "SANDBOX_WHATSAPP_APP_SECRET": APP_SECRET,
    "SANDBOX_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
    "SANDBOX_RAZORPAY_WEBHOOK_SECRET": RAZORPAY_SECRET,
    "SANDBOX_TRACKER_SHARE_SECRET": SHARE_SECRET,
    "SANDBOX_TRACKER_INTERNAL_REPORT_TOKEN": INTERNAL,
    "SANDBOX_TRACKER_REMINDER_TOKEN": REMINDER,
    "SANDBOX_SUPABASE_SERVICE_ROLE": SERVICE_KEY,
    "SANDBOX_SUPABASE_ANON_KEY": ANON_KEY,
}


@pytest.fixture
def tracker_app(make_client):
    """``tracker_app("fault", ...)`` -> a TestClient of the tracker flavor."""

    def make(*faults: str) -> TestClient:
        return make_client(*faults, env=TRACKER_ENV)

    return make


def new_phone() -> str:
    return "+91999" + "".join(str(secrets.randbelow(10)) for _ in range(7))


def say(client: TestClient, phone: str, text: str, *, signature: str | None = None) -> list[str]:
    """Deliver a text from ``phone`` (signed unless ``signature`` is given); the replies since."""
    before = outbox(client, phone)
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {
        "contacts": [{"profile": {"name": "Selftest"}}],
        "messages": [{"from": phone.lstrip("+"), "id": f"wamid.{secrets.token_hex(8)}", "type": "text",
                      "text": {"body": text}}]}}]}]}).encode()
    if signature is None:
        signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", **({"X-Hub-Signature-256": signature} if signature else {})}
    response = client.post("/webhook", content=body, headers=headers)
    assert response.status_code in (200, 401), response.text
    return outbox(client, phone)[len(before):]


def outbox(client: TestClient, phone: str) -> list[str]:
    response = client.get("/internal/outbox", params={"to": phone}, headers={"X-Internal-Token": INTERNAL})
    assert response.status_code == 200
    return [message["text"]["body"] for message in response.json()["data"]]


def link(client: TestClient, phone: str) -> str:
    response = client.get("/internal/tracker-link", params={"subject": phone}, headers={"X-Internal-Token": INTERNAL})
    assert response.status_code == 200
    return response.json()["url"]


def family(client: TestClient) -> tuple[str, str]:
    phone = new_phone()
    assert say(client, phone, "setup")
    return phone, link(client, phone)


def month() -> str:
    return f"{datetime.now(UTC).date():%Y-%m}"


def unsigned_link(phone: str) -> str:
    claims = json.dumps({"sub": phone, "exp": int(time.time()) + 600}, separators=(",", ":")).encode()
    return "/mytracker/" + base64.urlsafe_b64encode(claims).rstrip(b"=").decode()


def test_healthy_tracker_flow(tracker_app):
    client = tracker_app()
    assert client.get("/health/ready").json()["ready"] is True
    handshake = client.get("/webhook", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                               "hub.challenge": "4242"})
    assert handshake.text == "4242"
    assert client.get("/webhook", params={"hub.mode": "subscribe", "hub.verify_token": "x",
                                          "hub.challenge": "4242"}).status_code == 403
    phone, url = family(client)
    assert say(client, phone, "attended 1,2") and say(client, phone, "streak")
    assert client.get(url, params={"month": month()}).json()["days"]
    assert client.get(unsigned_link(phone)).status_code == 403
    assert client.delete(f"{url}/data").status_code == 204
    assert client.get(f"{url}/export").status_code == 404


def test_fault_tracker_webhook_unsigned_accepted(tracker_app):
    phone = new_phone()
    assert say(tracker_app(), phone, "setup", signature="") == []
    assert say(tracker_app("tracker_webhook_unsigned_accepted"), phone, "setup", signature="")


def test_fault_tracker_share_link_unsigned(tracker_app):
    for faults, expected in (((), 403), (("tracker_share_link_unsigned",), 200)):
        client = tracker_app(*faults)
        phone, _ = family(client)
        assert client.get(unsigned_link(phone)).status_code == expected


def test_fault_tracker_phone_not_e164(tracker_app):
    body = {"name": "Asha", "phone": "9876543210"}
    assert tracker_app().post("/api/onboarding/validate", json=body).status_code == 422
    assert tracker_app("tracker_phone_not_e164").post("/api/onboarding/validate", json=body).status_code == 200


def test_fault_tracker_internal_report_open(tracker_app):
    assert tracker_app().get("/internal/report", params={"phone": "+919800000001"}).status_code == 401
    opened = tracker_app("tracker_internal_report_open").get("/internal/report", params={"phone": "+919800000001"})
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF-")


def test_fault_tracker_reminder_token_ignored(tracker_app):
    wrong = {"X-Reminder-Token": "wrong"}
    assert tracker_app().post("/internal/reminders/run", headers=wrong).status_code == 401
    assert tracker_app("tracker_reminder_token_ignored").post("/internal/reminders/run", headers=wrong).status_code == 200


def test_fault_tracker_voice_notes_migration_missing(tracker_app):
    headers = {"apikey": SERVICE_KEY}
    assert "voice_notes" in tracker_app().get("/rest/v1/", headers=headers).json()["definitions"]
    broken = tracker_app("tracker_voice_notes_migration_missing").get("/rest/v1/", headers=headers).json()
    assert "voice_notes" not in broken["definitions"] and "users" in broken["definitions"]


def test_fault_tracker_rls_not_enabled(tracker_app):
    anon = {"apikey": ANON_KEY}
    healthy = tracker_app()
    assert healthy.get("/rest/v1/users", headers={"apikey": SERVICE_KEY}).json()
    assert healthy.get("/rest/v1/users", headers=anon).json() == []
    assert healthy.post("/rest/v1/users", json={}, headers=anon).status_code == 401
    broken = tracker_app("tracker_rls_not_enabled")
    assert broken.get("/rest/v1/users", headers=anon).json()
    assert broken.post("/rest/v1/users", json={}, headers=anon).status_code == 201


def voice_replies(client: TestClient, phone: str) -> list[str]:
    body = json.dumps({"entry": [{"changes": [{"value": {"messages": [
        {"from": phone.lstrip("+"), "id": f"wamid.{secrets.token_hex(8)}", "type": "audio", "audio": {"id": "m1"}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    client.post("/webhook", content=body, headers={"X-Hub-Signature-256": signature})
    return outbox(client, phone)


def test_fault_tracker_voice_note_dropped(tracker_app):
    assert voice_replies(tracker_app(), new_phone())
    assert voice_replies(tracker_app("tracker_voice_note_dropped"), new_phone()) == []


def test_fault_tracker_bulk_logs_first_day_only(tracker_app):
    for faults, days in (((), 3), (("tracker_bulk_logs_first_day_only",), 1)):
        client = tracker_app(*faults)
        phone, url = family(client)
        say(client, phone, "missed 1,2,3")
        assert len(client.get(url, params={"month": month()}).json()["days"]) == days


def test_fault_tracker_web_save_not_persisted(tracker_app):
    day = f"{month()}-01"
    for faults, saved in (((), {day: "attended"}), (("tracker_web_save_not_persisted",), {})):
        client = tracker_app(*faults)
        _, url = family(client)
        assert client.post(f"{url}/save", json={"day": day, "status": "attended"}).status_code == 200
        assert client.get(url, params={"month": month()}).json()["days"] == saved


def test_fault_tracker_reset_month_keeps_web_days(tracker_app):
    day = f"{month()}-01"
    for faults, left in (((), {}), (("tracker_reset_month_keeps_web_days",), {day: "missed"})):
        client = tracker_app(*faults)
        phone, url = family(client)
        client.post(f"{url}/save", json={"day": day, "status": "missed"})
        say(client, phone, "reset_month")
        assert client.get(url, params={"month": month()}).json()["days"] == left


def test_fault_tracker_weekly_digest_not_sent(tracker_app):
    for faults, sent in (((), True), (("tracker_weekly_digest_not_sent",), False)):
        client = tracker_app(*faults)
        phone, _ = family(client)
        before = len(outbox(client, phone))
        run = client.post("/internal/reminders/run", params={"kind": "weekly_digest", "phone": phone},
                          headers={"X-Reminder-Token": REMINDER})
        assert run.status_code == 200
        assert (len(outbox(client, phone)) > before) is sent


def test_fault_tracker_reject_invite_grants_access(tracker_app):
    for faults, status in (((), "rejected"), (("tracker_reject_invite_grants_access",), "accepted")):
        client = tracker_app(*faults)
        phone, url = family(client)
        therapist = new_phone()
        say(client, phone, f"invite_therapist {therapist}")
        say(client, therapist, "reject_invite")
        assert [m["status"] for m in client.get(f"{url}/export").json()["members"]] == [status]


def test_fault_tracker_pro_link_wrong_amount(tracker_app):
    for faults, rupees in (((), "Rs 499"), (("tracker_pro_link_wrong_amount",), "Rs 199")):
        client = tracker_app(*faults)
        phone, _ = family(client)
        assert rupees in say(client, phone, "go_pro_499")[0]


def test_fault_tracker_payment_webhook_ignored(tracker_app):
    for faults, state in (((), "paid"), (("tracker_payment_webhook_ignored",), "created")):
        client = tracker_app(*faults)
        phone, _ = family(client)
        link_id = say(client, phone, "go_pro_199")[0].split("(payment ")[1].rstrip(")")
        body = json.dumps({"event": "payment_link.paid", "payload": {"payment_link": {"entity": {"id": link_id}}}}).encode()
        signature = hmac.new(RAZORPAY_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert client.post("/razorpay/webhook", content=body, headers={"X-Razorpay-Signature": signature}).status_code == 200
        assert client.post("/razorpay/webhook", content=body, headers={"X-Razorpay-Signature": "0" * 64}).status_code == 400
        assert say(client, phone, "payment_status")[0].endswith(f"{state}.")


def test_fault_tracker_delete_keeps_attendance(tracker_app):
    for faults, left in (((), 0), (("tracker_delete_keeps_attendance",), 1)):
        client = tracker_app(*faults)
        phone, url = family(client)
        say(client, phone, "attended")
        assert client.delete(f"{url}/data").status_code == 204
        assert len(client.get(url, params={"month": month()}).json()["days"]) == left


def statuses_until_429(send, limit: int) -> list[int]:
    statuses = []
    for _ in range(limit + 1):
        statuses.append(send())
        if statuses[-1] == 429:
            break
    return statuses


def test_fault_tracker_webhook_rate_limit_missing(tracker_app):
    for faults, throttled in (((), True), (("tracker_webhook_rate_limit_missing",), False)):
        client = tracker_app(*faults)
        phone = new_phone()

        def send() -> int:
            body = json.dumps({"entry": [{"changes": [{"value": {"messages": [
                {"from": phone.lstrip("+"), "id": f"wamid.{secrets.token_hex(8)}", "type": "text",
                 "text": {"body": "streak"}}]}}]}]}).encode()
            signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            return client.post("/webhook", content=body, headers={"X-Hub-Signature-256": signature}).status_code

        assert (statuses_until_429(send, 120)[-1] == 429) is throttled


def test_fault_tracker_razorpay_rate_limit_missing(tracker_app):
    for faults, throttled in (((), True), (("tracker_razorpay_rate_limit_missing",), False)):
        client = tracker_app(*faults)
        statuses = statuses_until_429(
            lambda: client.post("/razorpay/webhook", content=b"{}", headers={"X-Razorpay-Signature": "0"}).status_code, 60)
        assert (statuses[-1] == 429) is throttled and set(statuses[:-1]) == {400}


def test_fault_tracker_write_rate_limit_missing(tracker_app):
    for faults, throttled in (((), True), (("tracker_write_rate_limit_missing",), False)):
        client = tracker_app(*faults)
        _, url = family(client)
        statuses = statuses_until_429(
            lambda: client.post(f"{url}/save", json={"day": f"{month()}-01", "status": "attended"}).status_code, 90)
        assert (statuses[-1] == 429) is throttled


def test_fault_request_id_missing_on_errors(tracker_app):
    for faults, echoed in (((), "golive-selftest-1"), (("request_id_missing_on_errors",), None)):
        client = tracker_app(*faults)
        refused = client.post("/webhook", content=b"{}", headers={"X-Request-ID": "golive-selftest-1"})
        assert refused.status_code == 401 and refused.headers.get("x-request-id") == echoed
        assert client.get("/health/live", headers={"X-Request-ID": "golive-selftest-1"}).headers["x-request-id"] == (
            "golive-selftest-1")


def test_fault_tracker_verify_token_prefix_match(tracker_app):
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "77"}
    assert tracker_app().get("/webhook", params=params).status_code == 403
    assert tracker_app("tracker_verify_token_prefix_match").get("/webhook", params=params).text == "77"


def test_fault_tracker_theme_not_saved(tracker_app):
    for faults, theme in (((), "ocean"), (("tracker_theme_not_saved",), "sunrise")):
        client = tracker_app(*faults)
        phone, url = family(client)
        assert say(client, phone, "theme:ocean") == ["Theme set to ocean."]
        assert client.get(url).json()["theme"] == theme


def test_fault_tracker_streak_skips_today(tracker_app):
    for faults, days in (((), "1"), (("tracker_streak_skips_today",), "0")):
        client = tracker_app(*faults)
        phone, _ = family(client)
        say(client, phone, "attended")
        assert say(client, phone, "streak") == [f"Current streak: {days} days."]


def test_fault_tracker_setup_drops_plus(tracker_app):
    for faults, found in (((), 200), (("tracker_setup_drops_plus",), 404)):
        client = tracker_app(*faults)
        phone, url = family(client)
        assert client.get(f"{url}/export").status_code == found
