"""A reports folder never lies: a killed run leaves a verdict that says it did not complete, two
runs cannot share a folder, and a run refused before its first check writes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from selftest.golive_runs import ROOT, golive

PREVIOUS_GO = {"decision": "GO", "complete": True, "reasons": [], "env": "local", "checks": []}


def plant_previous_go(reports: Path) -> None:
    """What an earlier, healthy run left: a GO verdict and a GO decision among the Allure results."""
    (reports / "allure-results").mkdir(parents=True)
    (reports / "verdict.json").write_text(json.dumps(PREVIOUS_GO))
    (reports / "verdict.md").write_text("# golive verdict: **GO**\n")
    (reports / "allure-results" / "0-result.json").write_text(json.dumps({
        "uuid": "0", "name": "Go-live decision: GO", "status": "passed",
        "labels": [{"name": "golive_kind", "value": "decision"}],
    }))


@contextmanager
def running(reports: Path, *args: str, timeout_s: float = 240) -> Iterator[tuple[subprocess.Popen[str], Iterator[str]]]:
    """A golive run in its own process (its output readable line by line); killed when the block ends."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", f"--reports-dir={reports}", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
    )
    watchdog = threading.Timer(timeout_s, process.kill)  # a hung run ends the test, never blocks it
    watchdog.start()
    try:
        assert process.stdout is not None
        yield process, iter(process.stdout.readline, "")
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout:
            process.stdout.close()


def wait_for(lines: Iterator[str], marker: str) -> list[str]:
    """Read the run's output up to the first line holding ``marker``; the lines read."""
    seen = []
    for line in lines:
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"the run ended before printing {marker!r}:\n{''.join(seen)}")


def test_a_run_killed_midway_leaves_a_verdict_that_says_it_did_not_complete(tmp_path):
    reports = tmp_path / "reports"
    plant_previous_go(reports)
    with running(reports, "-m", "critical", "--env", "local", "-v") as (process, lines):
        wait_for(lines, " PASSED")  # a check has finished: the run is under way
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    verdict = json.loads((reports / "verdict.json").read_text())
    assert verdict["complete"] is False
    assert verdict["decision"] == "NO-GO"
    assert verdict["reasons"] == ["the run did not complete"]
    assert verdict["env"] == "local" and verdict["started_at"]
    assert "This run did not complete" in (reports / "verdict.md").read_text()
    results = [json.loads(path.read_text()) for path in (reports / "allure-results").glob("*-result.json")]
    decisions = [r["name"] for r in results if {"name": "golive_kind", "value": "decision"} in r.get("labels", [])]
    assert decisions == ["Go-live decision: NO-GO"]
    assert not list(reports.glob(".verdict.*.tmp")), "no half-written verdict left behind"


def test_a_second_run_on_the_same_reports_folder_is_refused_while_the_first_holds_it(tmp_path):
    reports = tmp_path / "reports"
    with running(reports, "-m", "critical", "--env", "local") as (first, lines):
        wait_for(lines, "test session starts")  # printed after configure: the lock is taken
        second = golive(reports, "-m", "critical", "--env", "local")
        first_still_running = first.poll() is None
        in_progress = json.loads((reports / "verdict.json").read_text())
    assert first_still_running, "the refusal was tested while the first run held the folder"
    assert second.exit_code == 7, second.output
    assert f"another golive run (pid {first.pid}" in second.output
    assert "--reports-dir" in second.output and "Traceback" not in second.output
    assert "golive verdict" not in second.output
    assert in_progress["complete"] is False, "the second run wrote nothing over the first's reports"


@pytest.mark.parametrize("parallel", [(), ("-n", "2")], ids=["sequential", "xdist"])
def test_an_unknown_check_id_is_a_usage_error_that_writes_nothing(tmp_path, parallel):
    reports = tmp_path / "reports"
    plant_previous_go(reports)
    run = golive(reports, "--env", "local", "--check", "SEC-CORS-999", *parallel)
    assert run.exit_code == 4, run.output
    assert "--check names unknown check ids: SEC-CORS-999" in run.output
    assert "golive verdict" not in run.output and "NO-GO" not in run.output
    assert "INTERNALERROR" not in run.output
    assert json.loads((reports / "verdict.json").read_text()) == PREVIOUS_GO
    assert (reports / "verdict.md").read_text() == "# golive verdict: **GO**\n"


def test_a_finished_run_says_it_is_complete(tmp_path):
    run = golive(tmp_path, "--env", "local", "--check", "INF-HEALTH-001")
    assert run.exit_code == 0, run.output
    assert run.verdict["complete"] is True and run.verdict["decision"] == "GO"
    results = [json.loads(path.read_text()) for path in (tmp_path / "allure-results").glob("*-result.json")]
    assert [r["name"] for r in results if r["name"].startswith("Go-live decision")] == ["Go-live decision: GO"]


def test_what_a_run_created_and_did_not_undo_blocks_go_and_is_listed(tmp_path):
    """The post-deploy step "everything created is undone" is a property of the whole run: a create
    of this run still pending at its end (here: announced, never answered) makes it NO-GO, named."""
    tag = "golive-selftest-leftover-1"
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "ledger.jsonl").write_text(json.dumps({
        "event": "intent", "at": "2026-12-03T10:00:00+00:00", "id": "left-1", "tag": tag, "env": "local",
        "service": "api", "check": "MKT-FLOW-001", "description": "cancel test order of buyer (reference r-1)",
        "undo": None, "sweep": None,
    }) + "\n")
    run = golive(reports, "--env", "local", "--check", "SEC-HEADERS-001", environ={"GOLIVE_RUN_TAG": tag})
    assert run.exit_code == 1, run.output
    assert run.verdict["creates"]["left"] == [
        {"description": "cancel test order of buyer (reference r-1)", "env": "local", "service": "api", "answered": False}]
    assert run.verdict["reasons"] == [
        "1 create of this run got no answer, so the target may hold it (cancel test order of buyer (reference r-1)): "
        "run `golive cleanup --env local`, which looks for them"]
    assert "Created on the target: 1 · undone 0 · refused 0 · left 1" in run.output
