"""Login behaviour seen from outside: user enumeration, attempt limits, refresh-token rotation.

Pure functions over what the target answered (status codes, bodies, timings); the checks send
the requests.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .findings import Finding

#: a wrong password may take at most this much longer than an unknown user (and vice versa) ...
TIMING_RATIO = 3.0
#: ... and the difference must also exceed this floor: network jitter on fast answers is noise
TIMING_FLOOR_MS = 40.0


@dataclass(frozen=True)
class LoginAnswer:
    status: int
    body: str
    elapsed_ms: float
    # the answer issued a token or session (the login strategy's own test of success)
    signed_in: bool = False


# per-render values of a login page: CSRF tokens, nonces, request ids (long random runs)
_RANDOM_RUN = re.compile(r"[A-Za-z0-9_\-]{24,}")


def comparable_body(body: str, username: str) -> str:
    """The answer with what differs per attempt by design taken out: the username echoed back into
    the form, and per-render tokens (Django's csrfmiddlewaretoken). What remains is what could
    tell an unknown user from a wrong password."""
    # the username as a whole value only: "admin" echoed back, not the "admin" in "administration"
    text = re.sub(rf"(?<![\w@.+-]){re.escape(username)}(?![\w@.+-])", "«username»", body) if username else body
    return _RANDOM_RUN.sub("«token»", text)


def evaluate_enumeration(unknown_user: Sequence[LoginAnswer], wrong_password: Sequence[LoginAnswer]) -> list[Finding]:
    """Unknown user and wrong password must be indistinguishable: one status, same body, similar time.

    The status need not be 401: Firebase answers 400 INVALID_LOGIN_CREDENTIALS to both, and a form
    login (Django's LoginView) shows the form again with 200 to both; neither tells an attacker
    anything. What leaks is a difference, or a success (a token or session issued).
    """
    findings: list[Finding] = []
    statuses = {answer.status for answer in (*unknown_user, *wrong_password)}
    unknown = sorted({a.status for a in unknown_user})
    wrong = sorted({a.status for a in wrong_password})
    if len(statuses) != 1:
        findings.append(Finding(
            "login-failure-status-differs", "one status for an unknown user and for a wrong password",
            f"unknown user: {unknown}, wrong password: {wrong}",
            "answer every failed login with 401 and the same body",
        ))
    signed_in = [answer for answer in (*unknown_user, *wrong_password) if answer.signed_in]
    if signed_in:
        findings.append(Finding(
            "failed-login-signed-in", "no token or session for an unknown user or a wrong password",
            f"{len(signed_in)} of {len(unknown_user) + len(wrong_password)} wrong logins signed in "
            f"(unknown user: {unknown}, wrong password: {wrong})",
            "check the password before issuing a token or session",
        ))
    bodies = {answer.body.strip() for answer in (*unknown_user, *wrong_password)}
    if len(bodies) > 1:
        shown = " | ".join(sorted(body[:80] for body in bodies))
        findings.append(Finding(
            "login-failure-message-differs", "one message for every failed login", shown,
            "use one generic message such as 'Invalid username or password'",
        ))
    if unknown_user and wrong_password:
        unknown_ms = statistics.median(a.elapsed_ms for a in unknown_user)
        wrong_ms = statistics.median(a.elapsed_ms for a in wrong_password)
        fast, slow = sorted((unknown_ms, wrong_ms))
        if slow - fast > TIMING_FLOOR_MS and slow > TIMING_RATIO * max(fast, 1.0):
            findings.append(Finding(
                "login-failure-timing-differs",
                f"similar answer times (within {TIMING_RATIO:g}x or {TIMING_FLOOR_MS:g} ms)",
                f"median unknown user {unknown_ms:.0f} ms, wrong password {wrong_ms:.0f} ms",
                "verify a dummy password hash when the user does not exist",
            ))
    return findings


def evaluate_attempt_limit(statuses: Sequence[int], retry_after: str | None, burst: int, what: str) -> list[Finding]:
    """After ``burst`` failed attempts the next must be refused with 429 and a Retry-After."""
    limited_at = next((index for index, status in enumerate(statuses) if status == 429), None)
    if limited_at is None:
        return [Finding(
            f"{what}-not-rate-limited", f"HTTP 429 by attempt {burst + 1}",
            f"{len(statuses)} attempts, none refused with 429 (statuses {sorted(set(statuses))})",
            f"limit failed {what} attempts per account and client, answering 429 with Retry-After",
        )]
    findings: list[Finding] = []
    if limited_at + 1 > burst + 1:
        findings.append(Finding(
            f"{what}-limit-too-high", f"HTTP 429 by attempt {burst + 1}", f"first 429 at attempt {limited_at + 1}",
            "lower the limit to the profile's burst",
        ))
    if not (retry_after or "").strip().isdigit():
        findings.append(Finding(
            f"{what}-429-without-retry-after", "Retry-After: <seconds> on the 429",
            f"Retry-After: {retry_after!r}", "say when the client may try again (RFC 9110 §10.2.3)",
        ))
    return findings


def evaluate_rotation(first: str, rotated: str | None, replay_status: int, successor_status: int | None) -> list[Finding]:
    """A refresh returns a new refresh token; the used one is refused; reuse revokes the family.

    ``successor_status`` is the answer to the rotated-in token after the replay (None when not tried).
    """
    findings: list[Finding] = []
    if not rotated:
        findings.append(Finding("refresh-token-not-returned", "a new refresh token with every refresh",
                                "no refresh token in the answer", "rotate refresh tokens on every use"))
    elif rotated == first:
        findings.append(Finding("refresh-token-not-rotated", "a new refresh token with every refresh",
                                "the same refresh token came back", "issue a new refresh token on every use"))
    if replay_status != 401:
        findings.append(Finding("used-refresh-token-accepted", "HTTP 401 for a refresh token used before",
                                f"HTTP {replay_status}", "mark refresh tokens used and refuse them afterwards"))
    if successor_status is not None and successor_status != 401:
        findings.append(Finding(
            "refresh-reuse-not-revoking", "HTTP 401 for the rotated-in token once a used one was replayed",
            f"HTTP {successor_status}",
            "on reuse of a rotated token revoke the whole token family (OAuth 2.0 Security BCP §4.14)",
        ))
    return findings
