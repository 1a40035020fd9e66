"""Stage gates: --gate runs the stages in order and a failed blocker stage blocks the later ones."""

from __future__ import annotations

import json
import re

from selftest.golive_runs import run_in, user_project

RUNBOOK = """\
name: shop
title: Shop runbook
seed: shop.md
staged: true
stages:
  - {id: S0, order: 0, gate: blocker, title: Platform, owners: [Tech Lead]}
  - {id: S1, order: 1, gate: blocker, title: Master data, owners: [Ops]}
  - {id: S2, order: 2, gate: blocker, title: Inventory, owners: [Ops]}
  - {id: S3, order: 3, gate: exception_allowed, title: Integrations, owners: [Tech]}
  - {id: S4, order: 4, gate: blocker, title: Cutover, owners: [Tech Lead]}
items:
  - {id: "shop:S0-01", stage: S0, section: S0, text: health, line: 1, critical: true, verify: {by: checks, hint: h}}
  - {id: "shop:S1-01", stage: S1, section: S1, text: entities, line: 2, critical: true, verify: {by: checks, hint: h}}
  - {id: "shop:S2-01", stage: S2, section: S2, text: batches, line: 3, critical: true, verify: {by: checks, hint: h}}
  - {id: "shop:S3-01", stage: S3, section: S3, text: sms, line: 4, critical: false, verify: {by: checks, hint: h}}
  - {id: "shop:S4-01", stage: S4, section: S4, text: cutover, line: 5, critical: true, verify: {by: attestation, role: Tech Lead}}
"""
# Declared in reverse order on purpose: the gate runs them stage by stage.
CHECKS = """
import os
from golive import check

@check("E2E-SMS-001", "sms", items=["shop:S3-01"])
def test_sms():
    pass

@check("DAT-BATCH-001", "batches", critical=True, items=["shop:S2-01"])
def test_batches():
    assert os.environ.get("BATCHES_OK") == "1", "no batch stock"

@check("DAT-ENTITY-001", "entities", critical=True, items=["shop:S1-01"])
def test_entities():
    pass

@check("INF-HEALTH-001", "health", critical=True, items=["shop:S0-01"])
def test_health():
    pass
"""


def project(tmp_path):
    return user_project(tmp_path, {
        "checklists/shop.yaml": RUNBOOK,
        "profiles/shop.yaml": "name: shop\nchecklists: [shop]\nservices: [{name: api, base_url: '${API}'}]\n",
        "suites/e2e/test_runbook.py": CHECKS,
    })


def verdict_of(root):
    return json.loads((root / "reports" / "verdict.json").read_text())


def test_a_failed_blocker_stage_blocks_the_later_stages(tmp_path):
    root = project(tmp_path)
    completed = run_in(root, "--env", "prod", "--gate", "S3", "-v")
    ran = re.findall(r"^suites/e2e/test_runbook.py::(test_\w+) (?:PASSED|FAILED|SKIPPED)", completed.stdout, re.M)
    assert ran == ["test_health", "test_entities", "test_batches", "test_sms"], completed.stdout
    verdict = verdict_of(root)
    assert verdict["decision"] == "NO-GO"
    assert [(s["id"], s["status"]) for s in verdict["stages"]] == [
        ("S0", "passed"), ("S1", "passed"), ("S2", "failed"), ("S3", "blocked")]
    sms = next(c for c in verdict["checks"] if c["id"] == "E2E-SMS-001")
    assert sms["status"] == "unverified" and sms["message"].startswith("blocked: stage S2 (Inventory)")
    assert "stage S4" not in json.dumps(verdict["reasons"]), "S4's attestation is not due in a run up to S3"


def test_a_run_up_to_a_passing_stage_is_go(tmp_path):
    root = project(tmp_path)
    run_in(root, "--env", "prod", "--gate", "S1")
    verdict = verdict_of(root)
    assert verdict["decision"] == "GO", verdict["reasons"]
    assert {c["id"] for c in verdict["checks"]} == {"INF-HEALTH-001", "DAT-ENTITY-001"}


def test_the_full_runbook_needs_the_cutover_attestation(tmp_path):
    root = project(tmp_path)
    run_in(root, "--env", "prod", "--gate", "S4", environ={"BATCHES_OK": "1"})
    verdict = verdict_of(root)
    assert verdict["reasons"] == ["attestation missing for shop:S4-01"]
    assert [s["status"] for s in verdict["stages"]] == ["passed", "passed", "passed", "passed", "no checks"]


def test_gates_refuse_parallel_runs_and_unknown_stages(tmp_path):
    root = project(tmp_path)
    parallel = run_in(root, "--env", "prod", "--gate", "S3", "-n", "2")
    assert parallel.returncode == 4 and "drop -n" in parallel.stderr
    unknown = run_in(root, "--env", "prod", "--gate", "S9")
    assert unknown.returncode == 4 and "shop has stages S0, S1, S2, S3, S4" in unknown.stderr
