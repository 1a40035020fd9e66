"""``golive doctor``: one clear line for each thing that would spoil a first run, read-only, in seconds,
against a sandbox started on its own as a user's system would be."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from dotenv import dotenv_values

from golive.sandbox_process import SandboxProcess
from selftest.golive_runs import LOCAL_ENV, ROOT, env_dir_with


@pytest.fixture(scope="module")
def running_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A sandbox started on its own; the env changes that point golive at it as at any staging system."""
    values = {key: value or "" for key, value in dotenv_values(LOCAL_ENV).items()}
    sandbox = SandboxProcess(values, tmp_path_factory.mktemp("doctor") / "sandbox.log", cwd=ROOT)
    sandbox.start()
    try:
        yield {"GOLIVE_ENV_KIND": "staging", "GOLIVE_SANDBOX": "off", **sandbox.exported_env()}
    finally:
        sandbox.stop()


def project(tmp_path: Path, env: dict[str, str], change=None) -> Path:  # type: ignore[no-untyped-def]
    """A user's folder: the sandbox profile (changed as a test needs) and an env pointing at the sandbox."""
    profile = yaml.safe_load((ROOT / "profiles" / "sandbox.yaml").read_text())
    if change:
        change(profile)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "sandbox.yaml").write_text(yaml.safe_dump(profile))
    env_dir_with(tmp_path, "mine", env)
    return tmp_path


def doctor(folder: Path) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-m", "golive.cli", "--root", str(folder), "doctor", "--env", "mine"],
                          capture_output=True, text=True, timeout=120, cwd=folder, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout.splitlines()


def problems(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip().startswith("✗")]


def test_a_ready_env_passes_and_says_what_each_login_gave(running_sandbox, tmp_path):
    code, lines = doctor(project(tmp_path, running_sandbox))
    assert problems(lines) == [] and code == 0, lines
    admin = next(line for line in lines if "login as admin" in line)
    assert "a JWT (HS256) in the Authorization header (Bearer); lifetime 1:00:00" in admin
    assert not any(dotenv_values(LOCAL_ENV)["SANDBOX_ADMIN_PASSWORD"] in line for line in lines)


def test_a_wrong_password_is_one_line(running_sandbox, tmp_path):
    code, lines = doctor(project(tmp_path, {**running_sandbox, "SANDBOX_MANAGER_PASSWORD": "not-the-password-1"}))
    assert code == 1
    assert problems(lines) == ["✗ login as manager (json): HTTP 401: the credentials were refused — check the "
                               "account exists, is active, and its password in the env file is current"]


def test_a_path_that_404s_an_empty_object_list_and_an_unsaid_critical_section(running_sandbox, tmp_path):
    def change(profile):  # type: ignore[no-untyped-def]
        profile["auth"]["protected"].append({"service": "api", "path": "/api/no-such-list", "roles": ["admin"]})
        profile["authorization"]["objects"].append({
            "name": "manager-orders", "service": "api", "list_path": "/api/orders", "item_path": "/api/orders/{id}",
            "owner_role": "manager", "other_role": "cashier"})
        del profile["webhooks"]

    code, lines = doctor(project(tmp_path, running_sandbox, change))
    assert code == 1
    found = problems(lines)
    assert "✗ GET /api/no-such-list as admin: HTTP 404 — the path or method in auth.protected does not exist" in found
    assert "✗ manager-orders: manager has none (GET /api/orders) — create one for the object-level checks, or say " \
           "where the list's items are" in found
    assert any(line.startswith("✗ webhooks: unsaid") and "critical" in line and "SEC-WEBHOOK-001" in line
               for line in found)


def test_a_login_that_wants_a_form_is_one_line_saying_so(tmp_path):
    """The sandbox's OAuth2 form login (SANDBOX_LOGIN=form) against a profile that posts JSON."""
    values = {key: value or "" for key, value in dotenv_values(LOCAL_ENV).items()}
    sandbox = SandboxProcess({**values, "SANDBOX_LOGIN": "form"}, tmp_path / "sandbox.log", cwd=ROOT)
    sandbox.start()
    try:
        env = {"GOLIVE_ENV_KIND": "staging", "GOLIVE_SANDBOX": "off", **sandbox.exported_env()}
        code, lines = doctor(project(tmp_path, env))
    finally:
        sandbox.stop()
    assert code == 1
    logins = [line for line in problems(lines) if "login as" in line]
    assert logins and all("HTTP 422: body fields missing (username, password) — does the endpoint want a form?"
                          in line and "strategy: form" in line for line in logins), logins
