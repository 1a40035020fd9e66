"""``reports/verdict.json`` (for machines) and ``reports/verdict.md`` (for CI summaries and chat)."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import IO
from pathlib import Path
from typing import Any

from golive.verdict import NO_GO, Verdict, prerequisites

NOT_COMPLETED = "the run did not complete"
LOCK_FILE = ".golive.lock"

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
        "complete": True,
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


def in_progress_document(run: dict[str, Any]) -> dict[str, Any]:
    """What the reports say while a run is under way: a run killed before its end leaves this, never
    the previous run's decision."""
    return {
        "decision": NO_GO,
        "complete": False,
        "reasons": [NOT_COMPLETED],
        **run,
        "counts": {},
        "prerequisites": [],
        "known_issues": [],
        "checks": [],
        "attestations": [],
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


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader (or a kill) sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(document: dict[str, Any], path: Path) -> None:
    replace_file(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(document: dict[str, Any]) -> str:
    lines = [
        f"# golive verdict: **{document['decision']}**",
        "",
        *([] if document.get("complete", True) else [
            "**This run did not complete** (it is still running, or it was killed): no decision was reached.", ""]),
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
    creates = document.get("creates") or {}
    if creates.get("announced"):
        lines += ["## What this run created on the target", "",
                  f"{creates['announced']} created or attempted · {creates['undone']} undone · "
                  f"{creates['not_created']} refused by the target · {len(creates['left'])} left "
                  f"(run tag `{creates['tag']}`)", ""]
        lines += [f"- left: {_cell(item['description'])} ({item['env']}/{item['service']})" for item in creates["left"]]
        lines += [""] if creates["left"] else []
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
    replace_file(path, render_markdown(document))


class ReportsBusy(Exception):
    """Another run holds the reports folder's lock."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        super().__init__(holder or "another run")


@dataclass
class ReportsLock:
    path: Path
    handle: IO[str]

    def release(self) -> None:
        self.handle.close()  # closing the file drops the flock


def lock_reports(directory: Path) -> ReportsLock:
    """Take the reports folder's lock for this process (released when it ends, also by a kill).

    Raises ReportsBusy, naming the holder, when another run has it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open for the run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise ReportsBusy(holder) from None
    handle.seek(0)
    handle.truncate()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    handle.write(f"pid {os.getpid()}, started {started}\n")
    handle.flush()
    return ReportsLock(path, handle)
