"""Structured JSON logs: one line per request, no secrets."""

from __future__ import annotations

import json


def _requests(lines: list[str]) -> list[dict]:
    entries = [json.loads(line) for line in lines]
    return [e for e in entries if e.get("msg") == "request"]


def test_one_json_line_per_request(client, sandbox_logs):
    client.get("/health/live", headers={"X-Request-ID": "log-test-1"})
    (entry,) = [e for e in _requests(sandbox_logs.lines) if e["request_id"] == "log-test-1"]
    assert entry["method"] == "GET" and entry["path"] == "/health/live" and entry["status"] == 200
    assert entry["level"] == "info"
    assert isinstance(entry["duration_ms"], float)
    assert entry["client"] == "testclient"
    assert entry["ts"].endswith("+00:00")


def test_no_passwords_or_tokens_in_logs(client, kit, sandbox_logs):
    tokens = kit.login(client, "admin")
    client.get("/api/me?access_token=" + tokens["access_token"], headers=kit.bearer(tokens["access_token"]))
    client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    client.post("/api/auth/login", json={"username": "admin", "password": "a-wrong-password"})
    text = "\n".join(sandbox_logs.lines)
    assert _requests(sandbox_logs.lines)
    for secret in (kit.passwords["admin"], "a-wrong-password", tokens["access_token"], tokens["refresh_token"],
                   "Bearer", kit.jwt_secret):
        assert secret not in text
    # the query string is not logged (it may carry tokens)
    assert any(e["path"] == "/api/me" for e in _requests(sandbox_logs.lines))


def test_startup_log_lists_faults(make_client, sandbox_logs):
    make_client("slow_health", "liveness_down")
    (started,) = [json.loads(line) for line in sandbox_logs.lines if '"sandbox started"' in line]
    assert started["faults"] == ["liveness_down", "slow_health"]
    assert started["database"] == "sqlite"
    assert started["port"] == 8799


def test_unhandled_error_logs_class_only(make_client, kit, sandbox_logs):
    client = make_client("database_unreachable")
    response = client.post("/api/auth/login", json={"username": "admin", "password": kit.passwords["admin"]})
    assert response.status_code == 500
    errors = [json.loads(line) for line in sandbox_logs.lines if '"unhandled error"' in line]
    assert errors and errors[0]["error"] == "OperationalError"
    assert errors[0]["request_id"] == response.headers["x-request-id"]
    assert "SELECT" not in "\n".join(sandbox_logs.lines)


def _writes(lines: list[str]) -> list[dict]:
    return [entry for entry in map(json.loads, lines) if entry.get("msg") == "write"]


def test_write_journal_records_business_changes_but_not_sessions(client, kit, sandbox_logs):
    tokens = kit.login(client, "manager")
    client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert _writes(sandbox_logs.lines) == [], "logging in and rotating tokens change no business data"
    answer = client.patch("/api/me", json={"display_name": "Journal Test"}, headers=kit.bearer(tokens["access_token"]))
    assert answer.status_code == 200
    assert [(w["table"], w["action"]) for w in _writes(sandbox_logs.lines)] == [("user_profiles", "insert")]
