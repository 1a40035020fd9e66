"""Results as data: every probe outcome is a named finding with expectation and evidence.

Modelled on Mozilla Observatory's named results (``hsts-not-implemented``): a check fails with
one or more findings, and each finding says what was expected, what was found, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the target, named so it can be matched, counted and waived."""

    name: str
    expected: str
    found: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.name}: expected {self.expected}; found {self.found}"
        return f"{text}. Fix: {self.fix}" if self.fix else text


def names(findings: list[Finding]) -> list[str]:
    return [finding.name for finding in findings]
