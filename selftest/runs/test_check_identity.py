"""Check identity as users see it: unique ids, known checklist items, -m critical selects blockers."""

from __future__ import annotations

from pathlib import Path

from golive.checklists import load_checklists
from selftest.golive_runs import ROOT, golive, listed_checks, run_in, user_project


def test_every_item_a_check_names_exists_in_a_checklist(tmp_path: Path):
    known = {item.id for checklist in load_checklists(ROOT / "checklists") for item in checklist.items}
    for check in listed_checks(tmp_path).values():
        assert check["items"], f"{check['id']} verifies no checklist item"
        assert set(check["items"]) <= known, f"{check['id']} names unknown items {set(check['items']) - known}"


def test_critical_marker_selects_exactly_the_critical_checks(tmp_path: Path):
    everything = listed_checks(tmp_path / "all")
    critical = golive(tmp_path / "critical", "--env", "local", "--list-checks", "-q", "-m", "critical")
    selected = {check_id for check_id in everything if f'"id": "{check_id}"' in critical.output}
    assert selected == {check_id for check_id, check in everything.items() if check["critical"]}


def test_check_selection_by_id(tmp_path: Path):
    run = golive(tmp_path, "--env", "local", "--check", "SEC-CORS-003")
    assert run.exit_code == 0, run.output
    assert {check["id"] for check in run.verdict["checks"]} == {"SEC-CORS-003"}
    unknown = golive(tmp_path, "--env", "local", "--check", "SEC-NOPE-001")
    assert unknown.exit_code == 4 and "unknown check ids: SEC-NOPE-001" in unknown.output


def test_duplicate_check_ids_are_refused(tmp_path: Path):
    clash = 'from golive import check\n\n@check("SEC-CORS-001", "{title}")\ndef test_{name}():\n    pass\n'
    project = user_project(tmp_path, {
        "suites/security/test_one.py": clash.format(title="one", name="one"),
        "suites/security/test_two.py": clash.format(title="two", name="two"),
    })
    completed = run_in(project, "--env", "prod")
    assert completed.returncode == 4
    assert "check ids must be unique" in completed.stderr and "SEC-CORS-001" in completed.stderr


def test_a_check_joins_another_section_only_by_a_known_name(tmp_path: Path):
    typo = 'from golive import check\n\n@check("INF-X-001", "x", also={"post_deploi": 1})\ndef test_x():\n    pass\n'
    project = user_project(tmp_path, {"suites/infrastructure/test_x.py": typo})
    completed = run_in(project, "--env", "prod")
    assert completed.returncode == 4
    assert "INF-X-001: also names 'post_deploi', not a section" in completed.stderr


def test_only_a_readonly_check_can_be_observed():
    import pytest

    from golive import check

    with pytest.raises(ValueError, match="only readonly checks can be observed"):
        check("OBS-X-001", "x", safety="mutating", observe=True)
