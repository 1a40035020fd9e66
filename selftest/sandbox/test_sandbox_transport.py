"""The sandbox's HTTPS and HTTP-redirect listeners, as a real process serves them."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def _bound() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


@pytest.fixture
def sandbox_with_tls(tmp_path, kit):
    api, tls, redirect = _bound(), _bound(), _bound()
    ports = [s.getsockname()[1] for s in (api, tls, redirect)]
    env = {**os.environ, **kit.env, "SANDBOX_STATE_DIR": str(tmp_path / "state")}
    with open(tmp_path / "stderr.log", "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--fd", str(api.fileno()), "--tls-fd", str(tls.fileno()),
             "--redirect-fd", str(redirect.fileno())],
            cwd=REPO, env=env, pass_fds=[s.fileno() for s in (api, tls, redirect)], stdout=subprocess.DEVNULL,
            stderr=stderr)
    for sock in (api, tls, redirect):
        sock.close()
    deadline = time.monotonic() + 20
    with httpx.Client(trust_env=False, timeout=1.0) as client:
        while True:
            assert proc.poll() is None, (tmp_path / "stderr.log").read_text()
            try:
                if client.get(f"http://127.0.0.1:{ports[0]}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "sandbox did not become live"
            time.sleep(0.05)  # poll interval, bounded by the deadline
    yield ports, tmp_path / "state"
    proc.terminate()
    assert proc.wait(timeout=15) == 0


def test_https_listener_serves_the_app_with_a_certificate_from_the_local_ca(sandbox_with_tls):
    (api, tls, _), state = sandbox_with_tls
    context = ssl.create_default_context(cafile=str(state / "tls" / "ca.pem"))
    with httpx.Client(trust_env=False, verify=context, timeout=5) as client:
        response = client.get(f"https://localhost:{tls}/health/live")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_plain_http_listener_redirects_permanently_to_https(sandbox_with_tls):
    (_, tls, redirect), _ = sandbox_with_tls
    with httpx.Client(trust_env=False, timeout=5) as client:
        response = client.get(f"http://localhost:{redirect}/admin/login?next=%2Fadmin%2F")
    assert response.status_code == 308
    assert response.headers["location"] == f"https://localhost:{tls}/admin/login?next=%2Fadmin%2F"


def test_state_dir_holds_a_git_repository(sandbox_with_tls):
    _, state = sandbox_with_tls
    log = subprocess.run(["git", "-C", str(state / "repo"), "log", "--oneline"], capture_output=True, text=True,
                         check=True).stdout
    assert len(log.splitlines()) >= 2


def test_redirect_listener_needs_a_tls_listener(tmp_path, kit):
    sock = _bound()
    completed = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--fd", str(sock.fileno()), "--redirect-fd", str(sock.fileno())],
        cwd=REPO, env={**os.environ, **kit.env}, pass_fds=[sock.fileno()], capture_output=True, text=True, timeout=30)
    sock.close()
    assert completed.returncode == 2 and "--redirect-fd needs --tls-fd" in completed.stderr
