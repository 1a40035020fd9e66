"""Arogya's staged runbook on its sandbox flavor: ``--gate S3`` runs S0-S3 in order and stops at a
failed S2 (Inventory Initialization); the healthy flavor passes every stage it can check."""

from __future__ import annotations

import re

from golive.checklists import Stage
from golive.gates import stage_summary
from selftest.golive_runs import golive

STAGE_ORDER = ["S0", "S1", "S2", "S3"]


def test_gate_s3_stops_at_a_failed_s2(tmp_path):
    run = golive(tmp_path, "--env", "arogya-local", "--gate", "S3", "-v", faults="stock_all_expired", timeout_s=120)
    verdict = run.verdict
    assert verdict["decision"] == "NO-GO" and run.exit_code == 1, run.output
    assert [(s["id"], s["status"]) for s in verdict["stages"]] == [
        ("S0", "passed"), ("S1", "passed"), ("S2", "failed"), ("S3", "blocked")], run.output
    stage_of = {c["nodeid"]: c["stage"] for c in verdict["checks"]}
    ran = [stage_of[nodeid] for nodeid in re.findall(r"^(suites/\S+) (?:PASSED|FAILED|SKIPPED)", run.output, re.M)]
    assert ran and ran == sorted(ran, key=STAGE_ORDER.index), f"the gate runs stage by stage: {ran}"
    assert {"S0", "S1"} <= set(ran)
    assert run.status_of("DAT-BATCH-003") == {"failed"}
    assert any(reason.startswith("DAT-BATCH-003 failed: ") for reason in verdict["reasons"]), verdict["reasons"]
    # only the injected defect fails: the rest of S2 is healthy
    assert [c["id"] for c in verdict["checks"] if c["status"] in ("failed", "broken")] == ["DAT-BATCH-003"]


def test_healthy_gate_s3_has_no_failed_or_broken_check(tmp_path):
    run = golive(tmp_path, "--env", "arogya-local", "--gate", "S3", timeout_s=120)
    verdict = run.verdict
    bad = [f"{c['id']}: {c['status']} {c['message']}" for c in verdict["checks"] if c["status"] in ("failed", "broken")]
    assert not bad, "\n".join(bad)
    stages = {s["id"]: s["status"] for s in verdict["stages"]}
    assert stages["S0"] == stages["S1"] == stages["S2"] == "passed", verdict["stages"]
    assert {c["id"] for c in verdict["checks"] if c["status"] == "passed"} >= {
        "DAT-MASTER-001", "DAT-BATCH-001", "DAT-BATCH-002", "DAT-BATCH-003"}


def test_a_stage_without_checks_after_a_failed_blocker_is_blocked():
    stages = [Stage(id=f"S{n}", order=n, gate="blocker", title=f"stage {n}", owners=["Ops"]) for n in range(3)]
    results = [{"stage": "S0", "status": "passed", "message": ""}, {"stage": "S1", "status": "failed", "message": "x"}]
    assert [s["status"] for s in stage_summary(stages, results)] == ["passed", "failed", "blocked"]
    assert [s["status"] for s in stage_summary(stages, results[:1])] == ["passed", "no checks", "no checks"]
