"""One test per fault, proving the behaviour change; plus the catalog's own invariants.

Every fault in the catalog must have a ``test_fault_<name>`` here (enforced below).
"""

from __future__ import annotations

import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import fastapi
import pytest
import uvicorn

from sandbox.faults import CATALOG, ActiveFaults, UnknownFaultError

CHECK_ID = re.compile(r"^[A-Z]{2,4}-[A-Z0-9]+-\d{3}$")
FRAGILE = ("content-security-policy", "x-content-type-options", "x-frame-options", "strict-transport-security")


# --- the catalog ---------------------------------------------------------------------------

def test_every_fault_has_a_test_here():
    module = sys.modules[__name__]
    missing = [name for name in CATALOG if not hasattr(module, f"test_fault_{name}")]
    assert not missing, f"faults without a behaviour test: {missing}"


def test_catalog_entries_are_well_formed():
    required = {
        "liveness_down", "database_unreachable", "readiness_skips_db", "slow_health",
        "security_headers_missing", "server_version_disclosed", "cors_reflects_any_origin",
        "cors_allows_null", "cors_suffix_match", "cors_vary_missing", "login_broken_for_role",
        "protected_endpoint_open", "admin_page_script_error", "admin_origin_not_allowed",
    }
    assert required <= set(CATALOG)
    for fault in CATALOG.values():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fault.name)
        assert fault.description and fault.checks
        assert all(CHECK_ID.match(check) for check in fault.checks), fault


def test_unknown_fault_names_are_refused():
    with pytest.raises(UnknownFaultError, match="Known faults: .*liveness_down"):
        ActiveFaults.parse("liveness_down,no_such_fault")


def test_asking_for_an_unregistered_fault_is_a_bug():
    with pytest.raises(KeyError):
        ActiveFaults().active("typo_in_fault_name")


def test_faults_combine(make_client):
    client = make_client("liveness_down", "server_version_disclosed")
    response = client.get("/health/live")
    assert response.status_code == 503
    assert response.headers["server"].startswith("uvicorn/")


# --- infrastructure / health -----------------------------------------------------------------

def test_fault_liveness_down(make_client):
    client = make_client("liveness_down")
    for path in ("/health/live", "/api/health"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json() == {"status": "down"}


def test_fault_database_unreachable(make_client, kit):
    client = make_client("database_unreachable")
    assert client.get("/health/live").status_code == 200  # the process itself is alive
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {"ready": False, "checks": {"db": False, "env": True}}
    for path in ("/health/db", "/api/health/db"):
        db = client.get(path)
        assert db.status_code == 503
        assert db.json() == {"status": "error", "error": "OperationalError"}
    login = client.post("/api/auth/login", json={"username": "admin", "password": kit.passwords["admin"]})
    assert login.status_code == 500
    assert login.json() == {"detail": "Internal Server Error"}


def test_fault_readiness_skips_db(make_client):
    client = make_client("readiness_skips_db")
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"env": True}}
    # it says ready even when the database is gone: that is the defect
    broken = make_client("readiness_skips_db", "database_unreachable")
    assert broken.get("/health/ready").status_code == 200
    assert broken.get("/health/db").status_code == 503


def test_fault_slow_health(make_client):
    client = make_client("slow_health")

    def timed(path: str) -> tuple[int, float]:
        started = time.perf_counter()
        status = client.get(path).status_code
        return status, time.perf_counter() - started

    # concurrently, so the test costs ~1.2 s rather than 3.6 s
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(timed, ["/health/live", "/health/ready", "/health/db"]))
    for status, seconds in results:
        assert status == 200
        assert 1.1 <= seconds < 5, results


def test_healthy_health_is_fast(client):
    started = time.perf_counter()
    for path in ("/health/live", "/health/ready", "/health/db"):
        client.get(path)
    assert time.perf_counter() - started < 1.0


# --- security headers ------------------------------------------------------------------------

def test_fault_security_headers_missing(make_client):
    client = make_client("security_headers_missing")
    for path in ("/health/live", "/admin/login", "/api/me"):
        headers = client.get(path).headers
        for name in FRAGILE:
            assert name not in headers, (path, name)
        assert headers["referrer-policy"] == "no-referrer"  # only the four go missing


def test_fault_server_version_disclosed(make_client):
    client = make_client("server_version_disclosed")
    for path in ("/health/live", "/nope", "/api/me"):
        headers = client.get(path).headers
        assert headers["server"] == f"uvicorn/{uvicorn.__version__}"
        assert headers["x-powered-by"] == f"FastAPI/{fastapi.__version__}"
    assert uvicorn.__version__ == "0.54.0" and fastapi.__version__ == "0.163.2"


# --- CORS ------------------------------------------------------------------------------------

def _acao(client, origin: str) -> tuple[str | None, str | None]:
    headers = client.get("/health/live", headers={"Origin": origin}).headers
    return headers.get("access-control-allow-origin"), headers.get("access-control-allow-credentials")


def test_fault_cors_reflects_any_origin(make_client):
    client = make_client("cors_reflects_any_origin")
    for origin in ("https://evil.example", "null", "https://admin.sandbox.test.evil.example",
                   "https://evil-admin.sandbox.test"):
        assert _acao(client, origin) == (origin, "true")
    preflight = client.options("/api/me", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "GET"})
    assert preflight.headers["access-control-allow-origin"] == "https://evil.example"


def test_fault_cors_allows_null(make_client):
    client = make_client("cors_allows_null")
    assert _acao(client, "null") == ("null", "true")
    assert _acao(client, "https://evil.example") == (None, None)


def test_fault_cors_suffix_match(make_client):
    client = make_client("cors_suffix_match")
    suffix_trick = "https://admin.sandbox.test.evil.example"
    assert _acao(client, suffix_trick) == (suffix_trick, "true")
    assert _acao(client, "https://evil-admin.sandbox.test") == ("https://evil-admin.sandbox.test", "true")
    assert _acao(client, "https://evil.example") == (None, None)
    assert _acao(client, "null") == (None, None)


def test_fault_cors_vary_missing(make_client):
    client = make_client("cors_vary_missing")
    response = client.get("/health/live", headers={"Origin": "https://admin.sandbox.test"})
    assert response.headers["access-control-allow-origin"] == "https://admin.sandbox.test"
    assert "origin" not in response.headers.get("vary", "").lower()
    preflight = client.options("/api/me", headers={"Origin": "https://admin.sandbox.test",
                                                   "Access-Control-Request-Method": "GET"})
    assert "origin" not in preflight.headers.get("vary", "").lower()


# --- authentication / authorisation -------------------------------------------------------

def test_fault_login_broken_for_role(make_client, kit):
    client = make_client("login_broken_for_role")
    manager = client.post("/api/auth/login", json={"username": "manager", "password": kit.passwords["manager"]})
    assert manager.status_code == 500
    assert manager.json() == {"detail": "Internal Server Error"}
    wrong = client.post("/api/auth/login", json={"username": "manager", "password": "wrong"})
    assert wrong.status_code == 401
    for role in ("admin", "cashier"):
        kit.login(client, role)


def test_fault_protected_endpoint_open(make_client):
    client = make_client("protected_endpoint_open")
    response = client.get("/api/admin/users")
    assert response.status_code == 200
    assert {u["username"] for u in response.json()} == {"admin", "manager", "cashier"}
    assert client.get("/api/me").status_code == 401  # only that route lost its guard


# --- browser (the real console error is proven in test_sandbox_browser.py) -----------------

def test_fault_admin_page_script_error(make_client, client):
    broken = make_client("admin_page_script_error")
    assert 'id="session-expiry"' in client.get("/admin/").text
    page = broken.get("/admin/")
    assert page.status_code == 200
    assert 'id="whoami"' in page.text
    assert 'id="session-expiry"' not in page.text  # the script writes into it unguarded


def test_fault_admin_origin_not_allowed(make_client, kit):
    client = make_client("admin_origin_not_allowed")
    preflight = client.options("/api/auth/login", headers={"Origin": kit.admin_origin,
                                                           "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert _acao(client, kit.admin_origin) == (None, None)
    assert _acao(client, "https://admin.sandbox.test") == ("https://admin.sandbox.test", "true")
