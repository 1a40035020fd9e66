"""How a check ended, and the exceptions a check raises to say it could not be verified.

pytest knows passed, failed and skipped; a go-live decision needs more: a check that could not
run (broken) or lacked data or a flag (unverified) is unknown, and unknown is not GO.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
import re
from enum import Enum
from typing import Any

from _pytest.outcomes import Skipped


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    BROKEN = "broken"
    NOT_APPLICABLE = "not_applicable"
    UNVERIFIED = "unverified"
    WAIVED = "waived"

    @property
    def blocks_go(self) -> bool:
        return self in (Status.FAILED, Status.BROKEN, Status.UNVERIFIED)


# Worst first: when setup, call and teardown disagree, the worst phase decides.
SEVERITY_ORDER = [Status.BROKEN, Status.FAILED, Status.UNVERIFIED, Status.NOT_APPLICABLE, Status.PASSED]


def worst(a: Status, b: Status) -> Status:
    return a if SEVERITY_ORDER.index(a) <= SEVERITY_ORDER.index(b) else b


class NotApplicable(Skipped):
    """The profile says the feature this check verifies does not exist on the target."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not applicable: {reason}", allow_module_level=False)


class Unverified(Skipped):
    """The check could not verify its item: missing profile data, a flag, or a credential."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"unverified: {reason}", allow_module_level=False)


@dataclass(frozen=True)
class Prerequisite:
    """Something many checks need (a role's login, an owned object, the request budget) that failed.

    Reported once as a root cause; every check that needed it ends unverified, blocked by it.
    """

    name: str  # "login as admin"
    expected: str
    found: str
    where: str = ""
    fix: str = ""

    @property
    def summary(self) -> str:
        return f"{self.name} failed ({self.found})"

    def as_json(self) -> dict[str, str]:
        return asdict(self)


class Blocked(Skipped):
    """The check needed a prerequisite that failed: unverified, never failed or passed."""

    def __init__(self, prerequisite: Prerequisite) -> None:
        self.prerequisite = prerequisite
        super().__init__(f"unverified: blocked by {prerequisite.summary}", allow_module_level=False)


class Inconclusive(Skipped):
    """A probe's control request did not succeed, so the probe's answer proves nothing either way."""

    def __init__(self, reason: str, finding: dict[str, Any] | None = None) -> None:
        self.finding = finding
        super().__init__(f"unverified: inconclusive: {reason}", allow_module_level=False)


class CheckFailed(AssertionError):
    """A check found the target wrong. The message says expected, found, where and fix; ``findings``
    carries the same as data (one entry per named finding)."""

    def __init__(self, title: str, *, expected: str, found: str, where: str = "", fix: str = "",
                 findings: list[dict[str, str]] | None = None) -> None:
        self.title, self.expected, self.found, self.where, self.fix = title, expected, found, where, fix
        self.findings = findings or [{"name": title, "expected": expected, "found": found, "where": where, "fix": fix}]
        lines = [title, f"  expected: {expected}", f"  found:    {found}"]
        if where:
            lines.append(f"  where:    {where}")
        if fix:
            lines.append(f"  fix:      {fix}")
        super().__init__("\n".join(lines))


class TargetUnreachable(Exception):
    """The target did not answer; the check is broken for an environment reason, not a product defect."""


class RateLimited(TargetUnreachable):
    """The target answered 429/503: evidence of nothing about the property under test; an environment problem."""


def inconclusive(reason: str) -> None:
    raise Inconclusive(reason)


def blocked(prerequisite: Prerequisite) -> None:
    raise Blocked(prerequisite)


def not_applicable(reason: str) -> None:
    raise NotApplicable(reason)


def unverified(reason: str) -> None:
    raise Unverified(reason)


def absent_reason(what: str) -> str:
    """The not-applicable reason for a profile value set to false, as a sentence.

    ``what`` is written for "the profile does not give {what}" (``a liveness path for api``,
    ``redirect parameters (inputs.redirects)``); without its article and its hint about the
    profile's shape it reads "the profile says this system has no liveness path for api"."""
    hint = re.search(r"\s*\(([^()]*)\)\s*$", what)
    name = what[: hint.start()] if hint else what
    name = re.sub(r"^(an?|the|any)\s+", "", name.strip())
    field = hint.group(1) if hint and re.fullmatch(r"[a-z_][a-z0-9_.]*", hint.group(1)) else ""
    return f"the profile says this system has no {name}" + (f" ({field}: false)" if field else "")


def required(value: object, what: str, *, absent: str = ""):  # type: ignore[no-untyped-def]
    """The profile value a check needs: ``False`` means the feature is absent, ``None`` unknown."""
    if value is False:
        not_applicable(absent or absent_reason(what))
    if value is None or value == "" or value == [] or value == {}:
        unverified(f"the profile does not give {what}")
    return value
