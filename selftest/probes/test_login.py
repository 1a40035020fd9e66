"""golive.probes.login: enumeration, attempt limits and refresh rotation from fixed answers."""

from __future__ import annotations

from golive.probes.findings import names
from golive.probes.login import LoginAnswer, evaluate_attempt_limit, evaluate_enumeration, evaluate_rotation

GENERIC = '{"detail":"Invalid username or password"}'


def answers(status: int, body: str, *elapsed_ms: float) -> list[LoginAnswer]:
    return [LoginAnswer(status, body, ms) for ms in elapsed_ms]


def test_identical_failures_are_fine():
    assert evaluate_enumeration(answers(401, GENERIC, 41, 45, 39), answers(401, GENERIC, 44, 40, 43)) == []


def test_jitter_on_fast_answers_is_not_a_finding():
    # 2 ms vs 9 ms is a large ratio but below the absolute floor
    assert evaluate_enumeration(answers(401, GENERIC, 2, 2, 3), answers(401, GENERIC, 9, 8, 9)) == []


def test_different_status_body_and_timing_are_each_named():
    unknown = answers(404, '{"detail":"No such user"}', 1, 2, 1)
    wrong = answers(401, GENERIC, 60, 58, 61)
    assert names(evaluate_enumeration(unknown, wrong)) == [
        "login-failure-status-differs", "login-failure-message-differs", "login-failure-timing-differs",
    ]


def test_timing_alone_is_caught():
    assert names(evaluate_enumeration(answers(401, GENERIC, 3, 4, 3), answers(401, GENERIC, 90, 95, 88))) == [
        "login-failure-timing-differs"]


def test_attempt_limit_at_the_burst_with_retry_after():
    assert evaluate_attempt_limit([401, 401, 401, 429], "42", 3, "login") == []


def test_attempt_limit_missing_too_high_or_without_retry_after():
    assert names(evaluate_attempt_limit([401] * 4, None, 3, "login")) == ["login-not-rate-limited"]
    assert names(evaluate_attempt_limit([401] * 5 + [429], "5", 3, "otp")) == ["otp-limit-too-high"]
    assert names(evaluate_attempt_limit([401, 429], None, 3, "login")) == ["login-429-without-retry-after"]
    assert names(evaluate_attempt_limit([429], "Wed, 21 Oct 2015", 3, "login")) == ["login-429-without-retry-after"]


def test_rotation_healthy():
    assert evaluate_rotation("r1", "r2", 401, 401) == []


def test_rotation_defects_are_named():
    assert names(evaluate_rotation("r1", "r1", 200, None)) == ["refresh-token-not-rotated", "used-refresh-token-accepted"]
    assert names(evaluate_rotation("r1", None, 401, None)) == ["refresh-token-not-returned"]
    assert names(evaluate_rotation("r1", "r2", 401, 200)) == ["refresh-reuse-not-revoking"]


def test_one_shared_4xx_like_firebases_400_does_not_enumerate_users():
    firebase = '{"error": {"code": 400, "message": "INVALID_LOGIN_CREDENTIALS"}}'
    assert evaluate_enumeration(answers(400, firebase, 50, 52), answers(400, firebase, 51, 49)) == []


def test_a_form_login_showing_the_form_again_to_both_does_not_enumerate_users():
    # Django's LoginView: 200 with the form and one error message, no session issued
    form = "<form><p>Please enter a correct username and password.</p></form>"
    assert evaluate_enumeration(answers(200, form, 50, 48), answers(200, form, 52, 49)) == []


def test_a_wrong_login_that_signs_in_is_named_whatever_its_status():
    unknown = [LoginAnswer(200, "{}", 50, signed_in=True)]
    wrong = [LoginAnswer(200, "{}", 50, signed_in=True)]
    assert names(evaluate_enumeration(unknown, wrong)) == ["failed-login-signed-in"]


def test_a_login_page_compares_without_the_echoed_username_and_its_csrf_token():
    from golive.probes.login import comparable_body

    page = ('<input type="hidden" name="csrfmiddlewaretoken" value="{token}"><input name="username" value="{user}">'
            '<p>Please enter a correct username and password.</p>')
    unknown = comparable_body(page.format(token="Xa81bQ0vnV7T9uKq3zYwPe2Lr5sMd4Hc", user="golive-nobody-1a2b"),
                              "golive-nobody-1a2b")
    wrong = comparable_body(page.format(token="pQ7rT2mNx9Kc4VbZ8wLs1Fh6Jd3Gy5Ue", user="alice"), "alice")
    assert unknown == wrong
    assert comparable_body("<p>No such user</p>", "bob") != comparable_body("<p>Wrong password</p>", "bob")


def test_the_username_is_taken_out_only_as_a_whole_value():
    from golive.probes.login import comparable_body

    assert comparable_body("<a href=/administration>admin</a>", "admin") == "<a href=/administration>«username»</a>"
