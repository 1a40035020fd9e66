"""golive.outcomes and golive.expect: statuses, and failures that carry their evidence."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from golive import expect
from golive.outcomes import (
    CheckFailed,
    NotApplicable,
    Status,
    Unverified,
    absent_reason,
    not_applicable,
    required,
    unverified,
    worst,
)
from golive.probes.findings import Finding

URL = "https://api.shop.test/health/ready"


def answer(status: int = 200, *, text: str = "", json=None, headers=None, elapsed_ms: int = 0) -> httpx.Response:
    request = httpx.Request("GET", URL, headers={"X-Request-ID": "golive-abc123"})
    response = httpx.Response(status, text=text if json is None else None, json=json, headers=headers, request=request)
    response.elapsed = timedelta(milliseconds=elapsed_ms)
    return response


@pytest.mark.parametrize(
    "status, blocks", [(Status.PASSED, False), (Status.FAILED, True), (Status.BROKEN, True),
                       (Status.UNVERIFIED, True), (Status.NOT_APPLICABLE, False), (Status.WAIVED, False)],
)
def test_blocking_statuses(status, blocks):
    assert status.blocks_go is blocks


def test_worst_phase_decides():
    assert worst(Status.PASSED, Status.BROKEN) is Status.BROKEN
    assert worst(Status.FAILED, Status.BROKEN) is Status.BROKEN
    assert worst(Status.UNVERIFIED, Status.FAILED) is Status.FAILED
    assert worst(Status.NOT_APPLICABLE, Status.UNVERIFIED) is Status.UNVERIFIED
    assert worst(Status.PASSED, Status.NOT_APPLICABLE) is Status.NOT_APPLICABLE
    assert worst(Status.PASSED, Status.PASSED) is Status.PASSED


def test_not_applicable_and_unverified_carry_their_prefix():
    with pytest.raises(NotApplicable, match="^not applicable: no WhatsApp integration$"):
        not_applicable("no WhatsApp integration")
    with pytest.raises(Unverified, match="^unverified: no cashier credentials$"):
        unverified("no cashier credentials")


def test_check_failed_message_says_expected_found_where_and_fix():
    failure = CheckFailed("CORS reflects", expected="no ACAO", found="ACAO: evil", where=URL, fix="use an allow-list")

    assert str(failure) == (
        "CORS reflects\n  expected: no ACAO\n  found:    ACAO: evil\n"
        f"  where:    {URL}\n  fix:      use an allow-list"
    )
    assert isinstance(failure, AssertionError)
    assert str(CheckFailed("t", expected="a", found="b")) == "t\n  expected: a\n  found:    b"


def test_expect_status_passes_on_an_expected_code():
    expect.status(answer(204), {200, 204}, "health answers")


def test_expect_status_failure_names_the_request_and_body():
    with pytest.raises(CheckFailed) as raised:
        expect.status(answer(503, text="db\ndown"), 200, "readiness answers", fix="start the database")

    failure = raised.value
    assert failure.expected == "HTTP 200"
    assert failure.found == "HTTP 503 db down"
    assert failure.where == f"GET {URL} (request id golive-abc123)"
    assert failure.fix == "start the database"


def test_expect_status_truncates_long_bodies():
    with pytest.raises(CheckFailed) as raised:
        expect.status(answer(500, text="x" * 1000), [200, 201], "t")

    assert raised.value.expected == "HTTP 200 or 201"
    assert raised.value.found == "HTTP 500 " + "x" * 300 + "…"


def test_expect_no_findings_joins_every_finding():
    findings = [
        Finding("hsts-not-implemented", "HSTS", "no header", "send HSTS"),
        Finding("csp-not-implemented", "CSP", "no header", "send CSP"),
    ]

    expect.no_findings([], "headers", where=URL)
    with pytest.raises(CheckFailed) as raised:
        expect.no_findings(findings, "security headers", where=URL)

    assert raised.value.title == "security headers: hsts-not-implemented, csp-not-implemented"
    assert raised.value.expected == "HSTS; CSP"
    assert raised.value.found == "no header; no header"
    assert raised.value.fix == "send HSTS | send CSP"


def test_expect_within_budget():
    expect.within_budget(answer(elapsed_ms=120), 600, "fast")

    with pytest.raises(CheckFailed) as raised:
        expect.within_budget(answer(elapsed_ms=1500), 600, "fast")

    assert raised.value.expected == "an answer within 600 ms"
    assert raised.value.found == "1500 ms"


def test_expect_json_body():
    assert expect.json_body(answer(json={"ready": True}), "json") == {"ready": True}

    with pytest.raises(CheckFailed) as raised:
        expect.json_body(answer(text="<html>oops</html>", headers={"Content-Type": "text/html"}), "readiness is JSON")

    assert raised.value.found == "text/html: <html>oops</html>"


def test_expect_true():
    expect.true(True, "t", expected="e", found="f", where=URL)

    with pytest.raises(CheckFailed, match="request id echoed"):
        expect.true(False, "request id echoed", expected="X-Request-ID", found="none", where=URL)


def test_a_profile_value_set_to_false_reads_as_a_sentence():
    with pytest.raises(NotApplicable, match="^not applicable: the profile says this system has no liveness path for api$"):
        required(False, "a liveness path for api")
    assert absent_reason("redirect parameters (inputs.redirects)") == (
        "the profile says this system has no redirect parameters (inputs.redirects: false)")
    # a hint about the section's shape is left out of the sentence
    assert absent_reason("HTTPS endpoint (transport: https_url, http_url)") == (
        "the profile says this system has no HTTPS endpoint")
    with pytest.raises(NotApplicable, match="^not applicable: no CDN in front$"):
        required(False, "a CDN", absent="no CDN in front")
    with pytest.raises(Unverified, match="^unverified: the profile does not give a liveness path for api$"):
        required(None, "a liveness path for api")


def test_every_not_applicable_reason_in_the_suite_reads_as_english():
    """The reasons a check gives for a profile value set to false, as users read them in the report."""
    root = Path(__file__).resolve().parents[2]
    reasons = []
    for path in [*root.glob("suites/**/*.py"), *root.glob("fixtures/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("required", "not_applicable")):
                continue
            absent = next((k.value for k in node.keywords if k.arg == "absent"), None)
            if node.func.id == "not_applicable":
                absent = node.args[0] if node.args else None
            elif absent is None and len(node.args) > 1:
                what = node.args[1]
                if isinstance(what, ast.JoinedStr):  # f"a liveness path for {service.name}"
                    what = ast.Constant("".join(p.value if isinstance(p, ast.Constant) else "X" for p in what.values))
                absent = ast.Constant(absent_reason(what.value)) if isinstance(what, ast.Constant) else None
            if isinstance(absent, ast.Constant) and isinstance(absent.value, str):
                reasons.append((f"{path.relative_to(root)}:{node.lineno}", absent.value))
    assert len(reasons) > 100
    garbled = [(where, reason) for where, reason in reasons
               if re.search(r"\bno (a|an|the|where|which|what|how)\b|\bis no\b|\bno \w+ section\b", reason)]
    assert garbled == []
