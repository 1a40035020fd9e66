"""Each seed system's profile against the sandbox in that system's flavor (``--env <system>-local``).

The healthy flavor is GO on its critical checks with its checklist fully accounted for (every
critical item automated or attested by the flavor's demo sign-offs); removing one attestation
makes it NO-GO, naming the item. (Each fault making a flavor NO-GO is the fault matrix's job.)
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from selftest.golive_runs import ROOT, golive

SYSTEMS = ["whatsapp_tracker", "consolidated", "arogya", "inventory", "realserv"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_healthy_flavor_is_go_on_its_critical_checks(tmp_path, system):
    run = golive(tmp_path, "-m", "critical", "--env", f"{system}-local", timeout_s=240)
    verdict = run.verdict
    assert verdict["decision"] == "GO" and run.exit_code == 0, "\n".join(verdict["reasons"]) or run.output
    assert verdict["profile"] == system and verdict["env"] == f"{system}-local"
    (checklist,) = [c for c in verdict["coverage"]["checklists"] if c["name"] == system]
    assert checklist["unmapped"] == 0 and checklist["unmapped_critical"] == []
    statuses = {c["status"] for c in verdict["checks"]}
    assert "passed" in statuses and statuses <= {"passed", "not_applicable"}, statuses


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_removed_attestation_makes_the_flavor_no_go(tmp_path, system):
    signoffs = tmp_path / "signoffs"
    shutil.copytree(ROOT / "signoffs", signoffs)
    attestations = signoffs / f"{system}-local" / "attestations.yaml"
    document = yaml.safe_load(attestations.read_text())
    removed = document["attestations"].pop(0)["item"]
    attestations.write_text(yaml.safe_dump(document))
    run = golive(tmp_path / "reports", "-m", "critical", "--env", f"{system}-local", f"--signoffs-dir={signoffs}",
                 "--check", "INF-HEALTH-001", timeout_s=120)
    assert run.verdict["decision"] == "NO-GO" and run.exit_code == 1
    assert f"attestation missing for {removed}" in run.verdict["reasons"], run.verdict["reasons"]
