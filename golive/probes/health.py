"""Health endpoints: what a readiness body must say, judged against the profile's expectations."""

from __future__ import annotations

from typing import Any

from golive.probes.findings import Finding

_MISSING = object()


def lookup(body: Any, dotted: str) -> Any:
    node = body
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def evaluate_readiness(body: Any, expect: dict[str, Any]) -> list[Finding]:
    """Every expected field is present with its value (a readiness that checks nothing is no readiness)."""
    findings = []
    for path, wanted in expect.items():
        found = lookup(body, path)
        if found is _MISSING:
            findings.append(Finding("readiness-check-missing", f"{path}={wanted!r} in the readiness body",
                                    f"no {path}", f"make readiness run and report its {path.split('.')[-1]} check"))
        elif type(found) is not type(wanted) or found != wanted:  # 1 is not true, "ok" is not true
            findings.append(Finding("readiness-check-failing", f"{path}={wanted!r}", f"{path}={found!r}",
                                    f"the {path.split('.')[-1]} dependency is not ready"))
    return findings


def evaluate_readiness_limits(body: Any, limits: dict[str, float]) -> list[Finding]:
    """Every limited number is reported and within its maximum (replica lag, queue depth, ...)."""
    findings = []
    for path, maximum in limits.items():
        found = lookup(body, path)
        name = path.split(".")[-1]
        if found is _MISSING:
            findings.append(Finding("readiness-measure-missing", f"{path} <= {maximum:g} in the readiness body",
                                    f"no {path}", f"make readiness measure and report {name}"))
        # true is not a number of seconds; NaN is a measurement that failed
        elif isinstance(found, bool) or not isinstance(found, int | float) or found != found:
            findings.append(Finding("readiness-measure-not-number", f"{path} as a number <= {maximum:g}",
                                    f"{path}={found!r}", f"report {name} as a plain number"))
        elif found > maximum:
            findings.append(Finding("readiness-measure-over-limit", f"{path} <= {maximum:g}", f"{path}={found!r}",
                                    f"{name} is above its limit: find what holds it up before sending traffic"))
    return findings
