"""Health endpoints of the healthy sandbox."""

from __future__ import annotations


def test_liveness_ok_without_database(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    # the release the build was stamped with (none here: an unstamped dev build), nothing else
    assert response.json() == {"status": "ok", "version": "0.0.0-dev", "commit": "unknown"}


def test_readiness_runs_db_and_env_checks(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"].pop("env_groups")["JWT"] is True  # which variable groups are set (sandbox/env_groups.py)
    assert body == {"ready": True, "checks": {"db": True, "env": True}}


def test_readiness_reports_missing_env(make_client):
    client = make_client(drop=("SANDBOX_MANAGER_PASSWORD",))
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    body["checks"].pop("env_groups")
    assert body == {"ready": False, "checks": {"db": True, "env": False}}


def test_missing_jwt_secret_still_serves_but_is_not_ready(make_client):
    client = make_client(drop=("SANDBOX_JWT_SECRET",))
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").json()["checks"]["env"] is False


def test_db_ping_reports_latency(client):
    response = client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert isinstance(body["latency_ms"], float) and body["latency_ms"] >= 0


def test_node_style_aliases(client):
    health = client.get("/api/health")
    assert health.status_code == 200
    # the release identity only: no server software or framework version
    assert health.json() == {"status": "ok", "version": "0.0.0-dev", "commit": "unknown"}
    db = client.get("/api/health/db")
    assert db.status_code == 200
    assert db.json()["status"] == "ok"


def test_no_api_docs_published(client):
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404
