"""golive run end to end as users run it: the decision, its files, bounded time, no leaked secrets."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
import uuid

import pytest

from selftest.golive_runs import ROOT, env_dir_with, golive, run_in, user_project

#: the epic of a check is its suite folder, titled ("data_integrity" -> "Data Integrity")
SECTIONS = {folder.name.replace("_", " ").title() for folder in (ROOT / "suites").iterdir() if folder.is_dir()}

VERDICT_KEYS = {"decision", "reasons", "env", "profile", "started_at", "duration_s", "checks"}
CHECK_KEYS = {"id", "title", "status", "critical", "items", "safety", "message"}


def test_healthy_run_writes_verdict_files_and_allure_results(tmp_path):
    run = golive(tmp_path, "-m", "critical", "--env", "local")
    assert run.exit_code == 0, run.output
    verdict = run.verdict
    assert VERDICT_KEYS <= set(verdict)
    assert all(CHECK_KEYS <= set(check) for check in verdict["checks"])
    assert verdict["decision"] == "GO" and verdict["env"] == "local" and verdict["profile"] == "sandbox"
    assert all(check["critical"] for check in verdict["checks"]), "-m critical selects only critical checks"
    assert "# golive verdict: **GO**" in (tmp_path / "verdict.md").read_text()
    assert "golive verdict: GO" in run.output
    results = [json.loads(p.read_text()) for p in (tmp_path / "allure-results").glob("*-result.json")]
    decision = [r for r in results if r["name"].startswith("Go-live decision")]
    assert [r["name"] for r in decision] == ["Go-live decision: GO"]
    checks = [r for r in results if any(label["name"] == "golive_check" for label in r["labels"])]
    assert len(checks) == len(verdict["checks"])
    statuses = {check["nodeid"]: check["status"] for check in verdict["checks"]}
    for result in checks:
        labels = {label["name"]: label["value"] for label in result["labels"] if label["name"] != "story"}
        assert labels["severity"] == "blocker"
        # The sandbox profile has no inventory section: those checks are not applicable, shown as skipped.
        assert labels["golive_status"] == statuses[labels["golive_nodeid"]] in {"passed", "not_applicable"}
        assert result["status"] == {"passed": "passed", "not_applicable": "skipped"}[labels["golive_status"]]
        assert labels["epic"] in SECTIONS
    assert "passed" in statuses.values()
    assert (tmp_path / "allure-results" / "environment.properties").read_text().startswith("Decision=GO")


def test_parallel_run_reaches_the_same_results(tmp_path):
    sequential = golive(tmp_path / "one", "-m", "critical", "--env", "local")
    parallel = golive(tmp_path / "two", "-m", "critical", "--env", "local", "-n", "2")
    assert parallel.exit_code == sequential.exit_code == 0, parallel.output
    assert parallel.statuses() == sequential.statuses()
    assert parallel.verdict["decision"] == sequential.verdict["decision"]


def test_faulty_parallel_run_is_no_go_like_a_sequential_one(tmp_path):
    run = golive(tmp_path, "-m", "critical", "--env", "local", "-n", "2", faults="cors_allows_null")
    assert run.exit_code == 1
    assert run.status_of("SEC-CORS-003") == {"failed"}


def dead_transport(port: int) -> dict[str, str]:
    """The profile's HTTPS, redirect, CA and repository settings, all pointing at the dead target."""
    return {"SANDBOX_TLS_URL": f"https://localhost:{port}", "SANDBOX_HTTP_REDIRECT_URL": f"http://localhost:{port}",
            "SANDBOX_TLS_CA_FILE": "/nonexistent/ca.pem", "SANDBOX_REPO_DIR": "/nonexistent/repo",
            "SANDBOX_HOSTPORT": f"127.0.0.1:{port}", "SANDBOX_TLS_PORT": str(port),
            "SANDBOX_DB_PUBLIC_PORT": str(port), "SANDBOX_REDIS_PUBLIC_PORT": str(port)}


def test_stopped_target_is_no_go_with_unreachable_in_bounded_time(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    envs = env_dir_with(tmp_path, "stopped", {
        "GOLIVE_SANDBOX": "off", "GOLIVE_ENV_KIND": "staging",
        "SANDBOX_URL": f"http://127.0.0.1:{port}", "SANDBOX_ADMIN_URL": f"http://localhost:{port}",
        **dead_transport(port),
    })
    run = golive(tmp_path / "reports", "-m", "critical", "--env", "stopped", f"--envs-dir={envs}")
    assert run.exit_code == 1, run.output
    assert run.verdict["decision"] == "NO-GO"
    # one cause, listed once: every check that met the dead port (HTTP, HTTPS, the browser, S3) says the same
    assert run.verdict["reasons"][0].startswith(f"unreachable: http://127.0.0.1:{port} (connection refused): ")
    assert [reason for reason in run.verdict["reasons"] if str(port) in reason] == run.verdict["reasons"][:1]
    assert "Traceback" not in run.output
    # bounded: every call has a timeout (selftest/unit/test_http.py) and a dead target is met once per
    # process; no wall-clock bound here (a loaded machine is not a defect)


def test_black_holed_target_is_no_go_in_bounded_time(tmp_path):
    # Accepts connections (the kernel completes the handshake) but never answers a byte.
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(64)
        port = hole.getsockname()[1]
        envs = env_dir_with(tmp_path, "hole", {
            "GOLIVE_SANDBOX": "off", "GOLIVE_ENV_KIND": "staging",
            "SANDBOX_URL": f"http://127.0.0.1:{port}", "SANDBOX_ADMIN_URL": f"http://localhost:{port}",
        **dead_transport(port),
        })
        run = golive(tmp_path / "reports", "-m", "critical", "--env", "hole", f"--envs-dir={envs}")
    assert run.exit_code == 1, run.output
    # Whichever check meets the hole first (HTTP read timeout or the browser) marks it; the rest fail fast.
    # It accepts connections: slow or hung, which the verdict says, not "unreachable" like a dead port.
    about_the_hole = [reason for reason in run.verdict["reasons"] if f"127.0.0.1:{port}" in reason]
    assert about_the_hole and all("no answer within" in reason for reason in about_the_hole), run.verdict["reasons"]
    assert not any("unreachable" in reason or "Timeout" in reason for reason in about_the_hole)
    assert "Traceback" not in run.output


def test_configuration_errors_are_listed_together_before_any_test(tmp_path):
    envs = env_dir_with(tmp_path, "broken", {
        "GOLIVE_ENV_KIND": "prodution", "SANDBOX_ADMIN_PASSWORD": None, "SANDBOX_CASHIER_PASSWORD": None,
    })
    run = golive(tmp_path / "reports", "--env", "broken", f"--envs-dir={envs}")
    assert run.exit_code == 6, run.output
    assert "GOLIVE_ENV_KIND must be one of local, staging, production (found prodution)" in run.output
    assert "${SANDBOX_ADMIN_PASSWORD}" in run.output and "${SANDBOX_CASHIER_PASSWORD}" in run.output
    assert "Traceback" not in run.output and "passed" not in run.output
    assert not (tmp_path / "reports" / "verdict.json").exists()


def test_every_configuration_mistake_is_listed_at_once_with_file_and_line_and_exit_6(tmp_path):
    project = user_project(tmp_path, {
        "envs/prod.env": "GOLIVE_ENV_KIND=production\nGOLIVE_PROFILE=shop\nAPI=https://shop.invalid\nnot an assignment\n",
        "profiles/shop.yaml": textwrap.dedent("""\
            name: shop
            services: [{name: api, base_url: '${API}'}]
            cors: {service: apii, allowed_origins: "https://admin.shop.invalid"}
            headers: {service: web}
            http_timeout_s: fast
            """),
        "signoffs/prod/waivers.yaml": "waivers:\n  - {check: SEC-CORS-001, reason: accepted, approver: QA Lead, expires: 2026-13-45}\n",
        "suites/infrastructure/test_read.py": SHOP_SUITE,
    })
    completed = run_in(project, "--env", "prod")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 6, output
    for problem in (
        "env prod.env, line 4: cannot be parsed (expected KEY=value, quotes closed)",
        "profile shop.yaml, line 3: cors.allowed_origins: expected a valid list (found 'https://admin.shop.invalid')",
        "profile shop.yaml, line 5: http_timeout_s: expected a valid number, unable to parse string as a number (found 'fast')",
        "profile shop.yaml, line 3: cors.service: names service 'apii', not one of ['api']",
        "profile shop.yaml, line 4: headers.service: names service 'web', not one of ['api']",
        "waivers.yaml, line 2: waivers[0].expires: expected a valid date or datetime, month value is outside",
    ):
        assert output.count(problem) == 1, f"{problem!r} not listed once in:\n{output}"
    assert "Traceback" not in output and "INTERNALERROR" not in output
    assert "python-dotenv could not parse" not in output
    assert "Input should be False" not in output, "one line per wrong field, no union noise"
    assert not (project / "reports" / "verdict.json").exists()


def test_unknown_env_is_a_usage_error_listing_the_envs(tmp_path):
    run = golive(tmp_path, "--env", "prodd")
    assert run.exit_code == 4
    assert "unknown env 'prodd'" in run.output and "local" in run.output


def test_checks_without_env_are_a_usage_error(tmp_path):
    run = golive(tmp_path, "-m", "critical")
    assert run.exit_code == 4
    assert "golive checks need --env NAME" in run.output


def test_planted_secrets_reach_no_report_and_no_terminal_line(tmp_path):
    planted = {key: f"planted-{key.lower()}-{uuid.uuid4().hex}" for key in (
        "SANDBOX_JWT_SECRET", "SANDBOX_ADMIN_PASSWORD", "SANDBOX_MANAGER_PASSWORD", "SANDBOX_CASHIER_PASSWORD")}
    envs = env_dir_with(tmp_path, "planted", planted)
    reports = tmp_path / "reports"
    # A healthy run and a run where login breaks (failure messages quote the login exchange).
    runs = [
        golive(reports / "healthy", "--env", "planted", f"--envs-dir={envs}", "-m", "critical"),
        golive(reports / "faulty", "--env", "planted", f"--envs-dir={envs}", "-m", "critical",
               faults="login_broken_for_role,protected_endpoint_open"),
    ]
    assert [run.exit_code for run in runs] == [0, 1], runs[1].output
    written = [p for p in reports.rglob("*") if p.is_file()]
    assert len(written) > 20
    for secret in planted.values():
        for path in written:
            assert secret.encode() not in path.read_bytes(), f"{secret} leaked into {path}"
        assert all(secret not in run.output for run in runs)
    attachments = "".join(p.read_text(errors="replace") for p in reports.rglob("*-attachment*"))
    assert "«redacted»" in attachments, "login exchanges are attached, with the password masked"
    # An unsigned link payload (a probe golive sends on purpose) is no secret; signed tokens are.
    assert not re.search(r"eyJ[\w-]{5,}\.[\w-]{5,}", attachments), "issued tokens are masked in attachments"


def test_waiver_turns_a_critical_failure_into_go_with_exceptions_until_it_expires(tmp_path):
    signoffs = tmp_path / "signoffs" / "local"
    signoffs.mkdir(parents=True)
    (signoffs / "waivers.yaml").write_text(textwrap.dedent("""\
        waivers:
          - check: SEC-CORS-001
            reason: CDN strips Vary on cached preflights; fix scheduled
            approver: QA Lead
            expires: 2099-12-31
        """))
    run = golive(tmp_path / "r1", "-m", "critical", "--env", "local", f"--signoffs-dir={tmp_path / 'signoffs'}",
                 faults="cors_vary_missing")
    assert run.exit_code == 0, run.output
    assert run.verdict["decision"] == "GO WITH EXCEPTIONS"
    assert run.status_of("SEC-CORS-001") == {"waived"}
    assert run.verdict["known_issues"] and run.verdict["known_issues"][0].startswith("SEC-CORS-001 waived")

    expired = golive(tmp_path / "r2", "-m", "critical", "--env", "local", f"--signoffs-dir={tmp_path / 'signoffs'}",
                     environ={"GOLIVE_TODAY": "2100-01-01"})
    assert expired.exit_code == 1
    assert any("waiver for SEC-CORS-001 expired on 2099-12-31" in r for r in expired.verdict["reasons"])


def test_malformed_signoffs_are_a_configuration_error(tmp_path):
    signoffs = tmp_path / "signoffs" / "local"
    signoffs.mkdir(parents=True)
    (signoffs / "waivers.yaml").write_text("waivers:\n  - check: not-an-id\n    reason: x\n")
    run = golive(tmp_path / "r", "--env", "local", f"--signoffs-dir={tmp_path / 'signoffs'}")
    assert run.exit_code == 6
    assert "waivers[0].check" in run.output and "waivers[0].approver" in run.output


FOREIGN_SUITE = '''
from golive import check

@check("DAT-STOCK-001", "Stock can be adjusted", critical=True, safety="mutating")
def test_adjust_stock():
    pass

@check("INF-READ-001", "A read-only check", critical=True)
def test_read():
    pass
'''


@pytest.mark.parametrize("flags, decision", [((), "NO-GO"), (("--allow-writes",), "GO")])
def test_production_needs_allow_writes_for_mutating_checks(tmp_path, flags, decision):
    """In a user's own repository: golive loads as a pytest plugin with its own envs and profiles."""
    project = user_project(tmp_path, {"suites/data_integrity/test_stock.py": FOREIGN_SUITE})
    completed = run_in(project, "--env", "prod", *flags)
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    assert verdict["decision"] == decision, completed.stdout
    statuses = {check["id"]: check["status"] for check in verdict["checks"]}
    if flags:
        assert statuses == {"DAT-STOCK-001": "passed", "INF-READ-001": "passed"}
    else:
        assert statuses == {"DAT-STOCK-001": "unverified", "INF-READ-001": "passed"}
        assert any("needs --allow-writes" in reason for reason in verdict["reasons"])


NOT_APPLICABLE_OR_WRITING_SUITE = '''
import pytest
from golive import check, not_applicable
from golive.http import HttpClient

@pytest.fixture
def returns_flow():
    not_applicable("the profile says the target takes no returns (returns: false)")

@pytest.fixture
def created_order(listener_url):
    with HttpClient(safety="mutating", retries=0) as http:
        return http.post(f"{listener_url}/api/orders", json={"note": "golive test order"}).json()

@check("DAT-RETURN-001", "Returns restock once", critical=True, safety="mutating")
def test_returns(returns_flow):
    pass

@check("DAT-ORDER-001", "An order deducts stock once", critical=True, safety="mutating")
def test_order(created_order):
    pass

@check("INF-READ-001", "A read-only check", critical=True)
def test_read():
    pass
'''


def test_production_without_flags_says_not_applicable_where_the_profile_says_so_and_sends_no_write(tmp_path):
    with socket.socket() as listener:  # would record any connection the refused write made
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        project = user_project(tmp_path, {
            "suites/data_integrity/test_writes.py": NOT_APPLICABLE_OR_WRITING_SUITE,
            "suites/conftest.py": f"import pytest\n\n@pytest.fixture\ndef listener_url():\n    return {url!r}\n",
        })
        completed = run_in(project, "--env", "prod")
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing connected: the write was refused before it was sent
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    outcomes = {check["id"]: (check["status"], check["message"]) for check in verdict["checks"]}
    assert outcomes == {
        "DAT-RETURN-001": ("not_applicable", "the profile says the target takes no returns (returns: false)"),
        "DAT-ORDER-001": ("unverified", "a mutating check against production needs --allow-writes"),
        "INF-READ-001": ("passed", ""),
    }, completed.stdout


SHOP_CHECKLIST = """\
name: shop
title: Shop go-live
seed: shop.md
items:
  - {id: "shop:HEALTH-01", section: Health, text: "/health answers", line: 1, critical: true,
     verify: {by: checks, hint: "GET /health"}}
  - {id: "shop:OPS-01", section: Ops, text: "On-call rota published", line: 2, critical: true,
     verify: {by: attestation, role: Ops Lead}}
"""
SHOP_SUITE = '''
from golive import check

@check("INF-READ-001", "A read-only check", critical=True, items=["shop:HEALTH-01"])
def test_read():
    pass
'''


def test_a_gating_checklist_needs_its_critical_items_automated_and_attested(tmp_path):
    project = user_project(tmp_path, {
        "checklists/shop.yaml": SHOP_CHECKLIST,
        "profiles/shop.yaml": "name: shop\nchecklists: [shop]\nservices: [{name: api, base_url: '${API}'}]\n",
        "suites/infrastructure/test_read.py": SHOP_SUITE,
    })
    run_in(project, "--env", "prod")
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    assert verdict["decision"] == "NO-GO"
    assert verdict["reasons"] == ["attestation missing for shop:OPS-01"]
    assert verdict["coverage"]["checklists"][0] | {"unmapped_items": []} == {
        "name": "shop", "title": "Shop go-live", "items": 2, "automated": 1, "attested": 1, "not_applicable": 0,
        "unmapped": 0, "unmapped_critical": [], "unmapped_items": [], "gating": True,
        # a check of the item ran and judged it this run (mapped: a check names it)
        "mapped": 1, "unverified": 0, "unverified_critical": [], "absent_required": [],
    }

    (project / "suites" / "infrastructure" / "test_read.py").write_text(SHOP_SUITE.replace('items=["shop:HEALTH-01"]', 'items=[]'))
    attest = subprocess.run([sys.executable, "-m", "golive.cli", "attest", "shop:OPS-01", "--env", "prod",
                             "--by", "Asha Rao", "--role", "Ops Lead"], cwd=project, capture_output=True, text=True)
    assert attest.returncode == 0, attest.stderr
    run_in(project, "--env", "prod")
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    assert verdict["reasons"] == [
        "checklist shop: 1 critical items neither automated nor attested (shop:HEALTH-01)"
    ]
    assert verdict["attestations"][0]["status"] == "passed" and verdict["attestations"][0]["by"] == "Asha Rao"


OUTCOMES_SUITE = '''
import pytest
from golive import check, not_applicable, unverified

@pytest.fixture
def whatsapp():
    not_applicable("the profile says the target has no WhatsApp integration")

@pytest.fixture
def sms_provider():
    unverified("the profile does not give the SMS provider's base URL")

@check("INT-WHATSAPP-001", "WhatsApp messages are delivered", critical=True)
def test_whatsapp(whatsapp):
    pass

@check("INT-SMS-001", "SMS OTPs are delivered", critical=True)
def test_sms(sms_provider):
    pass

@check("INF-READ-001", "A read-only check", critical=True)
def test_read():
    pass
'''


def test_fixtures_say_not_applicable_or_unverified_and_unknown_blocks_go(tmp_path):
    project = user_project(tmp_path, {"suites/integrations/test_outcomes.py": OUTCOMES_SUITE})
    run_in(project, "--env", "prod")
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    outcomes = {check["id"]: (check["status"], check["message"]) for check in verdict["checks"]}
    assert outcomes["INT-WHATSAPP-001"] == ("not_applicable", "the profile says the target has no WhatsApp integration")
    assert outcomes["INT-SMS-001"] == ("unverified", "the profile does not give the SMS provider's base URL")
    assert verdict["decision"] == "NO-GO"
    assert verdict["reasons"] == ["INT-SMS-001 unverified: the profile does not give the SMS provider's base URL"]


ABSENT_SUITE = '''
from golive import check, not_applicable

@check("INF-READ-001", "A liveness check", critical=True, items=["shop:HEALTH-01"])
def test_read():
    not_applicable("the profile says this system has no liveness endpoint")
'''


def test_a_critical_item_the_profile_declares_absent_fails_the_gate_until_declared_not_applicable(tmp_path):
    profile = "name: shop\nchecklists: [shop]\nservices: [{name: api, base_url: '${API}'}]\n"
    project = user_project(tmp_path, {
        "checklists/shop.yaml": SHOP_CHECKLIST,
        "profiles/shop.yaml": profile,
        "suites/infrastructure/test_read.py": ABSENT_SUITE,
        "signoffs/prod/attestations.yaml": "attestations:\n  - {item: 'shop:OPS-01', by: Asha Rao, role: Ops Lead, "
                                           "date: 2026-11-30}\n",
    })
    run_in(project, "--env", "prod")
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    assert verdict["decision"] == "NO-GO"
    assert verdict["reasons"] == [
        "shop:HEALTH-01 (critical) is required by the checklist, but INF-READ-001: the profile says this system has "
        "no liveness endpoint — meet it, attest it, waive it, or declare it not applicable for this system "
        "(profile not_applicable_items) with the reason",
        "no critical check ran"]
    assert verdict["coverage"]["checklists"][0]["automated"] == 0

    (project / "profiles" / "shop.yaml").write_text(
        profile + "not_applicable_items: {'shop:HEALTH-01': 'a managed API whose provider runs the health checks'}\n")
    run_in(project, "--env", "prod")
    verdict = json.loads((project / "reports" / "verdict.json").read_text())
    assert verdict["reasons"] == ["no critical check ran"]  # its only check was not applicable: still not GO
