"""Stage gates of a staged runbook (Arogya's S0-S7): run stages in order, stop at a failed blocker.

``--gate S3`` runs the checks of stages S0 through S3, stage by stage. A check's stage is the
earliest of the gates it declares and the stages of the checklist items it verifies. When a stage
whose gate is BLOCKER IF FAIL has a check that failed, broke or could not be verified, the later
stages are reported as blocked and not run; a CAN PROCEED WITH EXCEPTION stage never blocks (its
items are waived one by one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from golive.checklists import Checklist, Stage
from golive.checks import CheckSpec

GATE = re.compile(r"^S\d+$")
BLOCKING_STATUSES = frozenset({"failed", "broken", "unverified"})


class GateError(Exception):
    pass


def staged_checklist(checklists: list[Checklist], names: list[str]) -> Checklist:
    staged = [c for c in checklists if c.name in names and c.staged]
    if len(staged) != 1:
        found = ", ".join(c.name for c in staged) or "none"
        raise GateError(f"--gate needs exactly one staged checklist in the profile's checklists (found: {found})")
    return staged[0]


def stages_up_to(checklist: Checklist, gate: str) -> list[Stage]:
    if not GATE.match(gate):
        raise GateError(f"--gate {gate!r}: expected a stage id like S3")
    ordered = sorted(checklist.stages, key=lambda stage: stage.order)
    ids = [stage.id for stage in ordered]
    if gate not in ids:
        raise GateError(f"--gate {gate}: {checklist.name} has stages {', '.join(ids)}")
    return ordered[: ids.index(gate) + 1]


def stage_of(check: CheckSpec, checklist: Checklist) -> Stage | None:
    """The earliest stage the check belongs to, by its declared gates and its items' stages."""
    item_stages = {item.stage for item in checklist.items if item.id in check.items and item.stage}
    candidates = [stage for stage in checklist.stages if stage.id in item_stages or stage.id in check.gates]
    return min(candidates, key=lambda stage: stage.order, default=None)


@dataclass
class GateTracker:
    """Which blocker stage failed so far, for a run that executes the stages in order."""

    stages: list[Stage]
    failures: dict[str, list[str]] = field(default_factory=dict)

    def record(self, stage: Stage, check_label: str, status: str, waived: bool = False) -> None:
        if stage.gate == "blocker" and status in BLOCKING_STATUSES and not waived:
            self.failures.setdefault(stage.id, []).append(check_label)

    def blocked_by(self, stage: Stage) -> str | None:
        for earlier in self.stages:
            if earlier.order >= stage.order:
                return None
            if earlier.id in self.failures:
                checks = ", ".join(sorted(set(self.failures[earlier.id]))[:5])
                return f"blocked: stage {earlier.id} ({earlier.title}) is BLOCKER IF FAIL and did not pass ({checks})"
        return None


def stage_summary(stages: list[Stage], results: list[dict]) -> list[dict]:
    """Per stage: passed, failed, blocked, passed with exceptions, or empty (no check ran)."""
    summary = []
    stopped = False  # a blocker stage before this one failed: nothing later may proceed
    for stage in stages:
        own = [r for r in results if r.get("stage") == stage.id]
        statuses = {r["status"] for r in own}
        if stopped or any(r["message"].startswith("blocked:") for r in own):
            status = "blocked"
        elif not own:
            status = "no checks"
        elif statuses & BLOCKING_STATUSES:
            status = "failed" if stage.gate == "blocker" else "passed with exceptions"
        elif "waived" in statuses:
            status = "passed with exceptions"
        else:
            status = "passed"
        stopped = stopped or (stage.gate == "blocker" and status in ("failed", "blocked"))
        summary.append({"id": stage.id, "title": stage.title, "gate": stage.gate, "owners": stage.owners,
                        "status": status, "checks": len(own)})
    return summary
