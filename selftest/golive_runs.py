"""Running golive as a user does (``pytest … --env NAME`` in a subprocess) and reading its verdict."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCAL_ENV = ROOT / "envs" / "local.env"


@dataclass
class Run:
    exit_code: int
    output: str
    elapsed_s: float
    reports: Path

    @property
    def verdict(self) -> dict[str, Any]:
        path = self.reports / "verdict.json"
        if not path.exists():  # the run ended before its verdict: what it printed says why
            raise AssertionError(f"no verdict.json (exit {self.exit_code}); the run printed:\n{self.output[-6000:]}")
        return json.loads(path.read_text())

    def status_of(self, check_id: str) -> set[str]:
        return {check["status"] for check in self.verdict["checks"] if check["id"] == check_id}

    def statuses(self) -> dict[str, str]:
        return {check["nodeid"]: check["status"] for check in self.verdict["checks"]}


def golive(
    reports: Path,
    *args: str,
    faults: str = "",
    environ: dict[str, str] | None = None,
    timeout_s: float = 180,
) -> Run:
    """Run the suite from the repository root, the way the README tells users to."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))}
    env.update(environ or {})
    if faults:
        env["SANDBOX_FAULTS"] = faults
    arguments = [f"--reports-dir={reports}", "-p", "no:cacheprovider", *args]
    started = time.monotonic()
    if os.environ.get("GOLIVE_SELFTEST_COLD") != "1":
        exit_code, output = _warm().run(arguments, env, timeout_s, reports)
        return Run(exit_code, output, time.monotonic() - started, reports)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout_s, stdin=subprocess.DEVNULL,
    )
    return Run(completed.returncode, completed.stdout + completed.stderr, time.monotonic() - started, reports)


class WarmRunner:
    """Runs golive as ``python -m pytest`` would, forked from ``selftest.forkserver`` (pytest, golive
    and the fixtures already imported): each run is still a process of its own.
    ``GOLIVE_SELFTEST_COLD=1`` starts a new interpreter per run instead."""

    def __init__(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-m", "selftest.forkserver"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env={key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))},
        )
        self._ids = itertools.count(1)

    def close(self) -> None:
        if self.server.stdin:
            self.server.stdin.close()  # the server's loop ends at the end of its input
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        if self.server.stdout:
            self.server.stdout.close()

    def run(self, arguments: list[str], env: dict[str, str], timeout_s: float, reports: Path) -> tuple[int, str]:
        assert self.server.stdin and self.server.stdout
        reports.mkdir(parents=True, exist_ok=True)
        output = reports.parent / f".golive-output-{reports.name}-{time.monotonic_ns()}.txt"
        request_id = next(self._ids)
        request = {"id": request_id, "args": arguments, "env": env, "cwd": str(ROOT), "output": str(output)}
        pid: int | None = None
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            if pid is not None:
                os.kill(pid, signal.SIGKILL)

        watchdog = threading.Timer(timeout_s, kill)
        try:
            self.server.stdin.write(json.dumps(request) + "\n")
            self.server.stdin.flush()
            pid = self._answer(request_id)["pid"]
            watchdog.start()
            exit_code = self._answer(request_id)["exit"]
        except BaseException:
            # Interrupted between a request and its answers (the test's own timeout, ^C): the server's
            # answers to it would be read as the next run's, so this child and this server end here.
            self._abandon(pid)
            raise
        finally:
            watchdog.cancel()
        if expired.is_set():
            raise subprocess.TimeoutExpired(["pytest", *arguments], timeout_s)
        text = output.read_text(errors="replace") if output.exists() else ""
        output.unlink(missing_ok=True)
        return exit_code, text

    def _answer(self, request_id: int) -> dict[str, Any]:
        """The server's next answer to this request (answers to an earlier one are never taken for it)."""
        assert self.server.stdout
        while True:
            line = self.server.stdout.readline()
            if not line:
                raise RuntimeError(f"selftest.forkserver ended (exit {self.server.poll()})")
            answer = json.loads(line)
            if answer.get("id") == request_id:
                return answer

    def _abandon(self, pid: int | None) -> None:
        for process in (pid, self.server.pid):
            if process is not None:
                try:
                    os.kill(process, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.server.wait()


_runner: WarmRunner | None = None


def _warm() -> WarmRunner:
    global _runner
    if _runner is None or _runner.server.poll() is not None:
        _runner = WarmRunner()
    return _runner


def env_dir_with(tmp_path: Path, name: str, changes: dict[str, str | None], base: Path = LOCAL_ENV) -> Path:
    """A copy of an env file under ``tmp_path/envs/NAME.env`` with some keys changed (None drops a key)."""
    directory = tmp_path / "envs"
    directory.mkdir(exist_ok=True)
    lines = []
    seen = set()
    for line in base.read_text().splitlines():
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in changes:
            seen.add(key)
            if changes[key] is not None:
                lines.append(f"{key}={changes[key]}")
            continue
        lines.append(line)
    lines += [f"{key}={value}" for key, value in changes.items() if key not in seen and value is not None]
    (directory / f"{name}.env").write_text("\n".join(lines) + "\n")
    return directory


def sandbox_faults() -> list[dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-m", "sandbox", "faults", "--json"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout)


def chromium_available() -> bool:
    return bool(os.environ.get("GOLIVE_CHROMIUM") or shutil.which("chromium") or Path("/usr/bin/chromium").exists())


def listed_checks(reports: Path) -> dict[str, dict[str, Any]]:
    """Every check of the suite as ``--list-checks`` reports it, by id."""
    run = golive(reports, "--env", "local", "--list-checks", "-q")
    assert run.exit_code == 0, run.output
    listing = json.loads(run.output[run.output.index("[") : run.output.rindex("]") + 1])
    return {entry["id"]: entry for entry in listing}


def user_project(tmp_path: Path, files: dict[str, str], env: str = "GOLIVE_ENV_KIND=production") -> Path:
    """A user's own repository with golive as an installed pytest plugin: envs, a profile, suites."""
    project = tmp_path / "project"
    defaults = {
        "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['suites']\n",
        "envs/prod.env": f"{env}\nGOLIVE_PROFILE=shop\nAPI=https://shop.invalid\n",
        "profiles/shop.yaml": "name: shop\nservices: [{name: api, base_url: '${API}'}]\n",
    }
    for relative, text in {**defaults, **files}.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project


def run_in(project: Path, *args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(environ or {})}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], env=env,
                          cwd=project, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
