"""Each seed system's profile against the sandbox in that system's flavor (``--env <system>-local``).

The healthy flavor passes every check its profile makes applicable. The decision stays NO-GO for
honest reasons only: checklist items nothing automates yet, attestations nobody signed, and
checks whose profile section the system does not have (or cannot have, below).
"""

from __future__ import annotations

import re

import pytest

from selftest.golive_runs import golive

SYSTEMS = ["whatsapp_tracker", "consolidated", "arogya", "inventory", "realserv"]

EXPECTED_REASONS = (
    re.compile(r"^checklist \w+: \d+ critical items? neither automated nor attested"),
    re.compile(r"^attestation missing for \w+:[\w-]+$"),
    re.compile(r"^[A-Z]+-[A-Z]+-\d+(\[[^\]]*\])? unverified: the profile does not give "),
)

#: unverified for a reason of the system itself, not of the sandbox
SYSTEM_LIMITS = {
    # a role allowed to call a write endpoint: proving it would change data
    "inventory": {"SEC-AUTHZ-001"},
    # Firebase refresh tokens are opaque: their 30-day lifetime cannot be read
    "realserv": {"SEC-AUTH-004"},
}


def unexpected_reasons(system: str, reasons: list[str]) -> list[str]:
    limits = SYSTEM_LIMITS.get(system, set())
    return [
        reason for reason in reasons
        if not any(pattern.match(reason) for pattern in EXPECTED_REASONS)
        and not any(reason.startswith((f"{check} ", f"{check}[")) and " unverified: " in reason for check in limits)
    ]


@pytest.mark.parametrize("system", SYSTEMS)
def test_flavor_run_is_no_go_only_for_honest_reasons(tmp_path, system):
    run = golive(tmp_path, "-m", "critical", "--env", f"{system}-local", timeout_s=120)
    verdict = run.verdict
    assert verdict["decision"] == "NO-GO" and run.exit_code == 1, run.output
    assert verdict["profile"] == system and verdict["env"] == f"{system}-local"
    bad = [f"{c['nodeid']}: {c['status']} {c['message']}" for c in verdict["checks"]
           if c["status"] in ("failed", "broken")]
    assert not bad, "\n".join(bad)
    assert any(c["status"] == "passed" for c in verdict["checks"])
    assert not unexpected_reasons(system, verdict["reasons"]), run.output
