"""Probes of the CDN cache rules, closed ports (security groups) and readiness limits (replica lag)."""

from __future__ import annotations

import socket

import pytest
from pydantic import ValidationError

from golive.probes.cdn import cache_directives, edge_evidence, evaluate_asset, evaluate_uncached
from golive.probes.findings import names
from golive.probes.health import evaluate_readiness_limits
from golive.probes.network import (
    FILTERED, OPEN, REFUSED, PortState, evaluate_closed_ports, probe_port, probe_ports, unanswered,
)
from golive.profile_network import Network

CLOUDFRONT = {"Via": "1.1 abc.cloudfront.net (CloudFront)", "X-Cache": "Hit from cloudfront"}


# --- CDN -------------------------------------------------------------------------------------
def test_cache_directives_are_parsed_case_insensitively() -> None:
    assert cache_directives('Public, Max-Age=31536000, immutable, no-cache="Set-Cookie"') == {
        "public": None, "max-age": "31536000", "immutable": None, "no-cache": "Set-Cookie"}
    assert cache_directives(None) == {}


def test_edge_evidence_names_the_first_cdn_header() -> None:
    assert edge_evidence({"CF-Cache-Status": "HIT"}) == "cf-cache-status: HIT"
    assert edge_evidence({"x-amz-cf-id": "abc"}) == "x-amz-cf-id: abc"
    assert edge_evidence({"Server": "nginx", "Cache-Control": "public"}) is None


@pytest.mark.parametrize("cache_control", ["public, max-age=31536000, immutable", "public, max-age=31536000",
                                           "public, immutable", "public, max-age=60, s-maxage=31536000"])
def test_long_lived_asset_through_the_edge_passes(cache_control: str) -> None:
    assert evaluate_asset(200, {**CLOUDFRONT, "Cache-Control": cache_control}) == []


def test_asset_from_the_origin_is_not_via_the_edge() -> None:
    headers = {"Server": "AmazonS3", "Cache-Control": "public, max-age=31536000, immutable"}
    assert names(evaluate_asset(200, headers)) == ["cdn-asset-not-via-edge"]


def test_short_lived_asset_is_a_finding() -> None:
    findings = evaluate_asset(200, {**CLOUDFRONT, "Cache-Control": "public, max-age=300"})
    assert names(findings) == ["cdn-asset-short-lived"]
    assert "max-age=300" in findings[0].found


def test_asset_without_cache_control_is_neither_public_nor_long_lived() -> None:
    assert names(evaluate_asset(200, CLOUDFRONT)) == ["cdn-asset-not-public", "cdn-asset-short-lived"]


def test_private_asset_is_not_cached_by_the_cdn() -> None:
    findings = evaluate_asset(200, {**CLOUDFRONT, "Cache-Control": "private, max-age=31536000"})
    assert names(findings) == ["cdn-asset-not-public", "cdn-asset-short-lived"]


def test_asset_threshold_is_configurable() -> None:
    headers = {**CLOUDFRONT, "Cache-Control": "public, max-age=86400"}
    assert evaluate_asset(200, headers, min_max_age_s=86_400) == []
    assert names(evaluate_asset(200, headers)) == ["cdn-asset-short-lived"]


def test_missing_asset_is_one_finding() -> None:
    assert names(evaluate_asset(404, CLOUDFRONT)) == ["cdn-asset-unavailable"]


@pytest.mark.parametrize("cache_control", ["no-store", "no-cache", "private", "max-age=0",
                                           "private, max-age=600", "no-cache, must-revalidate", "public, max-age=0"])
def test_uncached_directives_pass(cache_control: str) -> None:
    assert evaluate_uncached({"Cache-Control": cache_control}) == []


@pytest.mark.parametrize("cache_control", ["public, max-age=3600", "max-age=60", "private, s-maxage=600",
                                           "no-cache, s-maxage=60", "must-revalidate"])
def test_cacheable_dynamic_answers_are_findings(cache_control: str) -> None:
    assert names(evaluate_uncached({"cache-control": cache_control})) == ["cdn-dynamic-cached"]


def test_dynamic_answer_without_cache_control_is_left_to_the_cdn_default() -> None:
    assert names(evaluate_uncached({"Content-Type": "text/html"})) == ["cdn-dynamic-no-cache-control"]


# --- security groups: closed ports ---------------------------------------------------------------
def test_open_ports_are_findings_refused_and_filtered_are_not() -> None:
    states = [PortState(5432, OPEN), PortState(6379, REFUSED), PortState(5001, FILTERED, "no answer")]
    findings = evaluate_closed_ports("api.example.com", states)
    assert names(findings) == ["network-port-open"]
    assert "api.example.com:5432" in findings[0].found


def test_unanswered_lists_public_ports_that_do_not_answer() -> None:
    assert unanswered([PortState(443, OPEN), PortState(80, REFUSED)]) == [PortState(80, REFUSED)]


def test_probe_ports_uses_the_given_connector_with_the_timeout() -> None:
    calls = []

    def fake_connect(host: str, port: int, timeout_s: float) -> PortState:
        calls.append((host, port, timeout_s))
        return PortState(port, REFUSED)

    assert probe_ports("h", [1, 2], 0.5, connect=fake_connect) == [PortState(1, REFUSED), PortState(2, REFUSED)]
    assert calls == [("h", 1, 0.5), ("h", 2, 0.5)]


def test_probe_port_sees_a_listener_open_and_a_free_port_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        assert probe_port("127.0.0.1", port, 1.0).state == OPEN
    assert probe_port("127.0.0.1", port, 1.0).state == REFUSED  # nothing listens any more


def test_network_profile_takes_ports_and_ranges_from_one_env_value() -> None:
    network = Network(host="api.example.com", closed_ports="5432, 6379,5001-5003", open_ports="443")
    assert network.closed_ports == [5432, 6379, 5001, 5002, 5003]
    assert network.open_ports == [443]
    assert Network(host="h", closed_ports=[5432]).open_ports == [443]


@pytest.mark.parametrize("closed_ports", ["", "5432,postgres", "5012-5001", "70000", [0]])
def test_network_profile_refuses_bad_ports(closed_ports: object) -> None:
    with pytest.raises(ValidationError):
        Network(host="h", closed_ports=closed_ports)


# --- readiness limits (read-replica lag) ---------------------------------------------------------
LIMITS = {"checks.db_replica_lag_s": 30.0}


def test_lag_within_the_limit_passes() -> None:
    assert evaluate_readiness_limits({"checks": {"db_replica_lag_s": 0.4}}, LIMITS) == []
    assert evaluate_readiness_limits({"checks": {"db_replica_lag_s": 30}}, LIMITS) == []


def test_lag_above_the_limit_is_a_finding() -> None:
    findings = evaluate_readiness_limits({"checks": {"db_replica_lag_s": 420.0}}, LIMITS)
    assert names(findings) == ["readiness-measure-over-limit"]
    assert findings[0].found == "checks.db_replica_lag_s=420.0"


def test_missing_lag_is_a_finding() -> None:
    assert names(evaluate_readiness_limits({"checks": {"db": True}}, LIMITS)) == ["readiness-measure-missing"]
    assert names(evaluate_readiness_limits("OK", LIMITS)) == ["readiness-measure-missing"]


@pytest.mark.parametrize("value", ["0.4", True, None, {"seconds": 1}, float("nan")])
def test_a_lag_that_is_not_a_number_is_a_finding(value: object) -> None:
    found = names(evaluate_readiness_limits({"checks": {"db_replica_lag_s": value}}, LIMITS))
    assert found == ["readiness-measure-not-number"]


def test_no_limits_no_findings() -> None:
    assert evaluate_readiness_limits({"anything": 1}, {}) == []
