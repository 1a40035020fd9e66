"""The decision: GO, GO WITH EXCEPTIONS or NO-GO, from plain result data.

Unknown is not GO: a critical check that failed, broke or could not be verified blocks GO unless
a valid waiver covers it; so do an expired waiver, a missing required attestation, and a run in
which no critical check ran at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from golive.outcomes import Status
from golive.signoffs import Signoffs

GO = "GO"
GO_WITH_EXCEPTIONS = "GO WITH EXCEPTIONS"
NO_GO = "NO-GO"


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    critical: bool
    items: tuple[str, ...] = ()
    safety: str = "readonly"
    message: str = ""
    section: str = ""
    param: str = ""
    nodeid: str = ""
    duration_s: float = 0.0
    environment_problem: bool = False
    waiver: dict[str, str] | None = None

    @property
    def label(self) -> str:
        return f"{self.id}[{self.param}]" if self.param else self.id

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["items"] = list(self.items)
        return data


@dataclass(frozen=True)
class AttestationResult:
    item: str
    status: Status  # PASSED when signed, UNVERIFIED when missing
    by: str = ""
    role: str = ""
    date: str = ""
    evidence: str = ""


@dataclass
class Verdict:
    decision: str
    reasons: list[str]
    checks: list[CheckResult]
    attestations: list[AttestationResult] = field(default_factory=list)
    known_issues: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.decision == NO_GO else 0

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for result in self.checks:
            counts[result.status.value] += 1
        return counts


def apply_waivers(results: list[CheckResult], signoffs: Signoffs, today: date) -> list[CheckResult]:
    waived = []
    for result in results:
        waiver = signoffs.waiver_for(result.id)
        if waiver and not waiver.expired(today) and result.status.blocks_go:
            result = replace(
                result,
                status=Status.WAIVED,
                message=f"{result.status.value}, waived: {result.message}".strip(),
                waiver={
                    "reason": waiver.reason,
                    "approver": waiver.approver,
                    "expires": waiver.expires.isoformat(),
                    "was": result.status.value,
                },
            )
        waived.append(result)
    return waived


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def decide(
    results: list[CheckResult],
    signoffs: Signoffs,
    *,
    required_attestations: list[str] = (),  # type: ignore[assignment]
    today: date | None = None,
    run_problems: list[str] = (),  # type: ignore[assignment]
) -> Verdict:
    today = today or date.today()
    results = apply_waivers(results, signoffs, today)
    reasons: list[str] = list(run_problems)

    # Environment problems first: one unreachable target explains many broken checks. Only those
    # behind a blocking result count; a non-critical or waived one is a known issue, not a blocker.
    reasons += sorted(
        {first_line(r.message) for r in results if r.environment_problem and r.critical and r.status.blocks_go}
    )

    for result in results:
        if result.critical and result.status.blocks_go:
            reasons.append(f"{result.label} {result.status.value}: {first_line(result.message) or result.title}")

    selected = {r.id for r in results}
    for waiver in signoffs.waivers:
        if waiver.expired(today) and waiver.check in selected:
            reasons.append(
                f"waiver for {waiver.check} expired on {waiver.expires.isoformat()} (approved by {waiver.approver})"
            )

    attestations = []
    for item in required_attestations:
        signed = signoffs.attestation_for(item)
        if signed is None:
            attestations.append(AttestationResult(item, Status.UNVERIFIED))
            reasons.append(f"attestation missing for {item}")
        else:
            attestations.append(
                AttestationResult(
                    item,
                    Status.PASSED,
                    signed.by,
                    signed.role,
                    signed.date.isoformat(),
                    str(signed.evidence or ""),
                )
            )

    ran_critical = [r for r in results if r.critical and r.status is not Status.NOT_APPLICABLE]
    if not ran_critical:
        reasons.append("no critical check ran")

    known_issues = [
        f"{r.label} {r.status.value}: {first_line(r.message) or r.title}"
        for r in results
        if r.status is Status.WAIVED or (not r.critical and r.status.blocks_go)
    ]
    if reasons:
        decision = NO_GO
    elif known_issues:
        decision = GO_WITH_EXCEPTIONS
    else:
        decision = GO
    return Verdict(decision, reasons, results, attestations, known_issues)
