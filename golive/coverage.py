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
