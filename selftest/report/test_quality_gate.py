"""The Allure 3 quality gate in reports/allurerc.mjs agrees with golive's decision.

golive: NO-GO iff some critical check (not waived) failed, broke or is unverified, or no
critical check ran. The plugin labels critical results severity=blocker, adds golive_status
and golive_check, reports an unverified critical check as `broken`, and writes one synthetic
result (golive_kind=decision) that passes for GO / GO WITH EXCEPTIONS and fails for NO-GO.

These tests write small allure-results directories by hand, in the format allure-pytest
writes, and run `npx allure quality-gate` with the project's config on each. They need the
toolchain that scripts/install sets up (node_modules with allure@3.18 and node@22); without it
they fail, not skip: CI runs scripts/install first.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "reports" / "allurerc.mjs"
BIN = ROOT / "node_modules" / ".bin"


# --------------------------------------------------------------------------------------------
# toolchain
# --------------------------------------------------------------------------------------------
def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # npx would do this too; doing it here makes `node` below the pinned Node 22 for certain.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["FORCE_COLOR"] = "0"
    env.update(extra)
    return env


def _npx(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        ["npx", "--no-install", *args],
        cwd=cwd,
        env=env or _env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def toolchain() -> str:
    missing = [p for p in (BIN / "allure", BIN / "node", CONFIG) if not p.exists()]
    if missing:
        pytest.fail(
            "Allure 3 toolchain missing: "
            + ", ".join(str(p.relative_to(ROOT)) for p in missing)
            + " -- run scripts/install",
            pytrace=False,
        )
    version = _npx("node", "--version").stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    assert major >= 22, f"npx runs Node {version}; Allure 3.18's quality gate needs Node >= 22"
    return version


# --------------------------------------------------------------------------------------------
# hand-made allure results
# --------------------------------------------------------------------------------------------
def check(
    check_id: str,
    status: str,
    *,
    critical: bool,
    golive_status: str | None = None,
    message: str | None = None,
    epic: str = "infrastructure",
) -> dict:
    """One check's result as the golive plugin leaves it after post-processing."""
    labels = [
        {"name": "severity", "value": "blocker" if critical else "normal"},
        {"name": "golive_check", "value": check_id},
        {"name": "golive_status", "value": golive_status or status},
        {"name": "epic", "value": epic},
        {"name": "feature", "value": check_id.split("-")[1].lower()},
        {"name": "story", "value": check_id},
        {"name": "suite", "value": f"suites.{epic}"},
        {"name": "framework", "value": "pytest"},
        {"name": "language", "value": "cpython3"},
    ]
    if critical:
        labels.append({"name": "tag", "value": "critical"})
    result = _result(
        name=f"{check_id} {status}",
        full_name=f"suites.{epic}.test_{check_id.lower().replace('-', '_')}#test_check",
        status=status,
        labels=labels,
        message=message,
    )
    return result


def decision(value: str, reasons: list[str]) -> dict:
    """The synthetic `Go-live decision: <DECISION>` result."""
    return _result(
        name=f"Go-live decision: {value}",
        full_name="golive.decision",
        status="failed" if value == "NO-GO" else "passed",
        labels=[
            {"name": "golive_kind", "value": "decision"},
            {"name": "severity", "value": "blocker"},
            {"name": "epic", "value": "Go-live decision"},
        ],
        message="; ".join(reasons) if value == "NO-GO" else None,
        description="\n".join(f"- {r}" for r in reasons) or "All selected checks passed.",
    )


def _result(*, name, full_name, status, labels, message=None, description=None) -> dict:
    now = 1_760_000_000_000
    result = {
        "uuid": str(uuid.uuid4()),
        "historyId": uuid.uuid5(uuid.NAMESPACE_URL, full_name).hex,
        "testCaseId": uuid.uuid5(uuid.NAMESPACE_DNS, full_name).hex,
        "fullName": full_name,
        "name": name,
        "status": status,
        "stage": "finished",
        "start": now,
        "stop": now + 120,
        "labels": labels,
        "parameters": [],
        "links": [],
        "steps": [],
        "attachments": [],
    }
    if message:
        result["statusDetails"] = {"message": message, "trace": f"AssertionError: {message}"}
    if description:
        result["description"] = description
    return result


def write_results(directory: Path, results: list[dict]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for result in results:
        (directory / f"{result['uuid']}-result.json").write_text(json.dumps(result), "utf-8")
    return directory


# --------------------------------------------------------------------------------------------
# cases: (results, expected gate exit code, rule expected to fail)
# --------------------------------------------------------------------------------------------
CASES = {
    # the four that mirror golive's rule
    "critical-pass-noncritical-fails": (
        [
            check("INF-HEALTH-001", "passed", critical=True),
            check("SEC-CORS-001", "passed", critical=True, epic="security"),
            check("OBS-LOGS-002", "failed", critical=False, message="no request id in logs"),
            check("OBS-LOGS-003", "broken", critical=False, message="log sink unreachable"),
            decision("GO WITH EXCEPTIONS", ["non-critical OBS-LOGS-002 failed"]),
        ],
        0,
        None,
    ),
    "critical-broken-unverified": (
        [
            check("INF-HEALTH-001", "passed", critical=True),
            check(
                "SEC-TLS-001",
                "broken",
                critical=True,
                golive_status="unverified",
                message="unverified: profile needs tls.min_days",
                epic="security",
            ),
            decision("NO-GO", ["critical SEC-TLS-001 is unverified"]),
        ],
        1,
        "critical-checks/maxFailures",
    ),
    "waived-critical-failure": (
        [
            check("INF-HEALTH-001", "passed", critical=True),
            check(
                "SEC-HDR-002",
                "failed",
                critical=True,
                golive_status="waived",
                message="HSTS max-age 300 < 31536000",
                epic="security",
            ),
            decision("GO WITH EXCEPTIONS", ["SEC-HDR-002 waived until 2030-01-01"]),
        ],
        0,
        None,
    ),
    "zero-critical-results": (
        [
            check("OBS-LOGS-002", "passed", critical=False),
            decision("NO-GO", ["no critical check ran"]),
        ],
        1,
        "critical-checks-ran/minTestsCount",
    ),
    # the gate does not just repeat the decision result: each rule holds on its own
    "critical-failed-decision-says-go": (
        [
            check("INF-HEALTH-001", "failed", critical=True, message="GET /health -> 503"),
            decision("GO", []),
        ],
        1,
        "critical-checks/maxFailures",
    ),
    "only-not-applicable-critical-decision-says-go": (
        [
            check("INT-WA-001", "skipped", critical=True, golive_status="not_applicable"),
            check("OBS-LOGS-002", "passed", critical=False),
            decision("GO", []),
        ],
        1,
        "critical-checks-ran/minTestsCount",
    ),
    "no-decision-result": (
        [check("INF-HEALTH-001", "passed", critical=True)],
        1,
        "golive-decision/minTestsCount",
    ),
    "decision-no-go-with-clean-checks": (
        [
            check("INF-HEALTH-001", "passed", critical=True),
            decision("NO-GO", ["required attestation UAT-SIGNOFF is missing"]),
        ],
        1,
        "golive-decision/maxFailures",
    ),
    "all-go": (
        [
            check("INF-HEALTH-001", "passed", critical=True),
            check("INT-WA-001", "skipped", critical=True, golive_status="not_applicable"),
            check("OBS-LOGS-002", "passed", critical=False),
            decision("GO", []),
        ],
        0,
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_quality_gate_agrees_with_decision(case: str, tmp_path: Path, toolchain: str) -> None:
    results, expected_exit, failing_rule = CASES[case]
    results_dir = write_results(tmp_path / "allure-results", results)

    # npx finds allure through the package.json of its working directory: run it from ROOT.
    gate = _npx("allure", "quality-gate", str(results_dir), "--config", str(CONFIG))

    output = gate.stdout + gate.stderr
    assert gate.returncode == expected_exit, f"{case}: gate exited {gate.returncode}\n{output}"
    if failing_rule:
        assert failing_rule in output, f"{case}: expected {failing_rule} to fail\n{output}"
    else:
        assert "Quality Gate failed" not in output, output


def test_config_loads_with_verdict_variables(tmp_path: Path, toolchain: str) -> None:
    verdict = tmp_path / "verdict.json"
    verdict.write_text(
        json.dumps(
            {
                "decision": "GO WITH EXCEPTIONS",
                "reasons": ["SEC-HDR-002 waived until 2030-01-01"],
                "env": "local",
                "profile": "commerce",
                "started_at": "2025-01-01T10:00:00+00:00",
                "duration_s": 83.4,
                "checks": [],
            }
        ),
        "utf-8",
    )
    script = (
        f"const c = (await import({json.dumps(CONFIG.as_uri())})).default;"
        "console.log(JSON.stringify({keys: Object.keys(c), variables: c.variables,"
        " rules: c.qualityGate.rules.map(r => r.id)}));"
    )
    run = _npx(
        "node", "--input-type=module", "-e", script,
        env=_env(GOLIVE_VERDICT_JSON=str(verdict)),
    )
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    assert loaded["variables"] == {
        "Decision": "GO WITH EXCEPTIONS",
        "Environment": "local",
        "Profile": "commerce",
        "Started": "2025-01-01T10:00:00+00:00",
        "Duration": "1 min 23 s",
        "Reasons": "1: SEC-HDR-002 waived until 2030-01-01",
    }
    assert loaded["rules"] == ["critical-checks", "critical-checks-ran", "golive-decision"]
    # Allure 3 rejects unknown top-level keys; these are the ones it accepts (core/config.js).
    assert set(loaded["keys"]) <= {
        "name", "output", "open", "port", "hideLabels", "historyPath", "historyBaseUrl",
        "historyLimit", "resolutions", "plugins", "defaultLabels", "variables", "environment",
        "allowedEnvironments", "environments", "appendHistory", "qualityGate", "performance",
        "allureService", "categories", "globalAttachments", "resultsDir", "dump",
    }


def test_report_renders_single_file(tmp_path: Path, toolchain: str) -> None:
    results_dir = write_results(tmp_path / "allure-results", CASES["critical-broken-unverified"][0])
    report = tmp_path / "allure-report"
    run = subprocess.run(
        [str(ROOT / "scripts" / "report"), str(results_dir)],
        cwd=ROOT,
        env=_env(GOLIVE_REPORT_DIR=str(report), GOLIVE_VERDICT_JSON=str(tmp_path / "none.json")),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output  # NO-GO -> the gate fails -> scripts/report exits 1
    assert f"file://{report}/index.html" in output, output
    assert "Quality gate: FAILED" in output, output
    files = sorted(p.name for p in report.iterdir())
    assert "index.html" in files, files
    # single file: no separate data/ or widgets/ folders that file:// could not load
    assert not (report / "data").exists(), files
    assert (report / "index.html").stat().st_size > 100_000
