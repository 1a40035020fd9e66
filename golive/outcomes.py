"""How a check ended, and the exceptions a check raises to say it could not be verified.

pytest knows passed, failed and skipped; a go-live decision needs more: a check that could not
run (broken) or lacked data or a flag (unverified) is unknown, and unknown is not GO.
"""

from __future__ import annotations

import re
from enum import Enum

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


class CheckFailed(AssertionError):
    """A check found the target wrong. The message says expected, found, where and fix."""

    def __init__(self, title: str, *, expected: str, found: str, where: str = "", fix: str = "") -> None:
        self.title, self.expected, self.found, self.where, self.fix = title, expected, found, where, fix
        lines = [title, f"  expected: {expected}", f"  found:    {found}"]
        if where:
            lines.append(f"  where:    {where}")
        if fix:
            lines.append(f"  fix:      {fix}")
        super().__init__("\n".join(lines))


class TargetUnreachable(Exception):
    """The target did not answer; the check is broken for an environment reason, not a product defect."""


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
