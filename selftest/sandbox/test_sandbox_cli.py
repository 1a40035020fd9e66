"""The process contract: ``python -m sandbox faults``, config errors, ``serve --fd`` for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from sandbox.faults import CATALOG

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        check=False, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=30,
    )


def test_faults_json_is_the_stable_interface():
    result = _run("faults", "--json")
    assert result.returncode == 0, result.stderr
    faults = json.loads(result.stdout)
    assert {f["name"] for f in faults} == set(CATALOG)
    for fault in faults:
        # env is optional (the golive env whose flavor has the defect), absent means "local";
        # args is optional (golive arguments the fault needs to show, e.g. an observation window);
        # env_borne is optional (the env itself carries the defect)
        assert set(fault) - {"env", "env_borne", "args"} == {"name", "description", "checks"}
        assert fault.get("env", "local") != "local" or "env" not in fault
        assert fault.get("args", ["--any"]) and all(isinstance(a, str) for a in fault.get("args", []))
        assert isinstance(fault["checks"], list) and fault["checks"]
    by_name = {f["name"]: f for f in faults}
    assert by_name["cors_reflects_any_origin"]["checks"] == ["SEC-CORS-002", "SEC-CORS-003", "SEC-CORS-004"]
    assert by_name["jwt_key_confusion_accepted"]["env"] == "realserv-local"
    assert by_name["liveness_flaps"]["args"] == ["--observe", "20s", "--every", "2s"]


def test_faults_table():
    result = _run("faults")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == ["FAULT", "CHECKS", "DESCRIPTION"]
    for name in CATALOG:
        assert name in result.stdout


def test_unknown_fault_exits_2_listing_known_faults():
    result = _run("serve", "--port", "0", env={"SANDBOX_FAULTS": "liveness_down,not_a_fault"})
    assert result.returncode == 2
    assert "not_a_fault" in result.stderr
    assert "liveness_down" in result.stderr and "cors_vary_missing" in result.stderr


def test_unknown_flavor_and_bad_rate_exit_2():
    assert _run("serve", "--port", "0", env={"SANDBOX_FLAVOR": "bakery"}).returncode == 2
    assert _run("serve", "--port", "0", env={"SANDBOX_API_RATE_LIMIT": "lots"}).returncode == 2


def test_serve_on_inherited_fd(spawn_sandbox, kit):
    # bound but not listening, as golive hands it over (the browser tests use a listening one)
    child = spawn_sandbox(listen=False)
    base, port = child.base, child.port
    with httpx.Client(trust_env=False, timeout=5.0) as http:
        live = child.wait_live()
        assert live.json()["status"] == "ok"
        assert "server" not in live.headers  # server_header=False for real
        ready = http.get(f"{base}/health/ready").json()
        assert ready["ready"] is True and ready["checks"]["db"] is True and ready["checks"]["env"] is True
        login = http.post(f"{base}/api/auth/login", json={"username": "cashier", "password": kit.passwords["cashier"]})
        assert login.status_code == 200
        # it learned its own port from the socket: the admin page points at it
        assert f'content="{base}"' in http.get(f"http://localhost:{port}/admin/login").text
        preflight = http.options(f"{base}/api/me", headers={"Origin": f"http://localhost:{port}",
                                                              "Access-Control-Request-Method": "GET"})
        assert preflight.headers["access-control-allow-origin"] == f"http://localhost:{port}"
        # X-Forwarded-For is not trusted
        http.get(f"{base}/health/live", headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "xff-test"})
    assert child.stop() == 0  # SIGTERM: graceful shutdown, clean exit
    log_text = child.stderr_path.read_text()
    entries = [json.loads(line) for line in log_text.splitlines() if line.strip()]  # every line is JSON
    assert any(e["msg"] == "sandbox started" and e["port"] == port for e in entries)
    assert any(e["msg"] == "sandbox stopped" for e in entries)
    (xff,) = [e for e in entries if e.get("request_id") == "xff-test"]
    assert xff["client"] == "127.0.0.1"
    assert kit.passwords["cashier"] not in log_text
