"""The verdict panel printed at the end of a run: the decision, then the reasons, in plain words."""

from __future__ import annotations

from typing import Any

from golive.verdict import GO, GO_WITH_EXCEPTIONS

COLOURS = {GO: "green", GO_WITH_EXCEPTIONS: "yellow"}


def colour_of(decision: str) -> str:
    return COLOURS.get(decision, "red")


def panel_lines(document: dict[str, Any], *, outputs: list[str], limit: int = 25) -> list[str]:
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in document["counts"].items() if n)
    lines = [
        f"env {document['env']} ({document['env_kind']}) · profile {document['profile']} · "
        f"{len(document['checks'])} results: {counts or 'none'}",
    ]
    if not document.get("complete", True):
        lines.append("This run did not complete (interrupted): the decision covers only the checks that ran.")
    if document["reasons"]:
        lines.append("Why not GO:")
        lines += [f"  ✗ {reason}" for reason in document["reasons"][:limit]]
        if len(document["reasons"]) > limit:
            lines.append(f"  … and {len(document['reasons']) - limit} more (see verdict.md)")
    if document["known_issues"]:
        lines.append("Known issues (not blocking):")
        lines += [f"  ! {issue}" for issue in document["known_issues"][:limit]]
    if document.get("stages"):
        lines.append("Stages: " + " · ".join(f"{stage['id']} {stage['status']}" for stage in document["stages"]))
    for row in document.get("coverage", {}).get("checklists", []):
        if row["gating"]:
            lines.append(
                f"Checklist {row['name']}: {row['items']} items · {row['automated']} verified by a check this run"
                f" · {row.get('unverified', 0)} not verified this run · {row['attested']} attested"
                f" · {row['not_applicable']} n/a · {row['unmapped']} unmapped ({len(row['unmapped_critical'])} critical)"
            )
    creates = document.get("creates") or {}
    if creates.get("announced"):
        lines.append(f"Created on the target: {creates['announced']} · undone {creates['undone']} · refused "
                     f"{creates['not_created']} · left {len(creates['left'])} (tag {creates['tag']})")
    lines.append("Reports: " + " · ".join(outputs))
    return lines
