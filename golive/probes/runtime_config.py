"""Provider modes and hardening flags, as a deployment's config report states them.

Expected values come from the profile; ``None`` as an expectation means "unset": the field may be
absent, null or false, never anything else (``SKIP_WEBHOOK_SIGNATURE`` unset or false).
"""

from __future__ import annotations

import json
from typing import Any

from golive.probes.findings import Finding
from golive.probes.health import lookup

_ABSENT = lookup({}, "x")  # the probe's "no such field" marker
TEST_KEY_MARKERS = ("rzp_test_", "sk_test_", "pk_test_")


def _matches(found: Any, wanted: Any) -> bool:
    if wanted is None:
        return found is _ABSENT or found is None or found is False
    return found is not _ABSENT and type(found) is type(wanted) and found == wanted


def evaluate_fields(body: Any, expect: dict[str, Any], *, name: str, fix: str) -> list[Finding]:
    findings = []
    for path, wanted in expect.items():
        found = lookup(body, path)
        if not _matches(found, wanted):
            shown = "absent" if found is _ABSENT else repr(found)
            expected = f"{path} unset or false" if wanted is None else f"{path}={wanted!r}"
            findings.append(Finding(name, expected, f"{path} {shown}", fix))
    return findings


def evaluate_no_test_keys(body: Any) -> list[Finding]:
    """A production config report must not mention a provider's test key."""
    text = json.dumps(body)
    markers = [marker for marker in TEST_KEY_MARKERS if marker in text]
    if not markers:
        return []
    return [Finding("provider-test-key-in-production", "live provider keys only", f"{', '.join(markers)} reported",
                    "configure the live keys (rzp_live_…) in production")]
