"""Allure results shaped for a QA lead: the decision on top, statuses that match golive's.

allure-pytest writes one ``*-result.json`` per test. At the end of the run we align each with
golive's status (an unverified critical check is *broken*, not skipped: unknown is not GO), add
the decision and each attestation as results of their own, and write the environment, executor
and categories files.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

NODEID_LABEL = "golive_nodeid"
ALLURE_STATUS = {
    "passed": "passed",
    "failed": "failed",
    "broken": "broken",
    "not_applicable": "skipped",
    "waived": None,  # keeps what allure-pytest saw
}

CATEGORIES = [
    {
        "name": "Environment problems (target unreachable or timed out)",
        "matchedStatuses": ["broken", "failed"],
        "messageRegex": "(?s).*(unreachable|timed out|connection refused|did not answer).*",
    },
    {
        "name": "Unverified (missing configuration, data or flags)",
        "matchedStatuses": ["broken", "skipped"],
        "messageRegex": "(?s).*unverified.*",
    },
    {"name": "Not applicable to this system", "matchedStatuses": ["skipped"], "messageRegex": "(?s).*not applicable.*"},
    {"name": "Product defects", "matchedStatuses": ["failed"]},
    {"name": "Broken checks (could not run)", "matchedStatuses": ["broken"]},
]


def _labels(result: dict[str, Any]) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result.get("labels", [])}


def _set_label(result: dict[str, Any], name: str, value: str) -> None:
    result["labels"] = [label for label in result.get("labels", []) if label["name"] != name]
    result["labels"].append({"name": name, "value": value})


def align_results(results_dir: Path, checks_by_nodeid: dict[str, dict[str, Any]]) -> int:
    """Make each allure-pytest result carry golive's status; returns how many were aligned."""
    aligned = 0
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        check = checks_by_nodeid.get(_labels(result).get(NODEID_LABEL, ""))
        if check is None:
            continue
        _set_label(result, "golive_status", check["status"])
        status = ALLURE_STATUS.get(check["status"], "broken")
        if check["status"] == "unverified":
            status = "broken" if check["critical"] else "skipped"
        if status:
            result["status"] = status
        if check["status"] in ("unverified", "waived", "not_applicable") or status != "passed":
            details = result.setdefault("statusDetails", {})
            details["message"] = check["message"] or details.get("message", "")
        path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        aligned += 1
    return aligned


def _synthetic(name: str, status: str, description: str, labels: dict[str, str], message: str = "") -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "uuid": str(uuid.uuid4()),
        "historyId": uuid.uuid5(uuid.NAMESPACE_URL, f"golive:{name.split(':')[0]}:{labels.get('golive_item', '')}").hex,
        "name": name,
        "fullName": name,
        "status": status,
        "statusDetails": {"message": message} if message else {},
        "stage": "finished",
        "description": description,
        "start": now,
        "stop": now,
        "labels": [{"name": key, "value": value} for key, value in labels.items()],
    }


def _write(results_dir: Path, result: dict[str, Any]) -> None:
    (results_dir / f"{result['uuid']}-result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def write_decision(results_dir: Path, document: dict[str, Any], started_ms: int | None = None) -> None:
    reasons = document["reasons"] or ["every selected check passed or was validly waived"]
    description = "\n".join(
        [f"Decision: {document['decision']}", ""]
        + [f"- {reason}" for reason in reasons]
        + ([""] + ["Known issues:"] + [f"- {issue}" for issue in document["known_issues"]] if document["known_issues"] else [])
    )
    status = "failed" if document["decision"] == "NO-GO" else "passed"
    result = _synthetic(
        f"Go-live decision: {document['decision']}",
        status,
        description,
        {
            "golive_kind": "decision",
            "severity": "blocker",
            "epic": "Go-live decision",
            "tag": "critical",
            "golive_status": status,
        },
        message="; ".join(document["reasons"]),
    )
    if started_ms:  # the run's start time sorts the decision first in the report
        result["start"] = result["stop"] = started_ms
    _write(results_dir, result)


def write_coverage(results_dir: Path, rows: list[dict[str, Any]]) -> None:
    """The coverage table as a result of its own, failed when a gating checklist has unmapped blockers."""
    if not rows:
        return
    header = ("checklist", "gates", "items", "automated", "attested", "n/a", "unmapped", "unmapped critical")
    cells = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in (
            row["name"], "yes" if row["gating"] else "", row["items"], row["automated"], row["attested"],
            row["not_applicable"], row["unmapped"], ", ".join(row["unmapped_critical"]) or "-",
        )) + "</tr>"
        for row in rows
    )  # fmt: skip
    blocking = [row["name"] for row in rows if row["gating"] and row["unmapped_critical"]]
    result = _synthetic(
        "Checklist coverage",
        "failed" if blocking else "passed",
        "",
        {"golive_kind": "coverage", "severity": "blocker" if blocking else "normal", "epic": "Sign-off",
         "feature": "Checklist coverage", "golive_status": "failed" if blocking else "passed"},
        message=f"unmapped critical items in {', '.join(blocking)}" if blocking else "",
    )  # fmt: skip
    result["descriptionHtml"] = f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    _write(results_dir, result)


def write_attestations(results_dir: Path, attestations: list[dict[str, Any]]) -> None:
    for attestation in attestations:
        signed = attestation["status"] == "passed"
        description = (
            f"Signed by {attestation['by']} ({attestation['role']}) on {attestation['date']}"
            + (f"\n\nEvidence: {attestation['evidence']}" if attestation["evidence"] else "")
            if signed
            else "No attestation recorded: record one with `golive attest`."
        )
        _write(
            results_dir,
            _synthetic(
                f"Attestation: {attestation['item']}",
                "passed" if signed else "broken",
                description,
                {
                    "golive_kind": "attestation",
                    "golive_item": attestation["item"],
                    "golive_status": "passed" if signed else "unverified",
                    "severity": "blocker",
                    "epic": "Sign-off",
                    "feature": "Attestations",
                    "story": attestation["item"],
                    "tag": "critical",
                },
                message="" if signed else "unverified: attestation missing",
            ),
        )


def write_prerequisites(results_dir: Path, document: dict[str, Any]) -> None:
    """Each failed prerequisite once, as a result of its own, with the checks it blocked."""
    critical = {f"{c['id']}[{c['param']}]" if c["param"] else c["id"] for c in document["checks"] if c["critical"]}
    for prerequisite in document.get("prerequisites", []):
        blocked = prerequisite["blocked"]
        description = "\n".join([
            f"Expected: {prerequisite['expected']}", f"Found: {prerequisite['found']}",
            f"Where: {prerequisite['where']}", f"Fix: {prerequisite['fix']}", "",
            f"{len(blocked)} checks blocked (unverified): " + ", ".join(blocked),
        ])
        blocks_go = any(label in critical for label in blocked)
        _write(results_dir, _synthetic(
            f"Prerequisite: {prerequisite['name']}", "broken", description,
            {"golive_kind": "prerequisite", "golive_status": "failed",
             # a blocker only when it blocked a critical check: the quality gate agrees with the decision
             "severity": "blocker" if blocks_go else "normal", "epic": "Prerequisites",
             "feature": "Prerequisites", "story": prerequisite["name"]},
            message=f"{prerequisite['name']} failed ({prerequisite['found']}): {len(blocked)} checks blocked",
        ))


def write_environment(results_dir: Path, document: dict[str, Any], executor: dict[str, Any]) -> None:
    properties = {
        "Decision": document["decision"],
        "Env": f"{document['env']} ({document['env_kind']})",
        "Profile": document["profile"],
        "Commit": document.get("commit") or "-",
        "Started": document["started_at"],
        "Flags": ", ".join(flag for flag, on in document.get("flags", {}).items() if on) or "none",
    }
    lines = [f"{key}={str(value).replace(chr(10), ' ')}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results_dir / "executor.json").write_text(json.dumps(executor, indent=2), encoding="utf-8")
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=2), encoding="utf-8")
