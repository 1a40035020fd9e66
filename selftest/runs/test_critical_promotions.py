"""A profile's ``critical: [...]`` naming a check id that does not exist is a configuration error."""

from __future__ import annotations

from pathlib import Path

from selftest.golive_runs import run_in, user_project

CHECK = 'from golive import check\n\n@check("APP-ORDER-001", "Orders load")\ndef test_orders():\n    pass\n'
PROFILE = "name: shop\nservices: [{name: api, base_url: '${API}'}]\ncritical: [%s]\n"


def test_a_typo_in_the_critical_list_stops_the_run_before_any_test(tmp_path: Path):
    project = user_project(tmp_path, {"suites/test_orders.py": CHECK,
                                      "profiles/shop.yaml": PROFILE % "APP-ORDERS-001"})
    completed = run_in(project, "--env", "prod", f"--reports-dir={tmp_path / 'reports'}")
    assert completed.returncode == 6, completed.stdout + completed.stderr
    output = completed.stdout + completed.stderr
    assert "critical: APP-ORDERS-001 is not a check id (did you mean APP-ORDER-001?)" in output
    assert "passed" not in completed.stdout  # nothing ran


def test_a_known_check_outside_the_selection_is_no_error(tmp_path: Path):
    project = user_project(tmp_path, {"suites/test_orders.py": CHECK,
                                      "suites/test_other.py": CHECK.replace("APP-ORDER-001", "APP-OTHER-001")
                                      .replace("test_orders", "test_other"),
                                      "profiles/shop.yaml": PROFILE % "APP-ORDER-001"})
    completed = run_in(project, "--env", "prod", "suites/test_other.py", f"--reports-dir={tmp_path / 'reports'}")
    assert completed.returncode != 6, completed.stdout + completed.stderr
