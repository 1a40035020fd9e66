"""The selftest's warm runner: each golive run gets its own answers from the fork server."""

from __future__ import annotations

import json
from pathlib import Path

from selftest.golive_runs import WarmRunner


def test_answers_to_an_earlier_request_are_never_taken_for_the_next_run(tmp_path: Path):
    runner = WarmRunner()
    try:
        assert runner.server.stdin
        # a request whose answers nobody read: an exchange the test's own timeout interrupted
        stale = {"id": 0, "args": ["--version"], "env": {}, "cwd": str(tmp_path), "output": str(tmp_path / "stale.txt")}
        runner.server.stdin.write(json.dumps(stale) + "\n")
        runner.server.stdin.flush()
        exit_code, output = runner.run(["-p", "no_such_plugin_of_the_selftest"], {}, 60, tmp_path / "reports")
        assert exit_code != 0, output  # its own outcome, not the stale request's exit 0
        assert "no_such_plugin_of_the_selftest" in output
    finally:
        runner.close()
