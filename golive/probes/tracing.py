"""Distributed tracing: one trace holds every service of a call chain, each a child of its caller,
and each saw the caller's correlation id. Input: X-Ray segment documents (BatchGetTraces)."""

from __future__ import annotations

from typing import Any

from golive.probes.findings import Finding


def trace_root(header_value: str | None) -> str | None:
    """``Root=1-abc-def;Parent=...`` (X-Amzn-Trace-Id) -> ``1-abc-def``; None when absent."""
    for part in (header_value or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "Root" and value:
            return value
    return None


def evaluate_trace_chain(documents: list[dict[str, Any]], chain: list[str], *, request_id: str,
                         annotation: str) -> list[Finding]:
    """Every service of ``chain`` has a segment in the trace, each the child of the one before it,
    and each annotated with the caller's request id."""
    by_name: dict[str, dict[str, Any]] = {}
    for document in documents:
        by_name.setdefault(str(document.get("name")), document)
    findings: list[Finding] = []
    missing = [name for name in chain if name not in by_name]
    if missing:
        findings.append(Finding("trace-segment-missing", f"segments {chain} in one trace",
                                f"missing {missing}; the trace holds {sorted(by_name)}",
                                "propagate the trace header (X-Amzn-Trace-Id / traceparent) on every downstream call "
                                "and enable tracing in each service"))
    for caller, callee in zip(chain, chain[1:]):
        if caller in by_name and callee in by_name and by_name[callee].get("parent_id") != by_name[caller].get("id"):
            findings.append(Finding("trace-parent-broken", f"{callee}'s parent is {caller}'s segment",
                                    f"{callee} parent_id={by_name[callee].get('parent_id')!r}",
                                    f"pass {caller}'s segment as Parent when it calls {callee}"))
    lost = [name for name in chain if name in by_name
            and (by_name[name].get("annotations") or {}).get(annotation) != request_id]
    if lost:
        findings.append(Finding("correlation-id-lost", f"{annotation}={request_id!r} in every segment",
                                ", ".join(f"{name}: {(by_name[name].get('annotations') or {}).get(annotation)!r}"
                                          for name in lost),
                                "forward the caller's X-Request-ID on downstream calls and log it"))
    return findings
