"""golive.probes.headers: the OWASP secure header set and version disclosure, as named findings."""

from __future__ import annotations

import pytest

from golive.probes.findings import names
from golive.probes.headers import (
    csp_directives,
    evaluate_csp,
    evaluate_framing,
    evaluate_hsts,
    evaluate_nosniff,
    evaluate_referrer_policy,
    evaluate_security_headers,
    evaluate_version_disclosure,
    hsts_max_age,
)

# The OWASP Secure Headers Project's recommended set (values as the project recommends them).
OWASP = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'; "
    "upgrade-insecure-requests; block-all-mixed-content",
    "X-Frame-Options": "deny",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store, max-age=0",
    "Server": "nginx",
}


def without(name: str, **replace: str) -> dict[str, str]:
    headers = {k: v for k, v in OWASP.items() if k != name}
    headers.update({k.replace("_", "-"): v for k, v in replace.items()})
    return headers


def test_a_fully_compliant_owasp_header_set_has_no_findings():
    assert evaluate_security_headers(OWASP) == []
    assert evaluate_version_disclosure(OWASP) == []


def test_header_names_are_case_insensitive():
    lowered = {name.lower(): value for name, value in OWASP.items()}

    assert evaluate_security_headers(lowered) == []


def test_missing_hsts_is_hsts_not_implemented():
    assert names(evaluate_security_headers(without("Strict-Transport-Security"))) == ["hsts-not-implemented"]


def test_hsts_is_not_required_when_the_profile_says_so():
    assert evaluate_security_headers(without("Strict-Transport-Security"), require_hsts=False) == []


@pytest.mark.parametrize("value", ["max-age=86400", "max-age=0", "includeSubDomains; max-age=15768000"])
def test_short_hsts_max_age_is_too_short(value):
    [finding] = evaluate_hsts({"Strict-Transport-Security": value})

    assert finding.name == "hsts-max-age-too-short"
    assert finding.found == f"max-age={hsts_max_age(value)}"


def test_hsts_without_max_age_is_invalid():
    assert names(evaluate_hsts({"Strict-Transport-Security": "includeSubDomains"})) == ["hsts-header-invalid"]


@pytest.mark.parametrize("value", ["max-age=31536000", 'max-age="63072000"; includeSubDomains; preload', "MAX-AGE = 31536000"])
def test_hsts_of_a_year_or_more_passes(value):
    assert evaluate_hsts({"Strict-Transport-Security": value}) == []


def test_missing_csp_is_csp_not_implemented():
    headers = without("Content-Security-Policy")

    assert names(evaluate_csp(headers)) == ["csp-not-implemented"]
    # X-Frame-Options still covers framing without a CSP
    assert "x-frame-options-not-implemented" not in names(evaluate_security_headers(headers))


def test_csp_without_object_src_none_is_flagged():
    findings = evaluate_csp({"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"})

    assert names(findings) == ["csp-object-src-not-none"]
    assert findings[0].found == "object-src 'self'"


def test_csp_default_src_none_covers_object_src():
    assert evaluate_csp({"Content-Security-Policy": "default-src 'none'; script-src 'self'"}) == []


def test_csp_without_default_src_is_flagged():
    findings = evaluate_csp({"Content-Security-Policy": "script-src 'self'"})

    assert names(findings) == ["csp-default-src-missing", "csp-object-src-not-none"]
    assert findings[1].found == "object-src unset"


def test_csp_unsafe_inline_scripts_are_flagged_unless_nonces_or_hashes_are_used():
    unsafe = "default-src 'self'; object-src 'none'; script-src 'self' 'unsafe-inline'"
    with_nonce = "default-src 'self'; object-src 'none'; script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'"

    assert names(evaluate_csp({"Content-Security-Policy": unsafe})) == ["csp-unsafe-inline-scripts"]
    assert evaluate_csp({"Content-Security-Policy": with_nonce}) == []


def test_csp_directives_are_parsed_case_insensitively_first_wins():
    assert csp_directives("Default-Src 'self'; default-src *; ; img-src data: 'self'") == {
        "default-src": ["'self'"],
        "img-src": ["data:", "'self'"],
    }


def test_no_framing_protection_is_x_frame_options_not_implemented():
    headers = without("X-Frame-Options", Content_Security_Policy="default-src 'self'; object-src 'none'")

    assert names(evaluate_security_headers(headers)) == ["x-frame-options-not-implemented"]


def test_frame_ancestors_replaces_x_frame_options():
    headers = without("X-Frame-Options")  # the OWASP CSP carries frame-ancestors 'none'

    assert evaluate_framing(headers) == []
    assert evaluate_security_headers(headers) == []


@pytest.mark.parametrize("value", ["DENY", "sameorigin", " SameOrigin "])
def test_x_frame_options_deny_or_sameorigin_passes(value):
    assert evaluate_framing({"X-Frame-Options": value}) == []


def test_x_frame_options_allow_from_is_invalid():
    assert names(evaluate_framing({"X-Frame-Options": "ALLOW-FROM https://partner.test"})) == ["x-frame-options-header-invalid"]


def test_missing_nosniff_is_not_implemented():
    assert names(evaluate_nosniff({})) == ["x-content-type-options-not-implemented"]


def test_wrong_nosniff_value_is_invalid():
    assert names(evaluate_nosniff({"X-Content-Type-Options": "sniff"})) == ["x-content-type-options-header-invalid"]
    assert evaluate_nosniff({"X-Content-Type-Options": "NoSniff"}) == []


@pytest.mark.parametrize("value", ["unsafe-url", "no-referrer-when-downgrade", "no-referrer, unsafe-url"])
def test_referrer_policies_that_leak_urls_are_unsafe(value):
    assert names(evaluate_referrer_policy({"Referrer-Policy": value})) == ["referrer-policy-unsafe"]


@pytest.mark.parametrize("value", ["no-referrer", "strict-origin-when-cross-origin", "unsafe-url, strict-origin-when-cross-origin"])
def test_safe_referrer_policies_pass(value):
    assert evaluate_referrer_policy({"Referrer-Policy": value}) == []


def test_missing_referrer_policy_is_not_implemented():
    assert names(evaluate_referrer_policy({})) == ["referrer-policy-not-implemented"]


def test_no_headers_at_all_gives_every_finding():
    assert names(evaluate_security_headers({})) == [
        "hsts-not-implemented",
        "csp-not-implemented",
        "x-frame-options-not-implemented",
        "x-content-type-options-not-implemented",
        "referrer-policy-not-implemented",
    ]


@pytest.mark.parametrize("server", ["nginx/1.25.3", "Apache/2.4.58 (Ubuntu)", "Microsoft-IIS/10.0", "gunicorn/21"])
def test_server_with_a_version_is_disclosed(server):
    [finding] = evaluate_version_disclosure({"Server": server})

    assert finding.name == "server-version-disclosed"
    assert finding.found == f"Server: {server}"


@pytest.mark.parametrize("server", ["nginx", "cloudflare", "Apache", "AmazonS3"])
def test_server_naming_the_product_without_a_version_is_a_finding_of_its_own(server):
    findings = evaluate_version_disclosure({"Server": server})
    assert [(f.name, f.found) for f in findings] == [("server-product-disclosed", f"Server: {server}")]


def test_no_server_header_is_no_finding():
    assert evaluate_version_disclosure({"Content-Type": "application/json"}) == []


def test_x_powered_by_and_framework_headers_are_disclosed():
    findings = evaluate_version_disclosure(
        {"X-Powered-By": "Express", "X-AspNet-Version": "4.0.30319", "x-nextjs-cache": "HIT", "Content-Type": "text/html"}
    )

    assert names(findings) == ["x-powered-by-disclosed", "x-aspnet-version-disclosed", "x-nextjs-cache-disclosed"]
    assert findings[0].found == "x-powered-by: Express"
