"""Coverage of checklists by checks and attestations, and the golive coverage / attest commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from golive.checklists import Checklist
from golive.checks import CheckSpec
from golive.cli import main
from golive.coverage import coverage_of, required_attestations, unknown_items

ROOT = Path(__file__).resolve().parents[2]


def checklist(*items: dict) -> Checklist:
    return Checklist.model_validate({
        "name": "shop", "title": "Shop", "seed": "shop.md",
        "items": [{"section": "S", "text": f"item {n}", "line": n + 1, **item} for n, item in enumerate(items)],
    })


CATALOG = checklist(
    {"id": "shop:HEALTH-01", "critical": True, "verify": {"by": "checks", "hint": "GET /health"}},
    {"id": "shop:HEALTH-02", "critical": True, "verify": {"by": "checks", "hint": "GET /ready"}},
    {"id": "shop:OPS-01", "critical": True, "verify": {"by": "attestation", "role": "Ops Lead"}},
    {"id": "shop:OPS-02", "critical": False, "verify": {"by": "attestation", "role": "Ops Lead"}},
    {"id": "shop:META-01", "critical": False, "verify": {"by": "not_applicable", "reason": "a sign-off line"}},
    {"id": "shop:PERF-01", "critical": False, "verify": {"by": "checks", "hint": "p95"}},
)
CHECKS = [CheckSpec("INF-HEALTH-001", "live", items=("shop:HEALTH-01", "shop:OPS-02"))]


def test_items_are_automated_attested_not_applicable_or_unmapped():
    row = coverage_of(CATALOG, CHECKS)
    assert (row.items, row.automated, row.attested, row.not_applicable, row.unmapped) == (6, 2, 1, 1, 2)
    assert row.unmapped_critical == ["shop:HEALTH-02"]
    assert row.unmapped_items == ["shop:HEALTH-02", "shop:PERF-01"]


def test_a_check_naming_an_attestation_item_automates_it_and_no_signature_is_needed():
    assert required_attestations([CATALOG], CHECKS) == ["shop:OPS-01"]
    automated = [*CHECKS, CheckSpec("OPS-RUNBOOK-001", "runbook", items=("shop:OPS-01",))]
    assert required_attestations([CATALOG], automated) == []


def test_items_that_no_catalog_has_are_reported():
    assert unknown_items([CATALOG], [CheckSpec("SEC-X-001", "x", items=("shop:HEALTH-01", "shop:TYPO-01"))]) == {
        "SEC-X-001": ["shop:TYPO-01"]
    }


def test_coverage_command_reports_every_catalog_as_json(capsys):
    assert main(["--root", str(ROOT), "coverage", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {row["name"] for row in report["checklists"]}
    assert names == {"arogya", "whatsapp_tracker", "realserv", "consolidated", "inventory"}
    for row in report["checklists"]:
        assert {"name", "items", "automated", "attested", "not_applicable", "unmapped", "unmapped_critical"} <= set(row)
        assert row["items"] == row["automated"] + row["attested"] + row["not_applicable"] + row["unmapped"]
    assert report["unknown_items"] == {}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "shop.yaml").write_text(yaml.safe_dump(CATALOG.model_dump(mode="json", exclude_none=True)))
    (tmp_path / "suites").mkdir()
    return tmp_path


def test_attest_records_a_valid_attestation_and_replaces_an_older_one(project: Path, capsys):
    for by in ("Asha Rao", "Vikram Singh"):
        assert main(["--root", str(project), "attest", "shop:OPS-01", "--env", "prod", "--by", by,
                     "--role", "Ops Lead", "--evidence", "https://tickets.example/OPS-7", "--date", "2026-11-20"]) == 0
    written = yaml.safe_load((project / "signoffs" / "prod" / "attestations.yaml").read_text())
    assert written == {"attestations": [{"item": "shop:OPS-01", "by": "Vikram Singh", "role": "Ops Lead",
                                         "date": "2026-11-20", "evidence": "https://tickets.example/OPS-7"}]}
    assert "attested shop:OPS-01 for prod" in capsys.readouterr().out


def test_attest_refuses_an_unknown_item(project: Path, capsys):
    assert main(["--root", str(project), "attest", "shop:NOPE-01", "--env", "prod", "--by", "A B", "--role", "QA"]) == 4
    assert "no checklist item 'shop:NOPE-01'" in capsys.readouterr().err


def test_in_a_run_an_item_counts_automated_only_when_a_check_judged_it():
    from golive.coverage import CheckOutcome, run_coverage_of

    checks = [CheckSpec("INF-HEALTH-001", "live", items=("shop:HEALTH-01",)),
              CheckSpec("INF-HEALTH-002", "ready", items=("shop:HEALTH-02",)),
              CheckSpec("PERF-LAT-001", "p95", items=("shop:PERF-01",))]
    no_liveness = "the profile says the target has no liveness path for api"
    outcomes = [CheckOutcome("INF-HEALTH-001", "not_applicable", no_liveness),
                CheckOutcome("INF-HEALTH-002", "failed", "not ready"),
                CheckOutcome("PERF-LAT-001", "unverified", "no budget")]
    row = run_coverage_of(CATALOG, checks, outcomes, declared_not_applicable={})
    assert (row["mapped"], row["automated"], row["unverified"]) == (3, 1, 2)  # a failed check did verify its item
    # the checklist requires a liveness endpoint the profile says the system lacks: required, not absent
    assert row["absent_required"] == [{"item": "shop:HEALTH-01", "check": "INF-HEALTH-001", "reason": no_liveness}]

    declared = run_coverage_of(CATALOG, checks, outcomes,
                               declared_not_applicable={"shop:HEALTH-01": "a hosted API without a process to probe"})
    assert declared["absent_required"] == [] and declared["not_applicable"] == row["not_applicable"] + 1
