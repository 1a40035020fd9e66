"""Assertions that fail with evidence: what was expected, what was found, where, and how to fix it."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from golive.outcomes import CheckFailed, Inconclusive, RateLimited
from golive.probes.control import Judgement, Outcome
from golive.probes.findings import Finding

MAX_BODY_IN_MESSAGE = 300


def where(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url} (request id {request.headers.get('x-request-id', '-')})"


def snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:MAX_BODY_IN_MESSAGE] + ("…" if len(text) > MAX_BODY_IN_MESSAGE else "")


def status(response: httpx.Response, expected: int | Collection[int], title: str, *, fix: str = "") -> None:
    wanted = {expected} if isinstance(expected, int) else set(expected)
    if response.status_code not in wanted:
        shown = " or ".join(str(code) for code in sorted(wanted))
        body = snippet(response)
        raise CheckFailed(
            title,
            expected=f"HTTP {shown}",
            found=f"HTTP {response.status_code}" + (f" {body}" if body else ""),
            where=where(response),
            fix=fix,
        )


def no_findings(findings: list[Finding], title: str, *, where: str) -> None:
    if findings:
        raise CheckFailed(
            f"{title}: {', '.join(f.name for f in findings)}",
            expected="; ".join(f.expected for f in findings),
            found="; ".join(f.found for f in findings),
            where=where,
            fix=" | ".join(dict.fromkeys(f.fix for f in findings if f.fix)),
            findings=[{"name": f.name, "expected": f.expected, "found": f.found, "where": where, "fix": f.fix}
                      for f in findings],
        )


def within_budget(response: httpx.Response, budget_ms: int, title: str, *, fix: str = "") -> None:
    elapsed_ms = response.elapsed.total_seconds() * 1000
    if elapsed_ms > budget_ms:
        raise CheckFailed(
            title,
            expected=f"an answer within {budget_ms} ms",
            found=f"{elapsed_ms:.0f} ms",
            where=where(response),
            fix=fix,
        )


def true(condition: bool, title: str, *, expected: str, found: str, where: str, fix: str = "") -> None:
    if not condition:
        raise CheckFailed(title, expected=expected, found=found, where=where, fix=fix)


def json_body(response: httpx.Response, title: str):  # type: ignore[no-untyped-def]
    """The decoded JSON body, or a failure saying the target did not answer JSON."""
    try:
        return response.json()
    except ValueError:
        raise CheckFailed(
            title,
            expected="a JSON body",
            found=f"{response.headers.get('content-type', 'no content type')}: {snippet(response) or 'empty'}",
            where=where(response),
        ) from None


def settle(judgement: Judgement, control: httpx.Response, probe: httpx.Response, title: str, *, tested: str,
           fix: str = "") -> None:
    """Turn a control/probe judgement into the check's outcome."""
    if judgement.outcome is Outcome.RATE_LIMITED:
        raise RateLimited(f"rate limited: {judgement.reason} ({where(probe)}); "
                          "run again later or raise the target's limit for golive's address")
    if judgement.outcome is Outcome.INCONCLUSIVE:
        raise Inconclusive(f"{judgement.reason} — the same request without {tested} was not accepted "
                           f"({where(control)}: HTTP {control.status_code} {snippet(control)[:120]})".rstrip())
    if judgement.outcome is Outcome.ACCEPTED:
        raise CheckFailed(
            title,
            expected=f"a refusal (401, 403 or 404) of the request with {tested}",
            found=f"{judgement.reason}: {snippet(probe)[:200]}".rstrip(": "),
            where=where(probe),
            fix=fix,
        )
