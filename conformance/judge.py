"""Judging golive's results on a conformance system: true findings, false findings, catches.

Pure functions over verdict.json's ``checks`` and the system's expectations, so the rules are
tested without starting anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.systems import ExpectedFinding, Misconfiguration


@dataclass(frozen=True)
class Failure:
    check: str
    param: str
    title: str
    message: str

    @property
    def label(self) -> str:
        return f"{self.check}[{self.param}]" if self.param else self.check

    def as_json(self) -> dict[str, str]:
        return {"check": self.label, "title": self.title, "message": self.message}


def failures(checks: Iterable[dict[str, Any]]) -> list[Failure]:
    """The failed results of one verdict.json."""
    return [
        Failure(check=c["id"], param=c.get("param") or "", title=c.get("title", ""),
                message=(c.get("message") or "").strip())
        for c in checks if c.get("status") == "failed"
    ]


def status_counts(checks: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.get("status", "?")] = counts.get(check.get("status", "?"), 0) + 1
    return dict(sorted(counts.items()))


def _covers(finding: ExpectedFinding, failure: Failure) -> bool:
    return finding.check == failure.check and (finding.param is None or finding.param == failure.param)


@dataclass
class DefaultJudgement:
    failed: list[Failure]
    true_findings: list[Failure] = field(default_factory=list)
    false_findings: list[Failure] = field(default_factory=list)
    # expected findings golive did not report: a missed defect, or a stale expectation
    missed: list[ExpectedFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.false_findings and not self.missed


def judge_default(failed: list[Failure], expected: list[ExpectedFinding]) -> DefaultJudgement:
    judgement = DefaultJudgement(failed=failed)
    for failure in failed:
        if any(_covers(finding, failure) for finding in expected):
            judgement.true_findings.append(failure)
        else:
            judgement.false_findings.append(failure)
    judgement.missed = [f for f in expected
                        if not f.timing and not any(_covers(f, failure) for failure in failed)]
    return judgement


@dataclass
class MisconfigurationJudgement:
    name: str
    expected_checks: list[str]
    caught: bool
    missed_checks: list[str]
    # failures neither the default's expected findings nor this setting explain
    unexplained: list[Failure]

    @property
    def ok(self) -> bool:
        return self.caught and not self.unexplained


def judge_misconfiguration(misconfiguration: Misconfiguration, failed: list[Failure],
                           expected_default: list[ExpectedFinding]) -> MisconfigurationJudgement:
    failed_ids = {failure.check for failure in failed}
    missed = [check for check in misconfiguration.expected_checks if check not in failed_ids]
    explained = set(misconfiguration.expected_checks) | set(misconfiguration.also_fails)
    unexplained = [
        failure for failure in failed
        if failure.check not in explained and not any(_covers(f, failure) for f in expected_default)
    ]
    return MisconfigurationJudgement(
        name=misconfiguration.name,
        expected_checks=list(misconfiguration.expected_checks),
        caught=not missed,
        missed_checks=missed,
        unexplained=unexplained,
    )
