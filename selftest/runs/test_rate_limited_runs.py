"""Rate limiting is never evidence: under a sandbox whose rate limits were cut (fault rate_limits_lowered),
the security checks ride out the 429s (golive waits for Retry-After and asks again) or end broken as an
environment problem; the only failures are those of the checks that test rate limits themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.faults import CATALOG
from selftest.golive_runs import golive

FAULT = CATALOG["rate_limits_lowered"]
#: checks whose evidence is the 429 itself
RATE_LIMIT_CHECKS = {"SEC-RATE-001", "SEC-AUTH-009"}


def _attachment_titles(result: dict) -> list[str]:
    titles = [attachment["name"] for attachment in result.get("attachments", [])]
    return titles + [title for step in result.get("steps", []) for title in _attachment_titles(step)]


def _checks_that_met_a_429(allure_results: Path) -> set[str]:
    met = set()
    for path in allure_results.glob("*-result.json"):
        result = json.loads(path.read_text())
        labels = {label["name"]: label["value"] for label in result["labels"]}
        if "golive_check" in labels and any(title.endswith("→ 429") for title in _attachment_titles(result)):
            met.add(labels["golive_check"])
    return met


# the whole security suite, slowed down by the waits it is about: about 100 s on an idle machine
@pytest.mark.timeout(600)
def test_no_security_check_fails_on_a_429_when_the_target_throttles_harder_than_promised(tmp_path):
    run = golive(tmp_path, "-m", "security", "--env", "local", faults=FAULT.name, timeout_s=540)

    checks = run.verdict["checks"]
    failed = {check["id"]: check["message"] for check in checks if check["status"] == "failed"}
    assert set(failed) <= set(FAULT.checks), f"failed on a rate limit: {failed}"
    assert [check_id for check_id, message in failed.items() if "429" in message and check_id not in RATE_LIMIT_CHECKS] == []
    broken = {check["id"]: check["message"] for check in checks if check["status"] == "broken"}
    assert all(message.startswith("rate limited by the target: HTTP 429 on ") and "retry later or raise the limit"
               in message for message in broken.values()), broken
    assert all(check["environment_problem"] for check in checks if check["status"] == "broken")
    # the fault bit: checks that do not test rate limits met 429s (and passed or broke, never failed)
    assert _checks_that_met_a_429(tmp_path / "allure-results") - RATE_LIMIT_CHECKS, \
        "no check besides the rate-limit checks met a 429: the fault did not throttle the run"
