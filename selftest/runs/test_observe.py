"""--observe and ``golive watch``: the checks that watch a signal run over a window and are decided on
all of it; a fault that flaps for part of the window is caught; Ctrl-C gives a verdict on the time
observed, marked as shorter than asked. Seconds-scale windows: the waiting is the product's own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from selftest.golive_runs import ROOT, golive

OBSERVED = {"INF-HEALTH-001", "INF-HEALTH-002", "INF-HEALTH-003", "INF-HEALTH-004", "REL-ROLLOUT-001",
            "PERF-LAT-001", "OBS-SENTRY-002"}


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))}


def test_a_flapping_liveness_is_caught_by_a_window(tmp_path):
    run = golive(tmp_path, "--env", "local", "--check", "INF-HEALTH-001", "--observe", "20s", "--every", "2s",
                 faults="liveness_flaps")
    assert run.verdict["decision"] == "NO-GO", run.output
    check = next(c for c in run.verdict["checks"] if c["id"] == "INF-HEALTH-001")
    assert check["status"] == "failed"
    assert "breached during the observation window" in check["message"]
    assert "samples breached" in check["findings"][0]["found"]
    observation = json.loads((tmp_path / "observation.json").read_text())
    signal_ = next(s for s in observation["signals"] if s["signal"] == "INF-HEALTH-001[api]")
    # a breach and a healthy answer in the same window: the fault flaps, it is not simply down
    outcomes = {sample["outcome"] for sample in signal_["timeline"]}
    assert {"ok", "breach"} <= outcomes
    assert all(b["clock"] in check["findings"][0]["found"] for b in signal_["breaches"][:10])
    assert run.verdict["observation"]["summary"] == "observed 20s of 20s"
    assert 'fill="#c62828"' in (tmp_path / "observation.svg").read_text()
    attachments = [p for p in (tmp_path / "allure-results").glob("*-attachment.svg")]
    assert attachments, "the check's timeline is attached to its Allure result"


def test_golive_watch_on_a_healthy_target_is_go_and_says_what_the_window_does_not_verify(tmp_path):
    reports = tmp_path / "reports"
    done = subprocess.run([sys.executable, "-m", "golive.cli", "--root", str(ROOT), "watch", "--env", "local",
                           "--for", "6s", "--every", "2s", "--reports-dir", str(reports), "--", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=300)
    verdict = json.loads((reports / "verdict.json").read_text())
    assert done.returncode == 0 and verdict["decision"] == "GO", done.stdout[-3000:]
    assert {c["id"] for c in verdict["checks"]} == OBSERVED
    observation = verdict["observation"]
    assert observation["short"] is False and observation["interrupted"] is False
    assert all(s["samples"] >= 3 and s["breaches"] == [] for s in observation["signals"])
    notes = {i["item"]: i["note"] for i in observation["windowed_items"]}
    assert notes["realserv:DEP-PROD-14"] == "unverified as a window: observed 6s of 6s — the checklist asks for 30m"
    assert notes["whatsapp_tracker:GATE-02"].endswith("the checklist asks for 24h")
    markdown = (reports / "verdict.md").read_text()
    assert "## Observation window" in markdown and "](observation.svg)" in markdown
    assert "golive observe: observed 6s of 6s; no breach" in done.stdout


def test_interrupting_a_watch_gives_a_verdict_on_the_time_observed(tmp_path):
    reports = tmp_path / "reports"
    child = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m", "observed",
                              "--check", "INF-HEALTH-001", "--env", "local", "--observe", "10m", "--every", "1s",
                              f"--reports-dir={reports}"],
                             cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    seen = []
    try:
        for line in child.stdout:  # synchronised on the run's own progress lines, not on time
            seen.append(line)
            if line.startswith("golive observe: round 2 "):
                child.send_signal(signal.SIGINT)
                break
        rest = child.communicate(timeout=180)[0]
    finally:
        if child.poll() is None:
            child.kill()
    output = "".join(seen) + rest
    verdict = json.loads((reports / "verdict.json").read_text())
    assert child.returncode == 0 and verdict["decision"] == "GO", output[-3000:]
    observation = verdict["observation"]
    assert observation["interrupted"] is True and observation["short"] is True
    assert 0 < observation["observed_s"] < 600
    assert observation["summary"].endswith("of 10m (interrupted)")
    assert "shorter than asked" in output
    assert "**shorter than asked**" in (reports / "verdict.md").read_text()
