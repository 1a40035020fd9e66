"""Exact on every login style: golive run on the sandbox's login flavors (envs/local-form, -session,
-basic, -token, -browser, -jsonapi), healthy and with faults, judged by its own verdict.json and report:

(a) a failed result whose title says "accepts"/"accepted"/"answers without" shows no 4xx as found;
(b) a probe check's result is passed or failed only when its control succeeded: the run sent the same
    request with the real credential (masked in the report) and it was accepted; otherwise the result
    is unverified and says "inconclusive: …";
(c) a login that fails is one root cause ("login as X failed (…)") blocking what needs the role, with
    no failed result but SEC-AUTH-001.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from golive.config import env_file_values
from golive.sandbox_process import SandboxProcess
from selftest.golive_runs import ROOT, Run, golive

FLAVORS = ("local-form", "local-session", "local-basic", "local-token", "local-browser", "local-jsonapi")
#: the checks that log in, probe with controls, or sweep objects: what a login style changes
AUTH_CHECKS = ("SEC-AUTH-001", "SEC-AUTH-002", "SEC-AUTH-003", "SEC-AUTH-004", "SEC-AUTH-005", "SEC-AUTH-006",
               "SEC-AUTH-007", "SEC-AUTH-008", "SEC-AUTH-009", "SEC-AUTH-010", "SEC-AUTHZ-001", "SEC-AUTHZ-002",
               "SEC-AUTHZ-003", "SEC-AUTHZ-004", "SEC-AUTHZ-005", "SEC-AUTHZ-007", "SEC-EXPOSE-007")
#: checks whose results rest on a control request (a probe paired with the real credential's request)
CONTROLLED = ("SEC-AUTH-002", "SEC-AUTH-003", "SEC-AUTH-008", "SEC-AUTH-009", "SEC-AUTH-010", "SEC-EXPOSE-007")
ACCEPTS = re.compile(r"\baccept(s|ed)\b|answers without", re.IGNORECASE)
CLIENT_ERROR = re.compile(r"\bHTTP 4\d\d\b")
MASK = "«redacted»"
#: where a request carries a credential: a masked value here is the role's real one
CREDENTIAL_HEADERS = ("authorization", "cookie", "x-api-key")


def selection(*check_ids: str) -> list[str]:
    return [argument for check_id in check_ids for argument in ("--check", check_id)]


@dataclass(frozen=True)
class Exchange:
    """One request golive attached to the report, and its answer."""

    method: str
    path: str
    status: int
    with_credential: bool  # the role's real credential (masked), in a header, cookie or login body

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 400


def parse_exchange(text: str) -> Exchange | None:
    request_line, _, rest = text.partition("\n")
    parts = request_line.split(" ", 1)
    status = re.search(r"^HTTP (\d{3})\b", rest, re.MULTILINE)
    if len(parts) != 2 or not status:
        return None
    request_part = rest[: status.start()]
    headers = [line.partition(":") for line in request_part.splitlines() if ":" in line]
    credential = any(name.strip().lower() in CREDENTIAL_HEADERS and MASK in value for name, _, value in headers)
    # a login body that carries the role's real password (masked) is the control login
    credential = credential or bool(re.search(r"password[\"']?\s*[:=]\s*[\"']?" + MASK, request_part))
    return Exchange(parts[0], urlsplit(parts[1]).path, int(status.group(1)), credential)


def exchanges_by_result(reports: Path) -> dict[str, list[Exchange]]:
    """nodeid-like test name -> the exchanges attached to that result (steps included)."""
    found: dict[str, list[Exchange]] = {}
    for result_file in (reports / "allure-results").glob("*-result.json"):
        result = json.loads(result_file.read_text())
        sources: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            sources.extend(a["source"] for a in node.get("attachments", []))
            for step in node.get("steps", []):
                walk(step)

        walk(result)
        exchanges = []
        for source in sources:
            path = reports / "allure-results" / source
            if path.suffix == ".txt" and path.exists():
                exchange = parse_exchange(path.read_text(errors="replace"))
                if exchange:
                    exchanges.append(exchange)
        found.setdefault(result["name"], []).extend(exchanges)
    return found


def evidence_of(check: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, found) pairs a failed result claims: its findings, or its message's own."""
    pairs = [(finding.get("name", ""), str(finding.get("found", ""))) for finding in check.get("findings") or []]
    message = check.get("message") or ""
    title = message.splitlines()[0] if message else ""
    found = re.search(r"^\s*found:\s*(.*)$", message, re.MULTILINE)
    return [*pairs, (title, found.group(1) if found else message)]


def titles_disagreeing_with_evidence(run: Run) -> list[str]:
    wrong = []
    for check in run.verdict["checks"]:
        if check["status"] != "failed":
            continue
        for title, found in evidence_of(check):
            if ACCEPTS.search(title) and CLIENT_ERROR.search(found):
                wrong.append(f"{check['id']}[{check.get('param')}]: {title!r} with found {found!r}")
    return wrong


#: login probes (wrong, unknown, default credentials): their control is the role's own login, sent
#: in the same check, and it must sign in (a password is masked in a report whatever it is)
LOGIN_PROBES = ("SEC-AUTH-008", "SEC-AUTH-009", "SEC-EXPOSE-007")
#: sweeps leave out the operations whose control was not accepted; at least one must have had one
SWEEPS = ("SEC-AUTH-010",)


def results_without_a_control(run: Run) -> list[str]:
    """Passed/failed probe results whose probed requests had no accepted control, and unverified
    ones that do not say why (inconclusive, or blocked by a prerequisite)."""
    attached = exchanges_by_result(run.reports)
    controls = {(e.method, e.path) for exchanges in attached.values() for e in exchanges
                if e.with_credential and e.accepted}
    wrong = []
    for check in run.verdict["checks"]:
        label = f"{check['id']}[{check.get('param') or ''}] {check['status']}"
        if check["id"] not in CONTROLLED:
            continue
        if check["status"] == "unverified":
            message = check.get("message") or ""
            if not (message.startswith("inconclusive:") or check.get("blocked_by")):
                wrong.append(f"{label} without saying why: {message[:120]}")
            continue
        if check["status"] not in ("passed", "failed"):
            continue
        exchanges = attached.get(check["nodeid"].rsplit("::", 1)[-1], [])
        # the CSRF preflight (GET of the login page) fetches a token: no probe
        sent = [e for e in exchanges if not (e.method == "GET" and e.path.endswith("/login"))]
        if not sent:
            wrong.append(f"{label} with no request in its report")
            continue
        if check["id"] in LOGIN_PROBES:
            # every attempt's path saw the role's own login sign in, in this same check
            unproven = {(e.method, e.path) for e in sent} - {(e.method, e.path) for e in sent if e.accepted}
        elif check["status"] == "passed":
            # a pass is a refusal of the probe where the real credential's same request was accepted
            refused = {(e.method, e.path) for e in sent if not e.accepted}
            if not refused:
                wrong.append(f"{label} with no refused probe in its report")
            unproven = refused - controls
            if check["id"] in SWEEPS and refused - unproven:
                unproven = set()  # the sweep's conclusive operations decided it
        else:
            # a failure is the probe getting what the control got: the evidence must say so
            unproven = {(e.method, e.path) for e in sent} - controls
            cited = " ".join(found for _, found in evidence_of(check))
            if "control" not in cited:
                wrong.append(f"{label} does not cite its control: {cited[:160]}")
        wrong += [f"{label}: {method} {path} has no accepted control in the run" for method, path in sorted(unproven)]
    return wrong


# --- healthy flavors: GO, the auth checks really ran, exact both ways ----------------------------

_healthy: dict[str, Run] = {}


def healthy_run(env: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    if env not in _healthy:
        _healthy[env] = golive(tmp_path_factory.mktemp(env), "--env", env, *selection(*AUTH_CHECKS), timeout_s=300)
    return _healthy[env]


@pytest.mark.parametrize("env", FLAVORS)
def test_healthy_flavor_is_go_with_its_auth_checks_run(env, tmp_path_factory):
    run = healthy_run(env, tmp_path_factory)
    verdict = run.verdict
    assert verdict["decision"] == "GO", verdict["reasons"]
    assert verdict["prerequisites"] == []
    ran = {check_id for check_id in AUTH_CHECKS if "passed" in run.status_of(check_id)}
    always = {"SEC-AUTH-001", "SEC-AUTH-002", "SEC-AUTH-010", "SEC-AUTHZ-001", "SEC-AUTHZ-002", "SEC-AUTHZ-003",
              "SEC-AUTHZ-004", "SEC-AUTHZ-005"}
    password_login = {"SEC-AUTH-008", "SEC-AUTH-009", "SEC-EXPOSE-007"}
    assert always - ran == set()
    if env not in ("local-token", "local-browser"):  # no password login golive can probe with requests
        assert password_login - ran == set()


@pytest.mark.parametrize("env", ("local-session", "local-basic", "local-token", "local-browser"))
def test_jwt_checks_do_not_apply_to_opaque_credentials(env, tmp_path_factory):
    run = healthy_run(env, tmp_path_factory)
    for check in run.verdict["checks"]:
        if check["id"] in ("SEC-AUTH-003", "SEC-AUTH-004", "SEC-AUTH-005"):
            assert check["status"] == "not_applicable", check
            assert "not a JWT" in check["message"], check["message"]


@pytest.mark.parametrize("env", FLAVORS)
def test_healthy_flavor_results_rest_on_controls(env, tmp_path_factory):
    run = healthy_run(env, tmp_path_factory)
    assert results_without_a_control(run) == []


# --- faults of each style: caught, with titles that agree with their evidence --------------------

FAULTS = {
    "form_login_user_enumeration": ("local-form", ("SEC-AUTH-008",)),
    "session_admin_route_open": ("local-session", ("SEC-AUTH-002", "SEC-AUTHZ-001")),
    "session_login_rate_limit_missing": ("local-session", ("SEC-AUTH-009",)),
    "basic_default_admin_password": ("local-basic", ("SEC-EXPOSE-007",)),
    "basic_failed_attempts_unlimited": ("local-basic", ("SEC-AUTH-009",)),
    "api_key_role_ignored": ("local-token", ("SEC-AUTHZ-001", "SEC-AUTH-002")),
    "envelope_orders_not_scoped": ("local-jsonapi", ("SEC-AUTHZ-002", "SEC-AUTHZ-003")),
    "bodyfirst_admin_route_open": ("local-jsonapi", ("SEC-AUTH-002", "SEC-AUTH-010")),
    # the JSON flavor's own, for comparison: a forged-token family on the same seam
    "jwt_signature_not_verified": ("local-form", ("SEC-AUTH-003", "SEC-AUTH-002")),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faulty_flavor_claims_only_what_its_evidence_shows(fault, tmp_path):
    env, checks = FAULTS[fault]
    run = golive(tmp_path, "--env", env, *selection(*checks), faults=fault, timeout_s=300)
    assert run.verdict["sandbox_faults"] == fault
    assert any(check["status"] == "failed" for check in run.verdict["checks"]), run.verdict["reasons"]
    assert titles_disagreeing_with_evidence(run) == []
    assert results_without_a_control(run) == []


# --- a failed login: one root cause, checks blocked, nothing else failed --------------------------

@pytest.fixture
def started_sandbox(request, tmp_path) -> Iterator[tuple[SandboxProcess, dict[str, str]]]:
    """A sandbox started on its own with one env's values (as a real target runs apart from golive)."""
    env = request.param
    values = env_file_values(ROOT / "envs" / f"{env}.env")
    sandbox = SandboxProcess(values, tmp_path / "sandbox.log", cwd=ROOT)
    sandbox.start()
    try:
        yield sandbox, values
    finally:
        sandbox.stop()


def env_quoted(value: str) -> str:
    """A value as an env file line holds it: double-quoted, with its newlines and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def run_against(sandbox: SandboxProcess, values: dict[str, str], tmp_path: Path, changes: dict[str, str]) -> Run:
    """golive with the sandbox's env values plus ``changes`` (what golive believes), the sandbox as it runs."""
    envs = tmp_path / "envs"
    envs.mkdir()
    merged = {**values, "GOLIVE_SANDBOX": "off", **sandbox.exported_env(), **changes}
    (envs / "target.env").write_text("".join(f"{key}={env_quoted(value)}\n" for key, value in merged.items()))
    return golive(tmp_path / "reports", "--env", "target", f"--envs-dir={envs}", *selection(*AUTH_CHECKS),
                  timeout_s=300)


def login_root_causes(run: Run) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reason in run.verdict["reasons"]:
        match = re.match(r"login as (\S+) failed \(", reason)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def assert_one_root_cause_per_role(run: Run, roles: set[str]) -> None:
    assert login_root_causes(run) == {role: 1 for role in roles}, run.verdict["reasons"]
    failed = {check["id"] for check in run.verdict["checks"] if check["status"] == "failed"}
    assert failed <= {"SEC-AUTH-001"}, failed
    blocked = [check for check in run.verdict["checks"] if check.get("blocked_by")]
    assert blocked, "no check was blocked by the failed login"
    assert all(check["status"] == "unverified" for check in blocked)
    assert {check["blocked_by"]["name"] for check in blocked} <= {f"login as {role}" for role in roles}
    assert {entry["name"] for entry in run.verdict["prerequisites"]} == {f"login as {role}" for role in roles}
    assert titles_disagreeing_with_evidence(run) == []
    assert results_without_a_control(run) == []


@pytest.mark.parametrize("started_sandbox", ["local-session"], indirect=True)
def test_a_wrong_password_is_one_root_cause(started_sandbox, tmp_path):
    sandbox, values = started_sandbox
    run = run_against(sandbox, values, tmp_path, {"SANDBOX_MANAGER_PASSWORD": "not-the-manager-password"})
    assert_one_root_cause_per_role(run, {"manager"})
    reason = next(r for r in run.verdict["reasons"] if r.startswith("login as manager failed"))
    assert "401" in reason


@pytest.mark.parametrize("started_sandbox", ["local-browser"], indirect=True)
def test_a_wrong_password_on_a_scripted_login_page_is_one_root_cause(started_sandbox, tmp_path):
    sandbox, values = started_sandbox
    run = run_against(sandbox, values, tmp_path, {"SANDBOX_MANAGER_PASSWORD": "not-the-manager-password"})
    assert_one_root_cause_per_role(run, {"manager"})
    reason = next(r for r in run.verdict["reasons"] if r.startswith("login as manager failed"))
    # the page's own refusal, seen without waiting out a navigation that never comes
    assert "Invalid username or password." in reason, reason


@pytest.mark.parametrize("started_sandbox", ["local-form"], indirect=True)
def test_json_posted_to_a_form_login_is_one_root_cause_per_role(started_sandbox, tmp_path):
    sandbox, values = started_sandbox
    run = run_against(sandbox, values, tmp_path, {"GOLIVE_PROFILE": "sandbox"})  # the JSON login's profile
    roles = {"admin", "manager", "cashier", "cashier2", "superadmin"}
    assert_one_root_cause_per_role(run, roles)
    assert all("422" in reason for reason in run.verdict["reasons"] if reason.startswith("login as"))


@pytest.mark.parametrize("started_sandbox", ["local-session"], indirect=True)
def test_a_wrong_password_stops_the_run_before_its_first_check(started_sandbox, tmp_path):
    """The preflight logs every role in once, in the controller; one wrong password stops the run
    early in every xdist worker: one root cause, every check blocked by it, no check's own login."""
    sandbox, values = started_sandbox
    envs = tmp_path / "envs"
    envs.mkdir()
    merged = {**values, "GOLIVE_SANDBOX": "off", **sandbox.exported_env(),
              "SANDBOX_MANAGER_PASSWORD": "not-the-manager-password"}
    (envs / "target.env").write_text("".join(f"{key}={env_quoted(value)}\n" for key, value in merged.items()))
    run = golive(tmp_path / "reports", "-m", "critical", "--env", "target", f"--envs-dir={envs}", "-n", "2",
                 timeout_s=300)
    assert run.exit_code == 1, run.output
    assert "✗ login as manager failed (HTTP 401" in run.output and "✓ login as admin (session)" in run.output
    assert "not-the-manager-password" not in run.output
    [cause] = run.verdict["prerequisites"]
    assert cause["name"] == "preflight" and cause["found"].startswith("login as manager failed (HTTP 401")
    checks = run.verdict["checks"]
    assert len(checks) > 100 and len(cause["blocked"]) == len(checks)
    assert all(check["status"] == "unverified" and check["blocked_by"]["name"] == "preflight" for check in checks)
    assert [reason for reason in run.verdict["reasons"] if "login as manager" in reason] == [
        run.verdict["reasons"][0]], run.verdict["reasons"]
