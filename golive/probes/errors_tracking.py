"""Error-tracking findings: secrets that reached an event, and error counts since a deploy.

Pure functions over the Sentry web API's event JSON (tags as ``[{key, value}]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from golive.probes.findings import Finding

PROBE_TAG = "golive_probe"


def tags_of(event: Mapping[str, Any]) -> dict[str, str]:
    tags = event.get("tags") or []
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(tag.get("key")): str(tag.get("value")) for tag in tags if isinstance(tag, Mapping)}


def leaked_secrets(event: Mapping[str, Any], canaries: Mapping[str, str]) -> list[Finding]:
    """One finding per field whose canary value appears anywhere in the stored event."""
    stored = json.dumps(event, ensure_ascii=False)
    return [
        Finding(
            f"{field}-not-redacted",
            expected=f"the {field} field scrubbed before the event leaves the app (e.g. [Filtered])",
            found=f"the {field} value sent to the app is readable in the stored error event",
            fix="scrub sensitive fields in the SDK (send_default_pii=False, before_send / denylist scrubbing) "
                "and enable server-side data scrubbing in the Sentry project",
        )
        for field, value in canaries.items()
        if value and value in stored
    ]


def real_errors(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Events that are not golive's own probes (they carry the probe tag)."""
    return [event for event in events if PROBE_TAG not in tags_of(event)]


@dataclass(frozen=True)
class Windows:
    """The window since the deploy, and the same-length baseline window right before it."""

    deployed_at: datetime
    now: datetime

    @property
    def baseline_start(self) -> datetime:
        return self.deployed_at - (self.now - self.deployed_at)

    @classmethod
    def of(cls, now: datetime, deployed_at: datetime | None, window_minutes: int) -> "Windows":
        return cls(deployed_at or now - timedelta(minutes=window_minutes), now)


def error_rate_findings(after: int, baseline: int | None, *, max_events: int, levels: str) -> list[Finding]:
    """After the deploy: at most ``max_events`` and (when a baseline is given) no more than before."""
    findings: list[Finding] = []
    if after > max_events:
        findings.append(Finding(
            "errors-since-deploy-above-threshold",
            expected=f"at most {max_events} {levels} events since the deploy",
            found=f"{after} {levels} events since the deploy",
            fix="look at the new release's top issues; roll back if they affect users",
        ))
    if baseline is not None and after > max(baseline, max_events):
        findings.append(Finding(
            "error-rate-increased",
            expected=f"no more {levels} events than in the same window before the deploy ({baseline})",
            found=f"{after} after the deploy",
            fix="the deploy made things worse: compare the releases' issues and roll back if needed",
        ))
    return findings
