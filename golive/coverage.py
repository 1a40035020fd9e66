"""Checklist coverage: for every go-live item, is it automated, attested, not applicable, or unmapped?

- automated: at least one check names the item;
- attested: no check names it, and the catalog says a role signs it;
- not applicable: the catalog says why the line is no item in substance;
- unmapped: the catalog expects checks and none names the item yet.
A critical item that is neither automated nor attested blocks GO.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from golive.checklists import Checklist
from golive.checks import CheckSpec


@dataclass
class ChecklistCoverage:
    name: str
    title: str
    items: int = 0
    automated: int = 0
    attested: int = 0
    not_applicable: int = 0
    unmapped: int = 0
    unmapped_critical: list[str] = field(default_factory=list)
    unmapped_items: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def checks_by_item(checks: Iterable[CheckSpec]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for check in checks:
        for item in check.items:
            index.setdefault(item, []).append(check.id)
    return index


def coverage_of(checklist: Checklist, checks: Iterable[CheckSpec]) -> ChecklistCoverage:
    verified_by = checks_by_item(checks)
    result = ChecklistCoverage(checklist.name, checklist.title, items=len(checklist.items))
    for item in checklist.items:
        if item.id in verified_by:
            result.automated += 1
        elif item.verify.by == "attestation":
            result.attested += 1
        elif item.verify.by == "not_applicable":
            result.not_applicable += 1
        else:
            result.unmapped += 1
            result.unmapped_items.append(item.id)
            if item.critical:
                result.unmapped_critical.append(item.id)
    return result


def coverage(checklists: Iterable[Checklist], checks: Iterable[CheckSpec]) -> list[ChecklistCoverage]:
    checks = list(checks)
    return [coverage_of(checklist, checks) for checklist in checklists]


def unknown_items(checklists: Iterable[Checklist], checks: Iterable[CheckSpec]) -> dict[str, list[str]]:
    """Items that checks name but no catalog has: a typo would otherwise look like coverage."""
    known = {item.id for checklist in checklists for item in checklist.items}
    return {check.id: sorted(set(check.items) - known) for check in checks if set(check.items) - known}


def required_attestations(checklists: Iterable[Checklist], checks: Iterable[CheckSpec]) -> list[str]:
    """Critical items only a person can vouch for: each needs a signed attestation for GO."""
    verified_by = checks_by_item(checks)
    return [
        item.id
        for checklist in checklists
        for item in checklist.items
        if item.critical and item.verify.by == "attestation" and item.id not in verified_by
    ]


@dataclass(frozen=True)
class CheckOutcome:
    """One result of this run, as coverage needs it."""

    id: str
    status: str
    message: str = ""


VERIFIED = frozenset({"passed", "failed", "waived"})


def run_coverage_of(checklist: Checklist, checks: Iterable[CheckSpec], outcomes: Iterable[CheckOutcome],
                    declared_not_applicable: dict[str, str]) -> dict[str, object]:
    """Coverage in one run: an item counts automated only when a check of it ran and judged it
    (passed, failed or waived). A critical item whose every check was not applicable is *required
    but absent* — the checklist wants what the profile says the system lacks — unless the profile
    declares the item not applicable for this system, with a reason."""
    static = coverage_of(checklist, checks)
    verified_by = checks_by_item(checks)
    by_check: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        by_check.setdefault(outcome.id, []).append(outcome)
    row: dict[str, object] = {**static.as_json(), "mapped": static.automated, "automated": 0, "unverified": 0,
                              "unverified_critical": [], "absent_required": []}
    for item in checklist.items:
        if item.id not in verified_by:
            continue  # attested, catalog-n/a or unmapped: as the static coverage says
        if item.id in declared_not_applicable:
            row["not_applicable"] += 1  # type: ignore[operator]
            continue
        results = [o for check_id in verified_by[item.id] for o in by_check.get(check_id, [])]
        if any(o.status in VERIFIED for o in results):
            row["automated"] += 1  # type: ignore[operator]
        elif results and all(o.status == "not_applicable" for o in results):
            if item.critical:
                row["unverified"] += 1  # type: ignore[operator]
                first = results[0]
                row["absent_required"].append({"item": item.id, "check": first.id,  # type: ignore[union-attr]
                                               "reason": first.message})
            else:
                row["not_applicable"] += 1  # type: ignore[operator]
        else:
            row["unverified"] += 1  # type: ignore[operator]
            if item.critical:
                row["unverified_critical"].append(item.id)  # type: ignore[union-attr]
    return row
