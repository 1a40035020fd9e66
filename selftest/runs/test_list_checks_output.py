"""`--list-checks` is for machines: its whole stdout is one JSON document, pytest's own lines go to stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from selftest.golive_runs import ROOT


def list_checks(reports: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", f"--reports-dir={reports}", "-p", "no:cacheprovider", "--env", "local",
         "--list-checks", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )


def test_stdout_is_exactly_the_json_listing(tmp_path: Path):
    completed = list_checks(tmp_path, "-m", "critical")
    assert completed.returncode == 0, completed.stderr
    listing = json.loads(completed.stdout)  # the whole of stdout, nothing before or after
    assert listing and all(entry["critical"] for entry in listing)
    assert {"id", "title", "safety", "items"} <= set(listing[0])
    # pytest's header and summary still reach the terminal, on stderr
    assert "test session starts" in completed.stderr and "collected" in completed.stderr
