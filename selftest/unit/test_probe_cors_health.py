"""golive.probes.cors and golive.probes.health: judged from crafted answers, as named findings."""

from __future__ import annotations

import pytest

from golive.probes.cors import (
    EVIL_ORIGIN,
    evaluate_allowed_origin,
    evaluate_refused_origin,
    lookalike_origins,
    vary_has_origin,
)
from golive.probes.findings import names
from golive.probes.health import evaluate_readiness, lookup

ADMIN = "https://admin.shop.test"

# --- allowed origins ------------------------------------------------------------------------


def test_allowed_origin_echoed_with_credentials_and_vary_is_ok():
    headers = {
        "Access-Control-Allow-Origin": ADMIN,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Accept-Encoding, Origin",
    }

    assert evaluate_allowed_origin(ADMIN, headers, credentials=True) == []


def test_allowed_origin_not_echoed_is_a_finding_and_nothing_else_is_judged():
    findings = evaluate_allowed_origin(ADMIN, {"Vary": "Accept-Encoding"}, credentials=True)

    assert names(findings) == ["cors-allowed-origin-not-echoed"]
    assert findings[0].found == "no Access-Control-Allow-Origin"


def test_allowed_origin_answered_with_another_origin_is_not_echoed():
    findings = evaluate_allowed_origin(ADMIN, {"Access-Control-Allow-Origin": "https://pos.shop.test"}, credentials=False)

    assert names(findings) == ["cors-allowed-origin-not-echoed"]
    assert findings[0].found == "Access-Control-Allow-Origin: https://pos.shop.test"


def test_allowed_origin_without_credentials_when_the_profile_uses_them():
    headers = {"Access-Control-Allow-Origin": ADMIN, "Vary": "Origin"}

    assert names(evaluate_allowed_origin(ADMIN, headers, credentials=True)) == ["cors-credentials-not-allowed"]
    assert evaluate_allowed_origin(ADMIN, headers, credentials=False) == []


def test_allowed_origin_without_vary_origin():
    headers = {"access-control-allow-origin": ADMIN, "access-control-allow-credentials": "TRUE", "vary": "Accept"}

    [finding] = evaluate_allowed_origin(ADMIN, headers, credentials=True)

    assert finding.name == "cors-vary-origin-missing"
    assert finding.found == "Vary: Accept"


@pytest.mark.parametrize("vary, has", [("Origin", True), ("accept-encoding,origin", True), ("*", True), ("Origins", False), ("", False)])
def test_vary_origin_detection(vary, has):
    assert vary_has_origin({"Vary": vary}) is has


# --- refused origins ------------------------------------------------------------------------


def test_refused_origin_without_allow_origin_is_ok():
    assert evaluate_refused_origin(EVIL_ORIGIN, {"Vary": "Origin"}) == []


def test_refused_origin_answered_with_an_allow_listed_origin_is_ok():
    assert evaluate_refused_origin(EVIL_ORIGIN, {"Access-Control-Allow-Origin": ADMIN}) == []


def test_untrusted_origin_reflected_with_credentials():
    headers = {"Access-Control-Allow-Origin": EVIL_ORIGIN, "Access-Control-Allow-Credentials": "true"}

    [finding] = evaluate_refused_origin(EVIL_ORIGIN, headers)

    assert finding.name == "cors-untrusted-origin-reflected-with-credentials"
    assert finding.found == f"Access-Control-Allow-Origin: {EVIL_ORIGIN}, Access-Control-Allow-Credentials: true"


def test_untrusted_origin_reflected_without_credentials():
    assert names(evaluate_refused_origin(EVIL_ORIGIN, {"Access-Control-Allow-Origin": EVIL_ORIGIN})) == [
        "cors-untrusted-origin-reflected"
    ]


def test_lookalike_kind_names_the_finding():
    origin = "https://admin.shop.test.evil.example"

    assert names(evaluate_refused_origin(origin, {"Access-Control-Allow-Origin": origin}, kind="lookalike")) == [
        "cors-lookalike-origin-reflected"
    ]


def test_null_origin_allowed():
    assert names(evaluate_refused_origin("null", {"Access-Control-Allow-Origin": "null"})) == ["cors-null-origin-allowed"]
    assert names(
        evaluate_refused_origin(
            "null", {"Access-Control-Allow-Origin": "null", "Access-Control-Allow-Credentials": "true"}
        )
    ) == ["cors-null-origin-allowed-with-credentials"]


def test_wildcard_for_a_refused_origin():
    assert names(evaluate_refused_origin(EVIL_ORIGIN, {"Access-Control-Allow-Origin": "*"})) == ["cors-wildcard-origin"]
    assert names(
        evaluate_refused_origin(
            EVIL_ORIGIN, {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}
        )
    ) == ["cors-wildcard-with-credentials"]


def test_lookalikes_of_an_https_origin_include_a_scheme_downgrade():
    assert lookalike_origins("https://admin.shop.test") == {
        "suffix": "https://admin.shop.test.evil.example",
        "prefix": "https://eviladmin.shop.test",
        "subdomain-prefix": "https://evil-admin.shop.test",
        "scheme-downgrade": "http://admin.shop.test",
    }


def test_lookalikes_of_an_http_origin_have_no_scheme_downgrade():
    looks = lookalike_origins("http://localhost:8799")

    assert looks == {
        "suffix": "http://localhost.evil.example:8799",  # a valid origin, unlike host:port.evil
        "prefix": "http://evillocalhost:8799",
        "subdomain-prefix": "http://evil-localhost:8799",
    }


def test_no_lookalike_equals_the_allowed_origin():
    for allowed in ("https://admin.shop.test", "http://localhost:8799", "https://pos.shop.test:8443"):
        assert allowed not in lookalike_origins(allowed).values()


# --- health ---------------------------------------------------------------------------------

READY_EXPECT = {"ready": True, "checks.db": True, "checks.env": True, "version": "2.3.1"}


def test_readiness_with_every_expected_value_has_no_findings():
    body = {"ready": True, "version": "2.3.1", "checks": {"db": True, "env": True, "cache": False}}

    assert evaluate_readiness(body, READY_EXPECT) == []


def test_missing_and_failing_fields_are_told_apart():
    body = {"ready": False, "version": "2.3.1", "checks": {"db": True}}

    findings = evaluate_readiness(body, READY_EXPECT)

    assert [(f.name, f.found) for f in findings] == [
        ("readiness-check-failing", "ready=False"),
        ("readiness-check-missing", "no checks.env"),
    ]
    assert findings[1].expected == "checks.env=True in the readiness body"
    assert "env" in findings[1].fix


def test_a_readiness_body_that_is_not_an_object_misses_everything():
    assert names(evaluate_readiness("OK", {"ready": True, "checks.db": True})) == [
        "readiness-check-missing",
        "readiness-check-missing",
    ]


def test_dotted_path_through_a_non_object_is_missing():
    findings = evaluate_readiness({"checks": {"db": "up"}}, {"checks.db.latency": 5})

    assert names(findings) == ["readiness-check-missing"]


def test_string_and_number_expectations_compare_exactly():
    findings = evaluate_readiness({"status": "degraded", "workers": 2}, {"status": "ok", "workers": 2})

    assert [(f.name, f.found) for f in findings] == [("readiness-check-failing", "status='degraded'")]


def test_lookup_follows_dotted_paths():
    body = {"a": {"b": {"c": 0}}, "x": None}

    assert lookup(body, "a.b.c") == 0
    assert lookup(body, "x") is None
    assert lookup(body, "a.b") == {"c": 0}
    assert names(evaluate_readiness(body, {"a.z": 1})) == ["readiness-check-missing"]
    assert names(evaluate_readiness(body, {"x": None})) == []


def test_a_wildcard_grants_an_allowed_origin_its_preflight_when_no_credentials_are_sent():
    from golive.probes.cors import evaluate_preflight_granted

    answer = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST",
              "Access-Control-Allow-Headers": "Authorization, Content-Type"}
    assert evaluate_preflight_granted("https://app.test", "GET", ["Authorization"], answer, credentials=False) == []
    refused = evaluate_preflight_granted("https://app.test", "GET", ["Authorization"], answer, credentials=True)
    assert [f.name for f in refused] == ["cors-preflight-origin-not-granted"]
