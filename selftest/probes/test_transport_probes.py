"""HTTPS redirects, cookies, TLS facts and rate-limit answers judged with fixed vectors."""

from __future__ import annotations

import datetime as dt

import pytest

from golive.probes.findings import names
from golive.probes.ratelimit import (
    evaluate_recovery,
    evaluate_refusal,
    evaluate_served_within_limit,
    evaluate_throttled,
    retry_after_seconds,
)
from golive.probes.tls import (
    CertificateFacts,
    TlsFacts,
    evaluate_expiry,
    evaluate_mozilla_intermediate,
    evaluate_protocols,
    evaluate_trust,
    hostname_matches,
)
from golive.probes.transport import evaluate_cookie, evaluate_https_redirect

HTTPS = "https://shop.example"
NOW = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)


# --- redirects ------------------------------------------------------------------------------

@pytest.mark.parametrize("status, location, expected", [
    (301, "https://shop.example/cart?x=1", []),
    (308, "https://shop.example/cart?x=1", []),
    (200, None, ["http-not-redirected"]),
    (302, "https://shop.example/cart?x=1", ["http-redirect-not-permanent"]),
    (301, "http://shop.example/cart?x=1", ["http-redirect-not-to-https"]),
    (301, "https://login.example/cart?x=1", ["http-redirect-other-host"]),
    (301, "https://shop.example/", ["http-redirect-drops-path"]),
    (301, "https://shop.example:8443/cart?x=1", ["http-redirect-wrong-port"]),
])
def test_https_redirect(status, location, expected):
    assert names(evaluate_https_redirect("http://shop.example/cart?x=1", status, location, HTTPS)) == expected


def test_relative_location_is_resolved_against_the_request():
    assert names(evaluate_https_redirect("http://shop.example/a", 301, "/a", HTTPS)) == ["http-redirect-not-to-https"]


# --- cookies --------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax", []),
    ("sid=abc; Path=/", ["cookie-without-secure", "cookie-without-httponly", "cookie-without-samesite"]),
    ("sid=abc; secure; httponly; samesite=None", []),
    ("sid=abc; HttpOnly; SameSite=None", ["cookie-without-secure", "cookie-samesite-none-insecure"]),
    ("sid=abc; Secure; HttpOnly; SameSite=Sometimes", ["cookie-without-samesite"]),
    ("sid=; Max-Age=0; Path=/", []),  # a deletion
])
def test_cookie_flags(header, expected):
    assert names(evaluate_cookie(header)) == expected


def test_script_readable_cookie_needs_no_httponly_and_values_are_not_shown():
    assert names(evaluate_cookie("csrf=t0k3n; Secure; SameSite=Strict", script_readable=True)) == []
    finding = evaluate_cookie("sid=s3cr3t-session; Path=/")[0]
    assert "s3cr3t" not in finding.found


# --- TLS ------------------------------------------------------------------------------------

def facts(**changes):
    cert = CertificateFacts(subject="CN=shop.example", issuer="CN=R3", not_after=NOW + dt.timedelta(days=60),
                            hostname_matches=True, trusted=True)
    base = dict(host="shop.example", port=443, certificates=[cert], mozilla_intermediate_issues={},
                protocols={"SSL 2.0": False, "SSL 3.0": False, "TLS 1.0": False, "TLS 1.1": False,
                           "TLS 1.2": True, "TLS 1.3": True})
    base.update(changes)
    return TlsFacts(**base)


def test_modern_tls_passes_every_evaluation():
    good = facts()
    assert evaluate_protocols(good) == evaluate_trust(good) == evaluate_mozilla_intermediate(good) == []
    assert evaluate_expiry(good, 21, now=NOW) == []


def test_legacy_and_missing_protocols():
    legacy = facts(protocols={**facts().protocols, "TLS 1.0": True})
    assert names(evaluate_protocols(legacy)) == ["tls-legacy-protocols-enabled"]
    partial = facts(protocols={"TLS 1.2": False, "TLS 1.3": False})
    assert names(evaluate_protocols(partial)) == ["tls-protocols-not-scanned", "tls-modern-protocols-missing"]


def test_untrusted_and_mismatched_certificates():
    cert = CertificateFacts("CN=other.example", "CN=other.example", NOW, hostname_matches=False, trusted=False,
                            validation_error="self-signed")
    assert names(evaluate_trust(facts(certificates=[cert]))) == ["tls-chain-untrusted", "tls-hostname-mismatch"]
    assert names(evaluate_trust(facts(certificates=[]))) == ["tls-certificate-missing"]


@pytest.mark.parametrize("days, findings", [(22, []), (20, ["tls-certificate-expiring"]), (-1, ["tls-certificate-expiring"])])
def test_expiry_threshold(days, findings):
    cert = CertificateFacts("CN=shop.example", "CN=R3", NOW + dt.timedelta(days=days), True, True)
    assert names(evaluate_expiry(facts(certificates=[cert]), 21, now=NOW)) == findings


def test_mozilla_issues_and_an_incomplete_scan():
    assert names(evaluate_mozilla_intermediate(facts(mozilla_intermediate_issues={"tls_curves": "X448"}))) == \
        ["tls-mozilla-tls-curves"]
    assert names(evaluate_mozilla_intermediate(facts(mozilla_intermediate_issues=None))) == ["tls-mozilla-profile-unknown"]


@pytest.mark.parametrize("host, dns, ips, expected", [
    ("shop.example", ["shop.example"], [], True),
    ("api.shop.example", ["*.shop.example"], [], True),
    ("a.b.shop.example", ["*.shop.example"], [], False),
    ("shop.example", ["*.shop.example"], [], False),
    ("127.0.0.1", ["localhost"], ["127.0.0.1"], True),
    ("localhost", ["shop.sandbox.invalid"], [], False),
])
def test_hostname_matching(host, dns, ips, expected):
    assert hostname_matches(host, dns, ips) is expected


# --- rate limits ----------------------------------------------------------------------------

def test_retry_after_forms():
    now = 1_700_000_000.0
    assert retry_after_seconds("30", now=now) == 30
    assert retry_after_seconds("Tue, 14 Nov 2023 22:13:50 GMT", now=now) == pytest.approx(30)
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None


def test_throttling_refusal_and_recovery():
    assert evaluate_throttled([200] * 5 + [429], 5, 2) == []
    assert names(evaluate_throttled([200] * 11, 5, 2)) == ["rate-limit-not-enforced"]
    full = {"Retry-After": "2", "RateLimit-Limit": "5", "RateLimit-Remaining": "0", "RateLimit-Reset": "2"}
    assert evaluate_refusal(full, now=0, expect_ratelimit_headers=True, max_retry_after_s=3) == []
    assert names(evaluate_refusal({}, now=0, expect_ratelimit_headers=True, max_retry_after_s=3)) == \
        ["rate-limit-retry-after-missing", "rate-limit-headers-missing"]
    assert names(evaluate_refusal({"Retry-After": "600"}, now=0, expect_ratelimit_headers=False,
                                  max_retry_after_s=3)) == ["rate-limit-retry-after-too-long"]
    assert evaluate_served_within_limit([200] * 5 + [429], 5, 2) == []
    assert evaluate_served_within_limit([200] * 11, 5, 2) == []  # no 429 at all: evaluate_throttled's finding
    [below] = evaluate_served_within_limit([200, 200, 429], 5, 2, advertised_limit="2")
    assert below.name == "rate-limit-below-declared"
    assert below.found == "HTTP 429 at request 3 of a fresh burst (RateLimit-Limit: 2)"
    assert names(evaluate_served_within_limit([200, 429], 5, 2)) == ["rate-limit-below-declared"]
    # the declared limit, reached early because the window was already in use: not a lower limit
    assert evaluate_served_within_limit([200, 429], 5, 2, advertised_limit="5") == []
    assert evaluate_recovery(2.3, 4.0, 200) == []
    assert names(evaluate_recovery(None, 4.0, 429)) == ["rate-limit-never-recovers"]
