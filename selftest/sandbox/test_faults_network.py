"""CDN cache rules, read-replica lag and security-group faults (consolidated and RealServ flavors)."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from sandbox.app import create_app
from sandbox.routes.cdn_edge import MAIN_BUNDLE_NAME
from sandbox.settings import Settings

# one account (its password variable is set by the test env): readiness needs SANDBOX_USERS
CONSOLIDATED = {"SANDBOX_FLAVOR": "consolidated", "SANDBOX_USERS": "admin@network.test:admin:SANDBOX_ADMIN_PASSWORD"}
ASSET = f"/_edge/static/js/{MAIN_BUNDLE_NAME}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def realserv_env(db_port: int, redis_port: int) -> dict[str, str]:
    return {"SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "network-selftest",
            "SANDBOX_FIREBASE_API_KEY": "network-selftest-key", "SANDBOX_USERS": "",
            "SANDBOX_DB_PUBLIC_PORT": str(db_port), "SANDBOX_REDIS_PUBLIC_PORT": str(redis_port)}


def test_consolidated_cdn_serves_the_fingerprinted_bundle_for_a_year(make_client) -> None:
    client = make_client(env=CONSOLIDATED)
    first, second = client.get(ASSET), client.get(ASSET)
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/javascript")
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "cloudfront" in first.headers["via"].lower()
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("Miss from cloudfront", "Hit from cloudfront")
    assert client.get("/_edge/static/js/main.00000000.js").status_code == 404


def test_consolidated_html_and_api_are_not_cacheable(make_client) -> None:
    client = make_client(env=CONSOLIDATED)
    assert client.get("/").headers["cache-control"] == "no-cache"
    assert client.get("/api/health").headers["cache-control"] == "no-store"
    assert client.get("/api/me").headers["cache-control"] == "no-store"


def test_fault_cdn_caches_api_responses(make_client) -> None:
    client = make_client("cdn_caches_api_responses", env=CONSOLIDATED)
    for path in ("/api/health", "/api/me"):
        assert client.get(path).headers["cache-control"] == "public, max-age=3600"


def test_fault_cdn_assets_short_lived(make_client) -> None:
    response = make_client("cdn_assets_short_lived", env=CONSOLIDATED).get(ASSET)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"


def test_consolidated_readiness_reports_a_small_replica_lag(make_client) -> None:
    checks = make_client(env=CONSOLIDATED).get("/health/ready").json()["checks"]
    assert 0 <= checks["db_replica_lag_s"] < 5
    assert checks["db"] is True  # the lag is reported next to the primary's check, not instead of it


def test_replica_lag_is_only_reported_where_there_is_a_replica(make_client) -> None:
    assert "db_replica_lag_s" not in make_client().get("/health/ready").json()["checks"]


def test_fault_replica_lag_high(make_client) -> None:
    response = make_client("replica_lag_high", env=CONSOLIDATED).get("/health/ready")
    assert response.json()["checks"]["db_replica_lag_s"] == 420.0
    assert response.status_code == 200  # the primary is fine: only the limit check can catch it


def test_realserv_keeps_the_database_and_redis_stand_in_ports_closed(make_client) -> None:
    db_port, redis_port = _free_port(), _free_port()
    make_client(env=realserv_env(db_port, redis_port))
    assert not _accepts(db_port) and not _accepts(redis_port)


def test_fault_database_port_public() -> None:
    """The exposed port accepts connections as long as the app runs, and is closed again after."""
    db_port, redis_port = _free_port(), _free_port()
    settings = Settings.from_env({**realserv_env(db_port, redis_port), "SANDBOX_FAULTS": "database_port_public"})
    with TestClient(create_app(settings)):
        assert _accepts(db_port)
        assert not _accepts(redis_port)
    assert not _accepts(db_port)


def test_fault_redis_port_public(make_client) -> None:
    redis_port = _free_port()
    db_port = _free_port()
    make_client("redis_port_public", env=realserv_env(db_port, redis_port))
    assert _accepts(redis_port)
    assert not _accepts(db_port)
