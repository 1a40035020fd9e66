"""``reports/verdict.json`` (for machines) and ``reports/verdict.md`` (for CI summaries and chat)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from golive.verdict import Verdict, prerequisites

STATUS_ICONS = {
    "passed": "✅",
    "failed": "❌",
    "broken": "💥",
    "unverified": "❔",
    "not_applicable": "➖",
    "waived": "⚠️",
}


def verdict_document(verdict: Verdict, run: dict[str, Any]) -> dict[str, Any]:
    """The stable verdict.json shape: decision, reasons, run facts, and every check's result."""
    return {
        "decision": verdict.decision,
        "reasons": verdict.reasons,
        **run,
        "counts": verdict.counts(),
        "prerequisites": prerequisites(verdict.checks),
        "known_issues": verdict.known_issues,
        "checks": [result.as_json() for result in verdict.checks],
        "attestations": [
            {**asdict(attestation), "status": attestation.status.value} for attestation in verdict.attestations
        ],
    }


COVERAGE_COLUMNS = ("items", "automated", "unverified", "attested", "not_applicable", "unmapped")


def coverage_table(rows: list[dict[str, Any]]) -> list[str]:
    """Per checklist: items / automated / attested / not applicable / unmapped, as Markdown."""
    lines = ["| checklist | gates this run | " + " | ".join(c.replace("_", " ") for c in COVERAGE_COLUMNS) + " |",
             "|---|---|" + "---:|" * len(COVERAGE_COLUMNS)]
    for row in rows:
        lines.append(f"| {row['name']} | {'yes' if row['gating'] else ''} | "
                     + " | ".join(str(row.get(c, 0)) for c in COVERAGE_COLUMNS) + " |")
    return lines


def write_json(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(document: dict[str, Any]) -> str:
    lines = [
        f"# golive verdict: **{document['decision']}**",
        "",
        f"env `{document['env']}` ({document['env_kind']}) · profile `{document['profile']}` · "
        f"started {document['started_at']} · {document['duration_s']:.1f} s · commit `{document.get('commit') or '-'}`",
        "",
    ]
    if document["reasons"]:
        lines += ["## Why not GO", ""] + [f"- {_cell(reason)}" for reason in document["reasons"]] + [""]
    if document.get("prerequisites"):
        lines += ["## Failed prerequisites", "", "| prerequisite | found | where | fix | checks blocked |",
                  "|---|---|---|---|---:|"]
        lines += [f"| {_cell(p['name'])} | {_cell(p['found'])} | {_cell(p['where'])} | {_cell(p['fix'])} | "
                  f"{len(p['blocked'])} |" for p in document["prerequisites"]] + [""]
    if document["known_issues"]:
        lines += ["## Known issues", ""] + [f"- {_cell(issue)}" for issue in document["known_issues"]] + [""]
    counts = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in document["counts"].items() if count)
    lines += ["## Checks", "", counts or "no checks ran", ""]
    lines += ["| | check | title | critical | message |", "|---|---|---|---|---|"]
    for check in document["checks"]:
        label = f"{check['id']}[{check['param']}]" if check["param"] else check["id"]
        message = check["message"].strip().splitlines()[0] if check["message"].strip() else ""
        lines.append(
            f"| {STATUS_ICONS.get(check['status'], '')} {check['status']} | `{label}` | {_cell(check['title'])} | "
            f"{'yes' if check['critical'] else ''} | {_cell(message)} |"
        )
    if document.get("stages"):
        lines += ["", f"## Stage gates (up to {document.get('gate', '')})", "", "| stage | title | gate | status | checks |",
                  "|---|---|---|---|---:|"]
        lines += [f"| {s['id']} | {_cell(s['title'])} | {s['gate']} | {s['status']} | {s['checks']} |" for s in document["stages"]]
    rows = document.get("coverage", {}).get("checklists", [])
    if rows:
        lines += ["", "## Checklist coverage", "", *coverage_table(rows)]
    if document["attestations"]:
        lines += ["", "## Attestations", "", "| item | status | by | role | date |", "|---|---|---|---|---|"]
        for attestation in document["attestations"]:
            lines.append(
                f"| {_cell(attestation['item'])} | {attestation['status']} | {_cell(attestation['by'])} | "
                f"{_cell(attestation['role'])} | {attestation['date']} |"
            )
    return "\n".join(lines) + "\n"


def write_markdown(document: dict[str, Any], path: Path) -> None:
    path.write_text(render_markdown(document), encoding="utf-8")
