"""Fixtures for the sandbox's own tests: in-process apps (TestClient) with chosen faults.

Tests get helpers through fixtures only (``kit``), never ``from conftest import ...``: a root
conftest.py exists too, and fixtures work under every pytest import mode.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sandbox.app import create_app
from sandbox.logs import JsonFormatter
from sandbox.settings import Settings

PORT = 8799  # what the in-process apps believe they serve on (no socket is opened)
API_BASE = f"http://127.0.0.1:{PORT}"
ADMIN_ORIGIN = f"http://localhost:{PORT}"
JWT_SECRET = "selftest-jwt-secret-0123456789abcdef-0123456789"
PASSWORDS = {"admin": "admin-selftest-pw", "manager": "manager-selftest-pw", "cashier": "cashier-selftest-pw"}
TEST_ENV: dict[str, str] = {
    "SANDBOX_JWT_SECRET": JWT_SECRET,
    **{f"SANDBOX_{role.upper()}_PASSWORD": pw for role, pw in PASSWORDS.items()},
    # many tests log in against one shared app; the rate-limit tests set their own limits
    "SANDBOX_LOGIN_RATE_LIMIT": "100000/minute",
    "SANDBOX_API_RATE_LIMIT": "100000/minute",
}

MakeClient = Callable[..., TestClient]


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """scrypt at production cost dominates in-process test time (apps seed 3 users each).
    Child processes keep the real cost; test_sandbox_passwords.py checks the default."""
    import sandbox.passwords

    production = sandbox.passwords.SCRYPT_N
    sandbox.passwords.SCRYPT_N = 2**8
    yield
    sandbox.passwords.SCRYPT_N = production


def make_settings(*faults: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Settings:
    merged = {**TEST_ENV, "SANDBOX_FAULTS": ",".join(faults), **(env or {})}
    for name in drop:
        merged.pop(name, None)
    return Settings.from_env(merged).with_port("127.0.0.1", PORT)


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """``make_client("fault_a", env={...})`` -> a started TestClient (lifespan ran)."""
    with ExitStack() as stack:

        def make(*faults: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> TestClient:
            app = create_app(make_settings(*faults, env=env, drop=drop))
            return stack.enter_context(TestClient(app, base_url=API_BASE))

        yield make


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """One healthy sandbox shared by the tests that only read from it (start-up costs ~0.15 s)."""
    with TestClient(create_app(make_settings()), base_url=API_BASE) as shared:
        yield shared


def login(client: TestClient, role: str) -> dict[str, Any]:
    response = client.post("/api/auth/login", json={"username": role, "password": PASSWORDS[role]})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Kit:
    """Constants and small helpers, handed to tests by the ``kit`` fixture."""

    port = PORT
    api_base = API_BASE
    admin_origin = ADMIN_ORIGIN
    jwt_secret = JWT_SECRET
    passwords = PASSWORDS
    env = TEST_ENV

    login = staticmethod(login)
    bearer = staticmethod(bearer)
    make_settings = staticmethod(make_settings)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit


class JsonLogCapture(logging.Handler):
    """Collects the sandbox's log lines exactly as they would be written to stderr."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def sandbox_logs() -> Iterator[JsonLogCapture]:
    logger = logging.getLogger("sandbox")
    handler = JsonLogCapture()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


REPO = Path(__file__).resolve().parents[2]


@dataclass
class SandboxProcess:
    """A real ``python -m sandbox serve --fd N`` child on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    port: int
    stderr_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_login_url(self) -> str:
        return f"http://localhost:{self.port}/admin/login"

    def wait_live(self, deadline_s: float = 20.0) -> httpx.Response:
        deadline = time.monotonic() + deadline_s
        # trust_env=False: an environment proxy must not sit between us and 127.0.0.1
        with httpx.Client(trust_env=False, timeout=1.0) as http:
            while True:
                assert self.proc.poll() is None, f"sandbox exited early with {self.proc.returncode}"
                try:
                    response = http.get(f"{self.base}/health/live")
                    if response.status_code == 200:
                        return response
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "sandbox did not become live in time"
                time.sleep(0.05)  # poll interval, bounded by the deadline

    def stop(self, timeout_s: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=5)


def spawn(tmp_path: Path, *faults: str, env: dict[str, str] | None = None, listen: bool = True) -> SandboxProcess:
    """Start a sandbox on an inherited socket, bound and (if ``listen``) listening; not waited for."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    if listen:
        listener.listen(64)
    port = listener.getsockname()[1]
    stderr_path = tmp_path / f"sandbox-{port}.stderr.log"
    child_env = {**os.environ, **TEST_ENV, "SANDBOX_FAULTS": ",".join(faults), **(env or {})}
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--fd", str(listener.fileno())],
            cwd=REPO, env=child_env, pass_fds=[listener.fileno()], stdout=subprocess.DEVNULL, stderr=stderr,
        )
    listener.close()  # the child holds its own copy
    return SandboxProcess(proc, port, stderr_path)


def _stop_all(children: list[SandboxProcess]) -> None:
    for child in children:  # signal all first: they shut down in parallel
        if child.proc.poll() is None:
            child.proc.send_signal(signal.SIGTERM)
    for child in children:
        child.stop()


@pytest.fixture
def spawn_sandbox(tmp_path: Path) -> Iterator[Callable[..., SandboxProcess]]:
    """``spawn_sandbox("fault", env={...})`` -> a started child (call ``wait_live()``)."""
    started: list[SandboxProcess] = []

    def start(*faults: str, env: dict[str, str] | None = None, listen: bool = True) -> SandboxProcess:
        child = spawn(tmp_path, *faults, env=env, listen=listen)
        started.append(child)
        return child

    yield start
    _stop_all(started)


@pytest.fixture(scope="module")
def spawn_module() -> Iterator[Callable[..., SandboxProcess]]:
    """Like spawn_sandbox, for module-scoped fixtures: ``spawn_module(directory, *faults)``."""
    started: list[SandboxProcess] = []

    def start(directory: Path, *faults: str, env: dict[str, str] | None = None) -> SandboxProcess:
        child = spawn(directory, *faults, env=env)
        started.append(child)
        return child

    yield start
    _stop_all(started)
