"""Start and stop the bundled sandbox as a separate process (golive never imports it)."""

from __future__ import annotations

import os
import signal
import socket
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

START_TIMEOUT_S = 30.0
FRONTEND_APPS = ("shop", "pos", "web")


class SandboxError(Exception):
    pass


class SandboxProcess:
    """``python -m sandbox serve`` on a port the OS picked, logging to ``log_path``."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, cwd: Path) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        # HTTPS and the plain-HTTP redirect to it; the CA and a git repository go into state_dir
        self.tls_port = 0
        self.redirect_port = 0
        self.state_dir: Path | None = None
        # free ports nothing listens on: stand-ins for a database and Redis that a public host must
        # keep closed (SEC-NET-001); a security-group fault makes the sandbox open one
        self.db_public_port = 0
        self.redis_public_port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_url(self) -> str:
        # Another origin than the API on purpose: the admin page's calls really exercise CORS.
        return f"http://localhost:{self.port}"

    def exported_env(self) -> dict[str, str]:
        """What the profile reads about this sandbox (xdist workers inherit it via os.environ)."""
        assert self.state_dir is not None
        return {
            "SANDBOX_URL": self.url,
            # host:port alone, for URLs with credentials in front of the host (a Sentry DSN)
            "SANDBOX_HOSTPORT": f"127.0.0.1:{self.port}",
            "SANDBOX_ADMIN_URL": self.admin_url,
            # the front-end apps' own origins (web shop, POS, a web app): Chromium resolves *.localhost
            # to the loopback address, so each is an origin apart from the API and the admin page
            **{f"SANDBOX_{app.upper()}_URL": f"http://{app}.localhost:{self.port}" for app in FRONTEND_APPS},
            # the certificate names localhost (and 127.0.0.1): the host name is part of the check
            "SANDBOX_TLS_URL": f"https://localhost:{self.tls_port}",
            "SANDBOX_TLS_PORT": str(self.tls_port),  # the local stand-in for a public host's 443
            "SANDBOX_HTTP_REDIRECT_URL": f"http://localhost:{self.redirect_port}",
            "SANDBOX_TLS_CA_FILE": str(self.state_dir / "tls" / "ca.pem"),
            "SANDBOX_REPO_DIR": str(self.state_dir / "repo"),
            **self._public_port_env(),
        }

    def _public_port_env(self) -> dict[str, str]:
        return {"SANDBOX_DB_PUBLIC_PORT": str(self.db_public_port),
                "SANDBOX_REDIS_PUBLIC_PORT": str(self.redis_public_port)}

    def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        self.launch()
        self.wait_until_serving(timeout_s)

    def launch(self) -> None:
        """Bind the ports and start the process, without waiting: its URLs are known at once, and
        the run collects its checks while the sandbox imports and seeds."""
        listeners = []
        for _ in range(3):  # API, HTTPS, plain-HTTP redirect
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 0))
            listeners.append(listener)
        listener, tls, redirect = listeners
        self.port, self.tls_port, self.redirect_port = (s.getsockname()[1] for s in listeners)
        self.db_public_port, self.redis_public_port = _free_ports(2)
        self.state_dir = Path(tempfile.mkdtemp(prefix="golive-sandbox-"))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sandbox", "serve", "--fd", str(listener.fileno()),
                 "--tls-fd", str(tls.fileno()), "--redirect-fd", str(redirect.fileno())],
                pass_fds=tuple(s.fileno() for s in listeners),
                # The sandbox stops by itself if this process dies without stopping it.
                env={**self.env, **self._public_port_env(), "SANDBOX_STATE_DIR": str(self.state_dir),
                     "SANDBOX_PARENT_PID": str(os.getpid())},
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            for sock in listeners:
                sock.close()
            log.close()

    def wait_until_serving(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        # A slow target (a fault may delay health by seconds) still counts as serving once it answers.
        with httpx.Client(timeout=httpx.Timeout(10.0, connect=1.0)) as client:
            while time.monotonic() < deadline:
                if self.process and self.process.poll() is not None:
                    raise SandboxError(f"the sandbox exited with {self.process.returncode}:\n{self.log_tail()}")
                try:
                    client.get(f"{self.url}/health/live")  # any answer at all means it serves
                    return
                except httpx.TransportError:
                    time.sleep(0.1)
        self.stop()
        raise SandboxError(f"the sandbox did not answer within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        try:
            self._stop_process()
        finally:
            if self.state_dir is not None:
                shutil.rmtree(self.state_dir, ignore_errors=True)

    def _stop_process(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def _free_ports(count: int) -> list[int]:
    """Ports the OS reports free right now (bound together, so distinct, then released)."""
    probes = []
    try:
        for _ in range(count):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probes.append(probe)
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()
