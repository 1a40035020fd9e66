"""Against a production-kind environment golive changes nothing without flags: the sandbox's write
journal (one log line per accepted change to business data) stays empty. With --allow-writes,
whatever the checks create they undo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import dotenv_values

from golive.sandbox_process import SandboxProcess
from selftest.golive_runs import LOCAL_ENV, ROOT, env_dir_with, golive


@pytest.fixture
def production_like(tmp_path: Path) -> Iterator[tuple[SandboxProcess, Path]]:
    """A sandbox started on its own (as a real target would be), and a production-kind env for it."""
    values = {key: value or "" for key, value in dotenv_values(LOCAL_ENV).items()}
    sandbox = SandboxProcess(values, tmp_path / "sandbox.log", cwd=ROOT)
    sandbox.start()
    try:
        envs = env_dir_with(tmp_path, "prodlike", {
            "GOLIVE_ENV_KIND": "production", "GOLIVE_SANDBOX": "off", **sandbox.exported_env(),
        })
        yield sandbox, envs
    finally:
        sandbox.stop()


def writes(log: Path) -> list[dict[str, str]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("msg") == "write"]


def test_security_suite_against_production_changes_nothing(production_like, tmp_path):
    sandbox, envs = production_like
    run = golive(tmp_path / "reports", "-m", "security", "--env", "prodlike", f"--envs-dir={envs}", "-n", "2")
    sandbox.stop()
    assert run.verdict["env_kind"] == "production"
    mutating = [check for check in run.verdict["checks"] if check["safety"] == "mutating"]
    held_back = [check for check in mutating if check["status"] == "unverified"]
    assert held_back, "the suite has mutating checks to hold back"
    assert all(check["message"] == "a mutating check against production needs --allow-writes" for check in held_back)
    # the rest are checks of features the sandbox profile says it lacks (tracker: false): not applicable,
    # as the profile says, whatever flag they would need
    assert all(check["status"] == "not_applicable" and "the profile says" in check["message"]
               for check in mutating if check not in held_back)
    assert writes(sandbox.log_path) == []
    assert len(run.verdict["checks"]) > 100, "the sweep really ran"


def test_post_deploy_against_production_without_flags_reads_only(production_like, tmp_path):
    """The read-only parts of the post-deploy suite run without flags; what would write or pay waits for them."""
    sandbox, envs = production_like
    run = golive(tmp_path / "reports", "-m", "post_deploy", "--env", "prodlike", f"--envs-dir={envs}")
    sandbox.stop()
    assert run.verdict["env_kind"] == "production"
    by_safety: dict[str, set[str]] = {}
    for check in run.verdict["checks"]:
        by_safety.setdefault(check["safety"], set()).add(check["status"])
    assert by_safety["readonly"] <= {"passed", "not_applicable"} and "passed" in by_safety["readonly"], by_safety
    assert by_safety["mutating"] <= {"unverified", "not_applicable"}, by_safety
    assert by_safety.get("money", {"unverified"}) <= {"unverified", "not_applicable"}, by_safety
    assert writes(sandbox.log_path) == []
    assert run.verdict["creates"]["left"] == [], "a write held back at the guard is not left pending"


def test_with_allow_writes_everything_created_is_undone(production_like, tmp_path):
    sandbox, envs = production_like
    run = golive(tmp_path / "reports", "-m", "security", "--env", "prodlike", f"--envs-dir={envs}",
                 "--allow-writes", "-n", "2")
    sandbox.stop()
    mutating = {check["status"] for check in run.verdict["checks"] if check["safety"] == "mutating"}
    assert "passed" in mutating and mutating <= {"passed", "not_applicable"}, mutating
    journal = writes(sandbox.log_path)
    created = {entry["key"] for entry in journal if entry["table"] == "payment_orders" and entry["action"] == "insert"}
    deleted = {entry["key"] for entry in journal if entry["table"] == "payment_orders" and entry["action"] == "delete"}
    assert created and created == deleted
    assert run.verdict["creates"]["announced"] > 0 and run.verdict["creates"]["left"] == [], run.verdict["creates"]


def test_a_sandbox_never_outlives_a_killed_run(tmp_path):
    """A run killed outright (SIGKILL: no finalizers) leaves no sandbox behind."""
    starter = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from dotenv import dotenv_values\n"
        "from golive.sandbox_process import SandboxProcess\n"
        f"sandbox = SandboxProcess(dotenv_values({str(LOCAL_ENV)!r}), Path({str(tmp_path / 'sandbox.log')!r}), cwd=Path({str(ROOT)!r}))\n"
        "sandbox.start()\n"
        "print(sandbox.process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    run = subprocess.Popen([sys.executable, "-c", starter], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sandbox_pid = int(run.stdout.readline())
    run.kill()
    run.wait(timeout=10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(sandbox_pid):
        time.sleep(0.2)
    assert not _alive(sandbox_pid), "the sandbox outlived the run that started it"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its adopter) counts as gone.
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
