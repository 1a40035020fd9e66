"""The conformance tier's judgement: true and false findings, unreported expectations, caught settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.judge import failures, judge_default, judge_misconfiguration, status_counts
from conformance.systems import (
    ExpectedFinding,
    Install,
    Misconfiguration,
    SystemDefinitionError,
    discover,
    install_key,
    load_expected,
    load_system,
)

ROOT = Path(__file__).resolve().parents[2]


def check(check_id: str, status: str, param: str = "") -> dict[str, str]:
    return {"id": check_id, "param": param, "status": status, "title": f"title of {check_id}",
            "message": f"{check_id} found something\n  expected: x\n  found: y"}


def expected(check_id: str, param: str | None = None) -> ExpectedFinding:
    return ExpectedFinding(check=check_id, param=param, evidence="the server really sends no such header")


def test_only_failed_results_are_failures():
    checks = [check("SEC-A", "failed"), check("SEC-B", "passed"), check("SEC-C", "unverified"),
              check("SEC-D", "failed", "admin")]

    assert [f.label for f in failures(checks)] == ["SEC-A", "SEC-D[admin]"]
    assert status_counts(checks) == {"failed": 2, "passed": 1, "unverified": 1}


def test_a_failure_not_in_the_expected_findings_is_a_false_finding():
    judgement = judge_default(failures([check("SEC-A", "failed"), check("SEC-B", "failed")]), [expected("SEC-A")])

    assert [f.label for f in judgement.true_findings] == ["SEC-A"]
    assert [f.label for f in judgement.false_findings] == ["SEC-B"]
    assert not judgement.ok


def test_an_expectation_without_param_covers_every_parametrisation_and_one_with_param_only_that_one():
    failed = failures([check("SEC-A", "failed", "admin"), check("SEC-A", "failed", "bob"),
                       check("SEC-B", "failed", "admin"), check("SEC-B", "failed", "bob")])

    judgement = judge_default(failed, [expected("SEC-A"), expected("SEC-B", "admin")])

    assert [f.label for f in judgement.true_findings] == ["SEC-A[admin]", "SEC-A[bob]", "SEC-B[admin]"]
    assert [f.label for f in judgement.false_findings] == ["SEC-B[bob]"]


def test_an_expected_finding_golive_did_not_report_is_not_ok():
    judgement = judge_default(failures([check("SEC-A", "passed")]), [expected("SEC-A")])

    assert judgement.false_findings == []
    assert [f.check for f in judgement.missed] == ["SEC-A"]
    assert not judgement.ok


def test_every_expectation_reported_and_nothing_else_is_ok():
    judgement = judge_default(failures([check("SEC-A", "failed"), check("SEC-B", "passed")]), [expected("SEC-A")])

    assert judgement.ok


MISCONFIGURATION = Misconfiguration(name="cors-any-origin", description="cors_origins = *",
                                    env={"KINTO_CORS_ORIGINS": "*"}, expected_checks=["SEC-CORS-002", "SEC-CORS-003"],
                                    also_fails={"SEC-CORS-004": "look-alike origins are allowed too"})


def test_a_misconfiguration_is_caught_only_when_every_expected_check_failed():
    partly = judge_misconfiguration(MISCONFIGURATION, failures([check("SEC-CORS-002", "failed")]), [])
    fully = judge_misconfiguration(MISCONFIGURATION, failures([check("SEC-CORS-002", "failed"),
                                                               check("SEC-CORS-003", "failed", "GET /")]), [])

    assert (partly.caught, partly.missed_checks) == (False, ["SEC-CORS-003"])
    assert (fully.caught, fully.missed_checks, fully.ok) == (True, [], True)


def test_failures_a_misconfiguration_run_cannot_explain_are_reported():
    failed = failures([check("SEC-CORS-002", "failed"), check("SEC-CORS-003", "failed"),
                       check("SEC-CORS-004", "failed"), check("SEC-HEADERS-001", "failed"),
                       check("SEC-AUTH-001", "failed", "admin")])

    judgement = judge_misconfiguration(MISCONFIGURATION, failed, [expected("SEC-HEADERS-001")])

    assert [f.label for f in judgement.unexplained] == ["SEC-AUTH-001[admin]"]
    assert judgement.caught and not judgement.ok


def test_the_install_key_changes_with_the_spec_and_the_interpreter():
    base = install_key(Install(pip=["kinto==26.5.0"]), "3.11.7")

    assert install_key(Install(pip=["kinto==26.5.0"]), "3.11.7") == base
    assert install_key(Install(pip=["kinto==26.4.0"]), "3.11.7") != base
    assert install_key(Install(pip=["kinto==26.5.0"]), "3.12.1") != base


@pytest.mark.parametrize("name", discover(ROOT))
def test_every_committed_system_definition_loads(name):
    folder = ROOT / "conformance" / name

    system = load_system(folder)
    findings = load_expected(folder).findings

    assert system.name == name and len(system.misconfigurations) >= 3
    assert all(finding.evidence for finding in findings)


def test_a_system_definition_with_an_unknown_key_is_refused(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "system.yaml").write_text("name: shop\nlogin: json\ninstal: {pip: [x]}\n", encoding="utf-8")

    with pytest.raises(SystemDefinitionError, match="instal"):
        load_system(folder)
