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
    # the failure as data: name, expected, found, where, fix (one entry per finding)
    findings: tuple[dict[str, str], ...] = ()
    # the failed prerequisite this check was blocked by (login, owned object, budget), as data
    blocked_by: dict[str, str] | None = None

    @property
    def label(self) -> str:
        return f"{self.id}[{self.param}]" if self.param else self.id

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["items"] = list(self.items)
        data["findings"] = [dict(finding) for finding in self.findings]
        return data

    @property
    def root_cause(self) -> str | None:
        """What explains this result besides the check itself: a failed prerequisite or an environment problem."""
        if self.blocked_by:
            return f"{self.blocked_by['name']} failed ({self.blocked_by['found']})"
        if self.environment_problem:
            return first_line(self.message)
        return None


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


def collapsed_causes(results: list[CheckResult]) -> list[str]:
    """One line per root cause, in order of first appearance: a single check keeps its own line; many
    become "login as admin failed (HTTP 422: …): 113 checks blocked (SEC-AUTH-003, …)"."""
    by_cause: dict[str, list[CheckResult]] = {}
    for result in results:
        cause = result.root_cause
        if cause is not None:
            by_cause.setdefault(cause, []).append(result)
    lines = []
    for cause, affected in by_cause.items():
        if len(affected) == 1 and not affected[0].blocked_by:
            only = affected[0]
            lines.append(f"{only.label} {only.status.value}: {first_line(only.message) or only.title}")
            continue
        labels = ", ".join(r.label for r in affected[:3]) + (", …" if len(affected) > 3 else "")
        verb = "blocked" if affected[0].blocked_by else "could not run"
        lines.append(f"{cause}: {len(affected)} check{'s' if len(affected) != 1 else ''} {verb} ({labels})")
    return lines


def prerequisites(results: list[CheckResult]) -> list[dict[str, Any]]:
    """Every failed prerequisite once, with the checks it blocked: verdict.json's root causes as data."""
    found: dict[str, dict[str, Any]] = {}
    for result in results:
        if result.blocked_by:
            entry = found.setdefault(result.blocked_by["name"], {**result.blocked_by, "blocked": []})
            entry["blocked"].append(result.label)
    return list(found.values())


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

    # Root causes first, each once: one failed login or one unreachable target explains many checks.
    # Only those behind a blocking result count; a non-critical or waived one is a known issue.
    reasons += collapsed_causes([r for r in results if r.critical and r.status.blocks_go])

    for result in results:
        if result.critical and result.status.blocks_go and result.root_cause is None:
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

    known = [r for r in results if r.status is Status.WAIVED or (not r.critical and r.status.blocks_go)]
    known_issues = collapsed_causes([r for r in known if r.status is not Status.WAIVED]) + [
        f"{r.label} {r.status.value}: {first_line(r.message) or r.title}"
        for r in known
        if r.status is Status.WAIVED or r.root_cause is None
    ]
    if reasons:
        decision = NO_GO
    elif known_issues:
        decision = GO_WITH_EXCEPTIONS
    else:
        decision = GO
    return Verdict(decision, reasons, results, attestations, known_issues)
