"""golive.report: verdict.json's stable shape, verdict.md, Allure results aligned with golive's
statuses, the synthetic decision and attestation results, and the terminal panel."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest

from golive.outcomes import Status
from golive.report import allure
from golive.report.files import (
    ReportsBusy,
    in_progress_document,
    lock_reports,
    render_markdown,
    verdict_document,
    write_json,
    write_markdown,
)
from golive.report.terminal import colour_of, panel_lines
from golive.signoffs import Attestation, Signoffs, Waiver
from golive.verdict import GO, GO_WITH_EXCEPTIONS, NO_GO, CheckResult, decide

TODAY = date(2025, 6, 1)
RUN = {
    "env": "staging",
    "env_kind": "staging",
    "profile": "shop",
    "started_at": "2025-06-01T09:30:00+00:00",
    "finished_at": "2025-06-01T09:31:12+00:00",
    "duration_s": 72.41,
    "commit": "94b1ea3",
    "flags": {"allow_writes": True, "allow_load": False, "confirm_live_payment": False},
}


def check(check_id: str, status: Status, *, critical: bool = True, message: str = "", **extra) -> CheckResult:
    return CheckResult(
        id=check_id,
        title=f"title of {check_id}",
        status=status,
        critical=critical,
        items=("RS-3.2",),
        safety="readonly",
        message=message,
        nodeid=f"suites/security/test_x.py::test_{check_id.lower().replace('-', '_')}",
        **extra,
    )


@pytest.fixture
def no_go_document() -> dict:
    signoffs = Signoffs(
        waivers=[Waiver(check="SEC-HEADERS-002", reason="CDN rollout", approver="Priya", expires=date(2025, 6, 30))],
        attestations=[Attestation(item="S7.uat-signed", by="Anita Rao", role="QA lead", date=date(2025, 5, 30))],
    )
    verdict = decide(
        [
            check("SEC-CORS-001", Status.FAILED, message="cors-untrusted-origin-reflected | evil\n  expected: ..."),
            check("SEC-HEADERS-002", Status.FAILED, message="csp-not-implemented"),
            check("INF-HEALTH-001", Status.PASSED, param="api"),
            check("OBS-LOGS-001", Status.FAILED, critical=False, message="no request id"),
            check("INT-WA-001", Status.NOT_APPLICABLE, message="the profile says the target has no WhatsApp"),
        ],
        signoffs,
        required_attestations=["S7.uat-signed", "S6.oncall-published"],
        today=TODAY,
    )
    return verdict_document(verdict, RUN)


# --- verdict.json ---------------------------------------------------------------------------


def test_verdict_document_has_the_stable_keys(no_go_document):
    document = no_go_document

    for key in ("decision", "reasons", "env", "profile", "started_at", "duration_s", "checks"):
        assert key in document
    assert document["decision"] == NO_GO
    assert document["reasons"] == [
        "SEC-CORS-001 failed: cors-untrusted-origin-reflected | evil",
        "attestation missing for S6.oncall-published",
    ]
    assert (document["env"], document["profile"], document["commit"]) == ("staging", "shop", "94b1ea3")
    assert document["counts"] == {
        "passed": 1, "failed": 2, "broken": 0, "not_applicable": 1, "unverified": 0, "waived": 1,
    }
    for item in document["checks"]:
        assert {"id", "title", "status", "critical", "items", "safety", "message"} <= item.keys()
    first = document["checks"][0]
    assert (first["id"], first["status"], first["critical"], first["items"], first["safety"]) == (
        "SEC-CORS-001", "failed", True, ["RS-3.2"], "readonly",
    )
    waived = document["checks"][1]
    assert waived["status"] == "waived"
    assert waived["waiver"]["was"] == "failed"
    assert document["attestations"] == [
        {"item": "S7.uat-signed", "status": "passed", "by": "Anita Rao", "role": "QA lead", "date": "2025-05-30", "evidence": ""},
        {"item": "S6.oncall-published", "status": "unverified", "by": "", "role": "", "date": "", "evidence": ""},
    ]


def test_verdict_document_round_trips_through_json(no_go_document, tmp_path):
    path = tmp_path / "reports" / "verdict.json"

    write_json(no_go_document, path)

    assert json.loads(path.read_text(encoding="utf-8")) == no_go_document


# --- verdict.md -----------------------------------------------------------------------------


def test_markdown_renders_decision_reasons_known_issues_and_checks(no_go_document):
    text = render_markdown(no_go_document)

    assert text.startswith("# golive verdict: **NO-GO**\n")
    assert "env `staging` (staging) · profile `shop` · started 2025-06-01T09:30:00+00:00 · 72.4 s · commit `94b1ea3`" in text
    assert "## Why not GO" in text
    assert "- attestation missing for S6.oncall-published" in text
    assert "## Known issues" in text
    assert "- OBS-LOGS-001 failed: no request id" in text
    assert "1 passed, 2 failed, 1 not applicable, 1 waived" in text
    assert "| ✅ passed | `INF-HEALTH-001[api]` | title of INF-HEALTH-001 | yes |  |" in text
    assert "| S7.uat-signed | passed | Anita Rao | QA lead | 2025-05-30 |" in text


def test_markdown_escapes_pipes_so_tables_keep_their_columns(no_go_document):
    text = render_markdown(no_go_document)

    assert "- SEC-CORS-001 failed: cors-untrusted-origin-reflected \\| evil" in text
    row = next(line for line in text.splitlines() if "`SEC-CORS-001`" in line)
    assert "cors-untrusted-origin-reflected \\| evil" in row
    # 6 column separators for 5 columns: the escaped pipe is not one
    assert row.replace("\\|", "").count("|") == 6


def test_markdown_escapes_pipes_in_attestation_cells(no_go_document):
    no_go_document["attestations"][0]["role"] = "QA | release lead"

    row = next(line for line in render_markdown(no_go_document).splitlines() if line.startswith("| S7.uat-signed"))

    assert row.replace("\\|", "").count("|") == 6


def test_markdown_of_a_go_run_has_no_reasons_section(tmp_path):
    verdict = decide([check("SEC-CORS-001", Status.PASSED)], Signoffs(), today=TODAY)
    document = verdict_document(verdict, {**RUN, "commit": ""})

    path = tmp_path / "verdict.md"
    write_markdown(document, path)
    text = path.read_text(encoding="utf-8")

    assert text.startswith("# golive verdict: **GO**")
    assert "Why not GO" not in text
    assert "Known issues" not in text
    assert "commit `-`" in text


# --- Allure ---------------------------------------------------------------------------------


def allure_result(results_dir: Path, nodeid: str | None, status: str, message: str = "", labels=()) -> Path:
    """One result file in the shape allure-pytest writes."""
    result = {
        "uuid": str(uuid.uuid4()),
        "name": nodeid or "not a check",
        "status": status,
        "stage": "finished",
        "labels": [{"name": "severity", "value": "blocker"}, *labels]
        + ([{"name": allure.NODEID_LABEL, "value": nodeid}] if nodeid else []),
    }
    if message:
        result["statusDetails"] = {"message": message}
    path = results_dir / f"{result['uuid']}-result.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    return path


def labels_of(result: dict) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"]}


@pytest.mark.parametrize(
    "golive_status, critical, allure_saw, expected",
    [
        ("passed", True, "passed", "passed"),
        ("failed", True, "failed", "failed"),
        ("broken", False, "broken", "broken"),
        ("unverified", True, "skipped", "broken"),
        ("unverified", False, "skipped", "skipped"),
        ("not_applicable", True, "skipped", "skipped"),
        ("waived", True, "failed", "failed"),
        ("waived", True, "broken", "broken"),
    ],
)
def test_align_results_maps_golive_status_to_allure_status(tmp_path, golive_status, critical, allure_saw, expected):
    nodeid = "suites/security/test_cors.py::test_refused_origin"
    path = allure_result(tmp_path, nodeid, allure_saw, message="Skipped: something", labels=[{"name": "golive_status", "value": "stale"}])
    checks = {nodeid: {"status": golive_status, "critical": critical, "message": f"{golive_status}: because"}}

    assert allure.align_results(tmp_path, checks) == 1

    result = json.loads(path.read_text(encoding="utf-8"))
    assert result["status"] == expected
    assert [label["value"] for label in result["labels"] if label["name"] == "golive_status"] == [golive_status]
    assert labels_of(result)["severity"] == "blocker"
    if golive_status != "passed":
        assert result["statusDetails"]["message"] == f"{golive_status}: because"


def test_align_results_leaves_results_that_are_not_checks_alone(tmp_path):
    other = allure_result(tmp_path, None, "passed")
    unknown = allure_result(tmp_path, "suites/x.py::test_gone", "failed")
    before = (other.read_text(encoding="utf-8"), unknown.read_text(encoding="utf-8"))

    assert allure.align_results(tmp_path, {"suites/y.py::test_other": {"status": "passed", "critical": True, "message": ""}}) == 0

    assert (other.read_text(encoding="utf-8"), unknown.read_text(encoding="utf-8")) == before


def test_align_results_keeps_allure_message_when_golive_has_none(tmp_path):
    nodeid = "suites/e2e/test_order.py::test_place"
    path = allure_result(tmp_path, nodeid, "broken", message="ConnectError")

    allure.align_results(tmp_path, {nodeid: {"status": "broken", "critical": True, "message": ""}})

    assert json.loads(path.read_text(encoding="utf-8"))["statusDetails"]["message"] == "ConnectError"


def only_result(results_dir: Path) -> dict:
    [path] = list(results_dir.glob("*-result.json"))
    result = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == f"{result['uuid']}-result.json"
    for key in ("uuid", "historyId", "name", "fullName", "status", "stage", "start", "stop", "labels"):
        assert key in result
    assert result["stage"] == "finished"
    return result


def test_write_decision_no_go_is_a_failed_blocker_result(tmp_path, no_go_document):
    allure.write_decision(tmp_path, no_go_document)

    result = only_result(tmp_path)
    assert result["name"] == "Go-live decision: NO-GO"
    assert result["status"] == "failed"
    assert result["statusDetails"]["message"] == "; ".join(no_go_document["reasons"])
    assert labels_of(result) == {
        "golive_kind": "decision",
        "severity": "blocker",
        "epic": "Go-live decision",
        "tag": "critical",
        "golive_status": "failed",
    }
    assert result["description"].startswith("Decision: NO-GO\n\n- SEC-CORS-001 failed")
    assert "\n\nKnown issues:\n" in result["description"]
    assert result["description"].endswith("\n- OBS-LOGS-001 failed: no request id")


@pytest.mark.parametrize("decision", [GO, GO_WITH_EXCEPTIONS])
def test_write_decision_go_is_a_passed_result_with_a_stable_history_id(tmp_path, decision):
    document = {"decision": decision, "reasons": [], "known_issues": []}
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()

    allure.write_decision(first, document)
    allure.write_decision(second, {**document, "decision": NO_GO, "reasons": ["no critical check ran"]})

    result = only_result(first)
    assert result["status"] == "passed"
    assert result["statusDetails"] == {}
    assert "every selected check passed or was validly waived" in result["description"]
    assert result["historyId"] == only_result(second)["historyId"]


def test_write_attestations_signed_and_missing(tmp_path, no_go_document):
    allure.write_attestations(tmp_path, no_go_document["attestations"])

    results = {
        r["name"]: r for r in (json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.glob("*-result.json"))
    }
    signed = results["Attestation: S7.uat-signed"]
    missing = results["Attestation: S6.oncall-published"]
    assert signed["status"] == "passed"
    assert signed["description"] == "Signed by Anita Rao (QA lead) on 2025-05-30"
    assert labels_of(signed)["golive_status"] == "passed"
    assert labels_of(signed)["story"] == "S7.uat-signed"
    assert missing["status"] == "broken"
    assert missing["statusDetails"] == {"message": "unverified: attestation missing"}
    assert labels_of(missing)["golive_status"] == "unverified"
    assert labels_of(missing)["golive_kind"] == "attestation"
    assert signed["historyId"] != missing["historyId"]


def test_write_environment_writes_properties_executor_and_categories(tmp_path, no_go_document):
    allure.write_environment(tmp_path, no_go_document, {"name": "GitHub Actions", "type": "github", "buildOrder": 7})

    properties = (tmp_path / "environment.properties").read_text(encoding="utf-8").splitlines()
    assert "Decision=NO-GO" in properties
    assert "Env=staging (staging)" in properties
    assert "Flags=allow_writes" in properties
    assert json.loads((tmp_path / "executor.json").read_text(encoding="utf-8"))["buildOrder"] == 7
    categories = json.loads((tmp_path / "categories.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in categories][0].startswith("Environment problems")


# --- terminal -------------------------------------------------------------------------------


def test_panel_lists_reasons_known_issues_and_outputs(no_go_document):
    lines = panel_lines(no_go_document, outputs=["reports/verdict.json", "reports/verdict.md"])

    assert lines[0] == "env staging (staging) · profile shop · 5 results: 1 passed, 2 failed, 1 not applicable, 1 waived"
    assert lines[1] == "Why not GO:"
    assert lines[2] == "  ✗ SEC-CORS-001 failed: cors-untrusted-origin-reflected | evil"
    assert "Known issues (not blocking):" in lines
    assert lines[-1] == "Reports: reports/verdict.json · reports/verdict.md"


def test_panel_truncates_long_reason_lists(no_go_document):
    no_go_document["reasons"] = [f"reason {n}" for n in range(30)]

    lines = panel_lines(no_go_document, outputs=[], limit=25)

    assert sum(line.startswith("  ✗") for line in lines) == 25
    assert "  … and 5 more (see verdict.md)" in lines


@pytest.mark.parametrize("decision, colour", [(GO, "green"), (GO_WITH_EXCEPTIONS, "yellow"), (NO_GO, "red")])
def test_decision_colours(decision, colour):
    assert colour_of(decision) == colour


def test_an_in_progress_verdict_is_an_incomplete_no_go_and_says_so(tmp_path):
    document = in_progress_document(RUN)
    assert (document["decision"], document["complete"], document["reasons"]) == (NO_GO, False, ["the run did not complete"])
    assert document["env"] == "staging" and document["checks"] == []
    write_json(document, tmp_path / "verdict.json")
    write_markdown(document, tmp_path / "verdict.md")
    assert json.loads((tmp_path / "verdict.json").read_text()) == document
    markdown = (tmp_path / "verdict.md").read_text()
    assert "# golive verdict: **NO-GO**" in markdown and "This run did not complete" in markdown
    assert "- the run did not complete" in markdown
    lines = panel_lines({**document, "complete": False}, outputs=[])
    assert any("did not complete" in line for line in lines)


def test_a_finished_verdict_is_complete_and_replaces_the_file_whole(tmp_path, no_go_document):
    assert no_go_document["complete"] is True
    target = tmp_path / "verdict.json"
    write_json(in_progress_document(RUN), target)
    write_json(no_go_document, target)
    assert json.loads(target.read_text())["complete"] is True
    assert [path.name for path in tmp_path.iterdir()] == ["verdict.json"], "no temporary file left behind"


def test_remove_decisions_removes_only_decision_results(tmp_path, no_go_document):
    allure.write_decision(tmp_path, in_progress_document(RUN))
    allure.write_attestations(tmp_path, no_go_document["attestations"])
    kept = len(list(tmp_path.glob("*-result.json"))) - 1
    assert allure.remove_decisions(tmp_path) == 1
    assert len(list(tmp_path.glob("*-result.json"))) == kept


def test_a_reports_folder_is_locked_by_one_holder_at_a_time(tmp_path):
    first = lock_reports(tmp_path / "reports")
    with pytest.raises(ReportsBusy) as busy:
        lock_reports(tmp_path / "reports")
    assert busy.value.holder.startswith(f"pid {__import__('os').getpid()}, started ")
    first.release()
    lock_reports(tmp_path / "reports").release()  # free again once released
