"""Tokens: forged tokens refused, lifetimes within policy, no guessable HMAC secret, refresh tokens
rotate, a second factor where the profile demands one, no user enumeration, limited login attempts.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pyotp

from golive import check, expect, not_applicable, required, unverified
from golive.outcomes import inconclusive
from golive.auth import (
    KEY_SET_FORGERIES,
    attempt_login,
    complete_mfa,
    forgery_contexts,
    fresh_login,
    login_succeeded,
    mfa_challenge,
    password_login,
)
from golive.expect import snippet, where
from golive.probes.login import (
    LoginAnswer,
    attempt_limit_title,
    comparable_body,
    evaluate_attempt_limit,
    evaluate_enumeration,
    evaluate_rotation,
)
from golive.probes.tokens import (
    FORGERIES,
    MalformedToken,
    claim_tested_but_unused,
    decode_unverified,
    evaluate_hmac_secret,
    evaluate_stated_lifetime,
    evaluate_token_lifetime,
    forge,
    load_weak_secrets,
)
from golive.profile import Auth

AUTH_ITEMS = ["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03"]


def least_privileged_role(auth: Auth) -> str:
    """A role without a second factor that reaches the fewest protected endpoints: the one to spend
    failed attempts and fresh sessions on."""
    mfa_roles = set(auth.mfa.roles) if auth.mfa else set()
    candidates = [role for role in auth.roles if role not in mfa_roles] or list(auth.roles)
    return min(candidates, key=lambda role: (sum(role in e.roles for e in auth.protected), role))


def base_url(profile, auth: Auth) -> str:  # type: ignore[no-untyped-def]
    return str(profile.service(auth.login.service).base_url)


def jwt_of(credential):  # type: ignore[no-untyped-def]
    """The credential's JWT (header, claims); not applicable when the system issues something else."""
    if not credential.is_jwt:
        not_applicable(f"the system's credential is {credential.kind} in {credential.where}, not a JWT")
    return decode_unverified(credential.value)


@check("SEC-AUTH-003", "Protected endpoints refuse forged tokens (alg none, no or wrong signature, tampered, "
       "expired, wrong issuer or audience, unknown kid, key confusion)", critical=True, safety="probe",
       items=AUTH_ITEMS)
def test_forged_token_refused(profile, auth_config, protected_endpoint, forgery, tokens, http, published_keys,
                              controls, write_body):
    genuine = tokens(protected_endpoint.roles[0])
    header, claims = jwt_of(genuine)
    unused = claim_tested_but_unused(forgery, auth_config.enforced_claims, header, claims)
    if unused:
        not_applicable(unused)
    keys = published_keys() if forgery in KEY_SET_FORGERIES else None
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    # key confusion: one forgery per PEM spelling of each published key, the first accepted one fails
    for context in forgery_contexts(auth_config, forgery, keys):
        forged = genuine.forged(forge(forgery, genuine.value, context))
        controls.expect_refused(
            http, protected_endpoint.method, url, genuine=genuine, probe=forged,
            title=f"{protected_endpoint.label} accepts a token with {FORGERIES[forgery].title}",
            tested=f"a token with {FORGERIES[forgery].title} in {genuine.where}",
            fix="verify the signature, pin the algorithm and check exp/nbf/iss/aud on every request",
            body=write_body(protected_endpoint.method, protected_endpoint.path))


@check("SEC-AUTH-004", "Access and refresh token lifetimes are within the profile's policy", critical=True,
       items=["realserv:SEC-AUTH-03"])
def test_token_lifetimes(auth_config, role, tokens):
    issued = tokens(role)
    policy = auth_config.token_policy
    where_ = f"tokens issued by {auth_config.login.path} to {role}"
    if not issued.is_jwt and issued.expires_in is not None:
        # an opaque token's lifetime is what the login answer states (OAuth2 expires_in)
        expect.no_findings(evaluate_stated_lifetime(issued.expires_in, timedelta(minutes=policy.access_minutes)),
                           f"{role} access token outlives the policy", where=where_)
        return
    _, access_claims = jwt_of(issued)
    expect.no_findings(evaluate_token_lifetime(access_claims, timedelta(minutes=policy.access_minutes),
                                               issued_at=issued.issued_at),
                       f"{role} access token outlives the policy", where=where_)
    if policy.refresh_days is False:
        # The profile says the issuer's refresh tokens never expire (Firebase's do not): there is no
        # lifetime to hold them to, so the access token's lifetime is all this check can verify.
        return
    if issued.refresh is None:
        unverified(f"login as {role} returned no refresh token: its lifetime ({policy.refresh_days} days) unverified")
    try:
        _, refresh_claims = decode_unverified(issued.refresh)
    except MalformedToken:
        unverified(f"the {role} refresh token is opaque: its lifetime ({policy.refresh_days} days) cannot be read")
    expect.no_findings(evaluate_token_lifetime(refresh_claims, timedelta(days=policy.refresh_days),
                                               issued_at=issued.issued_at),
                       f"{role} refresh token outlives the policy", where=where_)


@check("SEC-AUTH-005", "HS256 tokens are not signed with a guessable secret", critical=True,
       items=["realserv:SEC-AUTH-02"])
def test_hmac_secret_not_guessable(auth_config, tokens):
    role = least_privileged_role(auth_config)
    credential = tokens(role)
    header, _ = jwt_of(credential)
    if not str(header.get("alg", "")).startswith("HS"):
        not_applicable(f"tokens are signed with {header.get('alg')!r}: no shared secret to guess")
    expect.no_findings(evaluate_hmac_secret(credential.value, load_weak_secrets()),
                       "the token signing secret is in a public word list",
                       where=f"the {role} access token issued by {auth_config.login.path}")


@check("SEC-AUTH-006", "Refresh tokens rotate; a used refresh token is refused and its reuse revokes the family",
       safety="probe", items=["realserv:TEST-SEC-03"])
def test_refresh_tokens_rotate(profile, auth_config, http):
    # probe, not mutating: it only rotates and burns golive's own fresh session, like logging in twice
    spec = required(auth_config.refresh, "a refresh endpoint (auth.refresh.path)",
                    absent="the profile says the target issues no refresh tokens (auth.refresh: false)")
    role = least_privileged_role(auth_config)
    session = fresh_login(http, auth_config, base_url(profile, auth_config), role)
    if session.refresh is None:
        raise AssertionError(f"login as {role} returned no refresh token although auth.refresh is configured")
    url = profile.service(auth_config.login.service).url(spec.path)
    field = spec.refresh_token_field
    first = http.post(url, json={field: session.refresh}, intent="login")
    expect.status(first, 200, f"refreshing a fresh {role} session failed",
                  fix="check auth.refresh in the profile against the refresh endpoint")
    body = expect.json_body(first, "the refresh answer")
    rotated = body.get(field) if isinstance(body, dict) else None
    replay = http.post(url, json={field: session.refresh}, intent="probe")
    successor = http.post(url, json={field: rotated}, intent="probe") if rotated and rotated != session.refresh else None
    expect.no_findings(
        evaluate_rotation(session.refresh, rotated, replay.status_code, successor.status_code if successor else None),
        "refresh tokens can be used more than once", where=where(replay))


@check("SEC-AUTH-007", "Accounts of the profile's MFA roles require a second factor", safety="probe",
       items=["realserv:SEC-AUTH-06"])
def test_second_factor_required(profile, auth_config, http, tokens):
    mfa = required(auth_config.mfa, "which roles need a second factor (auth.mfa)",
                   absent="the profile says no role uses a second factor (auth.mfa: false)")
    url = base_url(profile, auth_config)
    for role in mfa.roles:
        tokens(role)  # the role's own sign-in is the prerequisite: blocked by it, never failed for it
        first = password_login(http, auth_config, url, role)
        expect.status(first, 200, f"password login as {role} failed", fix="check the role's credentials")
        body = expect.json_body(first, f"password login as {role}")
        expect.true(auth_config.login.access_token_field not in body and mfa_challenge(first, mfa) is not None,
                    f"{role} gets in with a password alone", expected=f"a {mfa.challenge_field!r} and no access token",
                    found=snippet(first), where=where(first),
                    fix=f"require the second factor for every {role} login")
        challenge = mfa_challenge(first, mfa)
        wrong = http.post(profile.service(auth_config.login.service).url(mfa.path),
                          json={mfa.challenge_field: challenge, mfa.code_field: _wrong_code(mfa.totp_secrets.get(role))},
                          intent="probe")
        expect.status(wrong, 401, f"a wrong one-time code for {role} is not refused",
                      fix="verify the TOTP code before issuing tokens")
        done = complete_mfa(http, auth_config, url, role, challenge)  # the same challenge: one wrong try is allowed
        expect.status(done, 200, f"the right one-time code for {role} is refused",
                      fix="check the TOTP seed in the env file and the server's clock")


def _wrong_code(seed: str | None) -> str:
    """A 6-digit code that is none of the codes valid around now (previous, current, next step)."""
    valid = {pyotp.TOTP(seed).at(time.time() + drift) for drift in (-60, -30, 0, 30, 60)} if seed else set()
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in valid:
            return code


def login_control(profile, auth_config, http, role):  # type: ignore[no-untyped-def]
    """The control of every failed-login probe: the role's own credentials, sent the same way, sign in."""
    control = attempt_login(http, auth_config, base_url(profile, auth_config), role, intent="login")
    if not login_succeeded(auth_config, control):
        inconclusive(f"the control login as {role} with its real credentials did not sign in (HTTP "
                     f"{control.status_code} at {where(control)}), so failed-login answers prove nothing")
    return control


@check("SEC-AUTH-008", "Failed logins answer alike (one status, one message) whatever the reason (no user enumeration)",
       safety="probe", items=["realserv:TEST-SEC-03"])
def test_no_user_enumeration(profile, auth_config, http):
    role = least_privileged_role(auth_config)
    known = auth_config.roles[role].username
    login_control(profile, auth_config, http, role)
    unknown_answers, wrong_answers, where_ = [], [], ""
    for _ in range(3):  # interleaved, so load on the target affects both alike; 3 stays below lockouts
        for username, answers in ((f"golive-nobody-{secrets.token_hex(6)}", unknown_answers), (known, wrong_answers)):
            response = attempt_login(http, auth_config, base_url(profile, auth_config), role, username=username,
                                     password=f"golive-wrong-{secrets.token_hex(8)}")
            answers.append(LoginAnswer(response.status_code, comparable_body(response.text, username),
                                       response.elapsed.total_seconds() * 1000,
                                       signed_in=login_succeeded(auth_config, response)))
            where_ = f"{response.request.method} {response.request.url}"
    expect.no_findings(evaluate_enumeration(unknown_answers, wrong_answers),
                       "failed logins tell unknown users from wrong passwords", where=where_)


@check("SEC-AUTH-009", "Login and one-time-code attempts are rate limited (429 with Retry-After)",
       safety="probe", items=["realserv:SEC-NET-06", "realserv:TEST-SEC-03"])
def test_login_attempts_limited(profile, auth_config, http):
    limit = required(auth_config.login_rate_limit, "the login attempt limit (auth.login_rate_limit.burst)",
                     absent="the profile says login attempts are not limited (auth.login_rate_limit: false)")
    role = least_privileged_role(auth_config)
    login_control(profile, auth_config, http, role)
    # a username no account has, fresh per run: the limit it trips locks nobody out
    username = f"{limit.probe_username}-{secrets.token_hex(4)}"
    statuses, bodies, retry_after, where_ = [], [], None, ""
    for _ in range(limit.burst + 1):
        response = attempt_login(http, auth_config, base_url(profile, auth_config), role, username=username,
                                 password=f"golive-wrong-{secrets.token_hex(8)}", expect_rate_limit=True)
        statuses.append(response.status_code)
        bodies.append(response.text[:500])
        where_ = f"{response.request.method} {response.request.url}"
        if response.status_code == 429:
            retry_after = response.headers.get("retry-after")
            break
    if login_succeeded(auth_config, response):
        inconclusive(f"a login with an unknown username signed in ({where_}): attempts cannot be counted")
    findings = evaluate_attempt_limit(statuses, retry_after, limit.burst, "login", bodies)
    if auth_config.mfa and auth_config.mfa.max_attempts:
        findings += _otp_attempt_findings(profile, auth_config, http)
    expect.no_findings(findings, attempt_limit_title(findings), where=where_)


def _otp_attempt_findings(profile, auth_config: Auth, http):  # type: ignore[no-untyped-def]
    mfa = auth_config.mfa
    assert mfa and mfa.max_attempts
    role = mfa.roles[0]
    # the control: the role's right code completes a challenge of its own, else refusals prove nothing
    control_challenge = mfa_challenge(password_login(http, auth_config, base_url(profile, auth_config), role), mfa)
    if control_challenge is None:
        unverified(f"password login as {role} gave no second-factor challenge: OTP attempts not testable")
    control = complete_mfa(http, auth_config, base_url(profile, auth_config), role, control_challenge)
    if control.status_code != 200:
        inconclusive(f"the right one-time code for {role} was not accepted (HTTP {control.status_code} at "
                     f"{where(control)}), so refusals of wrong codes prove nothing")
    first = password_login(http, auth_config, base_url(profile, auth_config), role)
    challenge = mfa_challenge(first, mfa)
    if challenge is None:
        unverified(f"password login as {role} gave no second-factor challenge: OTP attempts not testable")
    url = profile.service(auth_config.login.service).url(mfa.path)
    statuses, retry_after = [], None
    for _ in range(mfa.max_attempts + 1):
        response = http.post(url, json={mfa.challenge_field: challenge,
                                        mfa.code_field: _wrong_code(mfa.totp_secrets.get(role))}, intent="probe",
                             expect_rate_limit=True)
        statuses.append(response.status_code)
        if response.status_code == 429:
            retry_after = response.headers.get("retry-after")
            break
    return evaluate_attempt_limit(statuses, retry_after, mfa.max_attempts, "otp")
