"""The fault matrix: every sandbox fault makes the critical run NO-GO through the checks it names,
every check has a fault that makes it fail, and the healthy sandbox is GO.
"""

from __future__ import annotations

import pytest

from selftest.golive_runs import golive, listed_checks, sandbox_faults

CATALOG = sandbox_faults()


def test_catalog_has_ten_or_more_faults_each_naming_checks():
    assert len(CATALOG) >= 10
    for fault in CATALOG:
        assert fault["description"] and fault["checks"], fault


def test_every_check_can_be_made_to_fail_and_every_named_check_exists(tmp_path):
    checks = listed_checks(tmp_path)
    named = {check_id for fault in CATALOG for check_id in fault["checks"]}
    assert sorted(set(checks) - named) == [], "checks that no sandbox fault makes fail"
    assert sorted(named - set(checks)) == [], "faults naming checks that do not exist"


#: checks only another flavor's faults make fail (e.g. Arogya's batch stock): the commerce
#: sandbox has no such feature, its profile says so, and the check is not applicable there
ELSEWHERE = {check_id for fault in CATALOG if fault.get("env", "local") != "local" for check_id in fault["checks"]} - {
    check_id for fault in CATALOG if fault.get("env", "local") == "local" for check_id in fault["checks"]}


@pytest.mark.timeout(600)  # every check of the suite, on a loaded 2-core machine: well over pytest's 120 s
def test_healthy_sandbox_is_go_on_every_check(tmp_path):
    run = golive(tmp_path, "--env", "local", "-n", "2", timeout_s=540)
    assert run.exit_code == 0, run.output
    assert run.verdict["decision"] == "GO", run.verdict["reasons"]
    not_passed = {c["id"] for c in run.verdict["checks"] if c["status"] != "passed"}
    assert {c["id"]: c["status"] for c in run.verdict["checks"] if c["id"] in not_passed - ELSEWHERE} == {}
    assert {c["status"] for c in run.verdict["checks"] if c["id"] in not_passed} <= {"not_applicable"}
    assert run.verdict["counts"]["passed"] > 0


@pytest.mark.parametrize("env", sorted({fault["env"] for fault in CATALOG
                                        if fault.get("env", "local") != "local" and not fault.get("env_borne")}))
def test_healthy_flavor_passes_the_checks_its_faults_name(env, tmp_path):
    """A check caught on another flavor passes there when no fault is injected."""
    named = sorted({check_id for fault in CATALOG if fault.get("env") == env for check_id in fault["checks"]})
    run = golive(tmp_path, "--env", env, *[arg for check_id in named for arg in ("--check", check_id)])
    # a check parametrized over services may skip one the profile marks absent (a hosted auth API's health)
    statuses = {check_id: run.status_of(check_id) for check_id in named}
    assert {check_id: s for check_id, s in statuses.items() if "passed" not in s or s - {"passed", "not_applicable"}} == {}


@pytest.mark.parametrize("fault", CATALOG, ids=[fault["name"] for fault in CATALOG])
def test_fault_is_caught_by_its_checks(fault, tmp_path, record_property):
    """The checks a fault names, run against a sandbox with that fault, fail for it: NO-GO."""
    record_property("fault_matrix", fault["name"])  # caught = this test passes
    selection = [argument for check_id in fault["checks"] for argument in ("--check", check_id)]
    # a fault of another sandbox flavor names the env that runs it (optional key, default local)
    # a fault that shows only over time names the arguments that watch for it (optional key "args")
    run = golive(tmp_path, "--env", fault.get("env", "local"), *selection, *fault.get("args", []), faults=fault["name"])
    verdict = run.verdict
    missed = [check_id for check_id in fault["checks"] if "failed" not in run.status_of(check_id)]
    # A critical check's failure is a reason for NO-GO, a non-critical one's a known issue.
    named = [*verdict["reasons"], *verdict["known_issues"]]
    unnamed = [check_id for check_id in fault["checks"] if not any(line.startswith(check_id) for line in named)]
    assert verdict["decision"] != "GO", f"{fault['name']} went unnoticed: {verdict['reasons']}"
    assert missed == [], f"{fault['name']}: these checks did not fail: {missed}\n{verdict['reasons']}"
    assert unnamed == [], f"{fault['name']}: the verdict does not name {unnamed}"
    assert verdict["sandbox_faults"] == fault["name"]
