"""golive.verdict.decide: every rule of DESIGN.md "The decision", on plain result data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from golive.outcomes import Status
from golive.signoffs import Attestation, Signoffs, Waiver
from golive.verdict import GO, GO_WITH_EXCEPTIONS, NO_GO, AttestationResult, CheckResult, decide, prerequisites

TODAY = date(2025, 6, 1)
NO_SIGNOFFS = Signoffs()


def result(check_id: str, status: Status, *, critical: bool = True, message: str = "", **extra) -> CheckResult:
    return CheckResult(
        id=check_id, title=f"title of {check_id}", status=status, critical=critical, message=message, **extra
    )


def waiver(check_id: str, expires: date = date(2025, 6, 30)) -> Waiver:
    return Waiver(check=check_id, reason="vendor fix scheduled", approver="Priya (CTO)", expires=expires, ticket="OPS-12")


def test_everything_passed_is_go():
    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED), result("INF-HEALTH-001", Status.PASSED, critical=False)],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.decision == GO
    assert verdict.reasons == []
    assert verdict.known_issues == []
    assert verdict.exit_code == 0


def test_non_critical_failure_is_go_with_exceptions_listed_as_known_issue():
    verdict = decide(
        [
            result("SEC-CORS-001", Status.PASSED),
            result("OBS-LOGS-002", Status.FAILED, critical=False, message="no request id in logs\n  expected: ..."),
        ],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.reasons == []
    assert verdict.known_issues == ["OBS-LOGS-002 failed: no request id in logs"]
    assert verdict.exit_code == 0


@pytest.mark.parametrize("status", [Status.BROKEN, Status.UNVERIFIED], ids=lambda s: s.value)
def test_non_critical_broken_or_unverified_is_go_with_exceptions(status):
    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED), result("INT-SMS-001", status, critical=False)], NO_SIGNOFFS, today=TODAY
    )

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.known_issues == [f"INT-SMS-001 {status.value}: title of INT-SMS-001"]


@pytest.mark.parametrize("status", [Status.FAILED, Status.BROKEN, Status.UNVERIFIED], ids=lambda s: s.value)
def test_critical_failed_broken_or_unverified_is_no_go_naming_the_check(status):
    verdict = decide(
        [
            result("SEC-CORS-001", status, message="reflects any origin\n  found: evil"),
            result("INF-HEALTH-001", Status.PASSED),
        ],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.decision == NO_GO
    assert verdict.reasons == [f"SEC-CORS-001 {status.value}: reflects any origin"]
    assert verdict.exit_code == 1


def test_reason_uses_the_title_when_there_is_no_message_and_the_param_in_the_label():
    verdict = decide([result("INF-HEALTH-001", Status.FAILED, param="billing")], NO_SIGNOFFS, today=TODAY)

    assert verdict.reasons == ["INF-HEALTH-001[billing] failed: title of INF-HEALTH-001"]


def test_critical_failure_with_valid_waiver_is_go_with_exceptions_and_waived():
    signoffs = Signoffs(waivers=[waiver("SEC-HEADERS-002")])

    verdict = decide(
        [result("SEC-HEADERS-002", Status.FAILED, message="csp-not-implemented"), result("SEC-CORS-001", Status.PASSED)],
        signoffs,
        today=TODAY,
    )

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.reasons == []
    waived = verdict.checks[0]
    assert waived.status is Status.WAIVED
    assert waived.waiver == {
        "reason": "vendor fix scheduled",
        "approver": "Priya (CTO)",
        "expires": "2025-06-30",
        "was": "failed",
    }
    assert waived.message == "failed, waived: csp-not-implemented"
    assert verdict.known_issues == ["SEC-HEADERS-002 waived: failed, waived: csp-not-implemented"]
    assert verdict.exit_code == 0


def test_waiver_is_valid_through_its_expiry_day():
    signoffs = Signoffs(waivers=[waiver("SEC-HEADERS-002", expires=TODAY)])

    verdict = decide([result("SEC-HEADERS-002", Status.UNVERIFIED)], signoffs, today=TODAY)

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.checks[0].waiver["was"] == "unverified"


def test_waiver_does_not_change_a_passed_check():
    verdict = decide([result("SEC-CORS-001", Status.PASSED)], Signoffs(waivers=[waiver("SEC-CORS-001")]), today=TODAY)

    assert verdict.decision == GO
    assert verdict.checks[0].status is Status.PASSED
    assert verdict.checks[0].waiver is None


def test_expired_waiver_for_a_selected_check_is_no_go_even_if_the_check_passed():
    signoffs = Signoffs(waivers=[waiver("SEC-CORS-001", expires=date(2025, 5, 31))])

    verdict = decide([result("SEC-CORS-001", Status.PASSED)], signoffs, today=TODAY)

    assert verdict.decision == NO_GO
    assert verdict.reasons == ["waiver for SEC-CORS-001 expired on 2025-05-31 (approved by Priya (CTO))"]


def test_expired_waiver_does_not_cover_a_critical_failure():
    signoffs = Signoffs(waivers=[waiver("SEC-CORS-001", expires=date(2025, 5, 31))])

    verdict = decide([result("SEC-CORS-001", Status.FAILED, message="reflects")], signoffs, today=TODAY)

    assert verdict.decision == NO_GO
    assert verdict.checks[0].status is Status.FAILED
    assert verdict.reasons == [
        "SEC-CORS-001 failed: reflects",
        "waiver for SEC-CORS-001 expired on 2025-05-31 (approved by Priya (CTO))",
    ]


def test_expired_waiver_for_a_check_not_selected_does_not_block():
    signoffs = Signoffs(waivers=[waiver("LOAD-API-001", expires=date(2024, 1, 1))])

    verdict = decide([result("SEC-CORS-001", Status.PASSED)], signoffs, today=TODAY)

    assert verdict.decision == GO


def test_missing_required_attestation_is_no_go():
    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED)], NO_SIGNOFFS, required_attestations=["S7.uat-signed"], today=TODAY
    )

    assert verdict.decision == NO_GO
    assert verdict.reasons == ["attestation missing for S7.uat-signed"]
    assert verdict.attestations == [AttestationResult("S7.uat-signed", Status.UNVERIFIED)]


def test_present_attestation_is_a_passed_attestation_result():
    signed = Attestation(
        item="S7.uat-signed", by="Anita Rao", role="QA lead", date=date(2025, 5, 30), evidence="https://wiki.shop.test/uat"
    )

    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED)],
        Signoffs(attestations=[signed]),
        required_attestations=["S7.uat-signed"],
        today=TODAY,
    )

    assert verdict.decision == GO
    assert verdict.attestations == [
        AttestationResult("S7.uat-signed", Status.PASSED, "Anita Rao", "QA lead", "2025-05-30", "https://wiki.shop.test/uat")
    ]


def test_attestation_without_evidence_has_empty_evidence():
    signed = Attestation(item="S6.oncall", by="Ravi", role="SRE", date=date(2025, 5, 30))

    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED)], Signoffs(attestations=[signed]), required_attestations=["S6.oncall"], today=TODAY
    )

    assert verdict.attestations[0].evidence == ""


def test_zero_critical_checks_is_no_go():
    verdict = decide([result("OBS-LOGS-001", Status.PASSED, critical=False)], NO_SIGNOFFS, today=TODAY)

    assert verdict.decision == NO_GO
    assert verdict.reasons == ["no critical check ran"]


def test_no_results_at_all_is_no_go():
    assert decide([], NO_SIGNOFFS, today=TODAY).reasons == ["no critical check ran"]


def test_only_not_applicable_critical_checks_is_no_go():
    verdict = decide(
        [result("INT-WA-001", Status.NOT_APPLICABLE), result("OBS-LOGS-001", Status.PASSED, critical=False)],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.decision == NO_GO
    assert verdict.reasons == ["no critical check ran"]


def test_not_applicable_checks_do_not_block_when_another_critical_check_passed():
    verdict = decide(
        [result("INT-WA-001", Status.NOT_APPLICABLE), result("SEC-CORS-001", Status.PASSED)], NO_SIGNOFFS, today=TODAY
    )

    assert verdict.decision == GO


def test_run_problems_and_environment_problems_come_first_in_reasons():
    unreachable = "unreachable: https://api.shop.test (connection refused)"
    verdict = decide(
        [
            result("SEC-CORS-001", Status.FAILED, message="reflects any origin"),
            result("INF-HEALTH-001", Status.BROKEN, message=unreachable, environment_problem=True),
            result("INF-HEALTH-002", Status.BROKEN, message=unreachable, environment_problem=True),
        ],
        NO_SIGNOFFS,
        today=TODAY,
        run_problems=["the run did not complete (pytest exit status 2)"],
    )

    assert verdict.decision == NO_GO
    assert verdict.reasons == [
        "the run did not complete (pytest exit status 2)",
        # once, however many checks it broke, naming them
        f"{unreachable}: 2 checks could not run (INF-HEALTH-001, INF-HEALTH-002)",
        "SEC-CORS-001 failed: reflects any origin",
    ]


def test_a_failed_prerequisite_is_one_reason_and_its_checks_are_blocked_not_failed():
    login = {"name": "login as admin", "expected": "HTTP 200 with 'access_token'",
             "found": "HTTP 422: body fields missing (username, password) — does the endpoint want a form?",
             "where": "POST http://api.test/login", "fix": "set auth.login.strategy: form"}
    blocked = [result(f"SEC-AUTH-00{n}", Status.UNVERIFIED, message=f"blocked by login as admin failed ({login['found']})")
               for n in (2, 3, 4)]
    blocked = [replace(r, blocked_by=login) for r in blocked]
    verdict = decide([*blocked, result("SEC-CORS-001", Status.PASSED)], NO_SIGNOFFS, today=TODAY)

    assert verdict.decision == NO_GO
    assert verdict.reasons == [f"login as admin failed ({login['found']}): 3 checks blocked "
                               "(SEC-AUTH-002, SEC-AUTH-003, SEC-AUTH-004)"]
    assert prerequisites(verdict.checks) == [{**login, "blocked": ["SEC-AUTH-002", "SEC-AUTH-003", "SEC-AUTH-004"]}]


def test_environment_problem_of_a_non_critical_check_is_a_known_issue_not_a_blocker():
    unreachable = "unreachable: https://sentry.shop.test (connection refused)"
    verdict = decide(
        [
            result("SEC-CORS-001", Status.PASSED),
            result("OBS-SENTRY-001", Status.BROKEN, critical=False, message=unreachable, environment_problem=True),
        ],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.reasons == []
    assert verdict.known_issues == [f"OBS-SENTRY-001 broken: {unreachable}"]  # one check keeps its own line


def test_validly_waived_environment_problem_does_not_block():
    unreachable = "unreachable: https://shiprocket.shop.test (connection refused)"
    verdict = decide(
        [
            result("SEC-CORS-001", Status.PASSED),
            result("INT-SHIP-001", Status.BROKEN, message=unreachable, environment_problem=True),
        ],
        Signoffs(waivers=[waiver("INT-SHIP-001")]),
        today=TODAY,
    )

    assert verdict.decision == GO_WITH_EXCEPTIONS
    assert verdict.reasons == []


def test_run_problem_alone_is_no_go():
    verdict = decide(
        [result("SEC-CORS-001", Status.PASSED)], NO_SIGNOFFS, today=TODAY, run_problems=["no check produced a result"]
    )

    assert verdict.decision == NO_GO


def test_counts_cover_every_status():
    verdict = decide(
        [result("A-B-001", Status.PASSED), result("A-B-002", Status.NOT_APPLICABLE), result("A-B-003", Status.FAILED)],
        NO_SIGNOFFS,
        today=TODAY,
    )

    assert verdict.counts() == {
        "passed": 1,
        "failed": 1,
        "broken": 0,
        "not_applicable": 1,
        "unverified": 0,
        "waived": 0,
    }


@pytest.mark.parametrize("decision, code", [(GO, 0), (GO_WITH_EXCEPTIONS, 0), (NO_GO, 1)])
def test_exit_code_is_zero_unless_no_go(decision, code):
    from golive.verdict import Verdict

    assert Verdict(decision, [], []).exit_code == code


def test_check_result_as_json_is_plain_data():
    data = result("SEC-CORS-001", Status.WAIVED, items=("S3.cors", "S3.auth")).as_json()

    assert data["status"] == "waived"
    assert data["items"] == ["S3.cors", "S3.auth"]
    assert data["id"] == "SEC-CORS-001"
