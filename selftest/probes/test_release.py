"""Release probes against fixed vectors: identity, rollout polls, migrations, front-end bundles."""

from __future__ import annotations

import pytest

from golive.probes.release import (
    Poll,
    evaluate_built_release,
    evaluate_bundle_origins,
    evaluate_gateway_headers,
    evaluate_pending_migrations,
    evaluate_release_identity,
    evaluate_rollout,
    meta_content,
    referenced_origins,
    script_urls,
    untagged_marker,
)

SHA = "4c1d9e2a7b3f5061c8d2e9f0a1b2c3d4e5f60718"


def identity(body: object, version: str = "2026.11.3", commit: str | None = SHA) -> list[str]:
    return [f.name for f in evaluate_release_identity(body, version_field="version", commit_field="commit",
                                                      expected_version=version, expected_commit=commit)]


def test_the_expected_release_passes_with_a_full_or_abbreviated_commit() -> None:
    assert identity({"version": "2026.11.3", "commit": SHA}) == []
    assert identity({"version": "v2026.11.3", "commit": SHA[:7]}) == []
    assert identity({"version": "2026.11.3", "commit": SHA}, commit=SHA[:12]) == []
    assert identity({"version": "1.0.0"}, version="1.0.0", commit=None) == []


@pytest.mark.parametrize("version", ["2026.11.3-dirty", "0.0.0-dev", "1.4.0-SNAPSHOT", "dev", "0.0.0", ""])
def test_dev_and_dirty_builds_are_untagged(version: str) -> None:
    assert "release-untagged-build" in identity({"version": version, "commit": SHA}, version=version or "x")


def test_a_tagged_release_is_not_mistaken_for_a_dev_build() -> None:
    assert untagged_marker("2026.11.3") is None and untagged_marker("v1.4.2") is None


def test_another_version_or_commit_is_a_mismatch() -> None:
    assert identity({"version": "2026.11.2", "commit": SHA}) == ["release-version-mismatch"]
    assert identity({"version": "2026.11.3", "commit": "b" * 40}) == ["release-commit-mismatch"]
    assert identity({"version": "2026.11.3", "commit": SHA + "-dirty"}) == ["release-untagged-build"]


def test_a_missing_version_or_commit_is_reported() -> None:
    assert identity({"status": "ok"}) == ["release-version-missing"]
    assert identity({"version": 3}) == ["release-version-missing"]
    assert identity({"version": "2026.11.3"}) == ["release-commit-missing"]
    nested = evaluate_release_identity({"build": {"tag": "2026.11.3"}}, version_field="build.tag",
                                       commit_field="build.sha", expected_version="2026.11.3", expected_commit=None)
    assert nested == []


def test_rollout_every_answer_at_the_release_passes() -> None:
    assert evaluate_rollout([Poll(200, "2026.11.3")] * 10, "2026.11.3") == []


def test_rollout_with_an_old_instance_or_a_failing_one_is_caught() -> None:
    polls = [Poll(200, "2026.11.3"), Poll(200, "2026.11.3"), Poll(200, "2026.11.2")] * 3 + [Poll(503, None)]
    findings = evaluate_rollout(polls, "2026.11.3")
    assert [f.name for f in findings] == ["rollout-health-failing", "rollout-mixed-versions"]
    assert "3x '2026.11.2'" in findings[1].found and "1x 503" in findings[0].found
    assert [f.name for f in evaluate_rollout([Poll(200, None)], "1.0.0")] == ["rollout-mixed-versions"]


@pytest.mark.parametrize(("body", "names"), [
    ({"migrations": {"pending": 0}}, []),
    ({"migrations": {"pending": []}}, []),
    ({"migrations": {"pending": 2}}, ["migrations-pending"]),
    ({"migrations": {"pending": ["0003_orders"]}}, ["migrations-pending"]),
    ({"migrations": {"pending": False}}, ["migrations-not-reported"]),
    ({"status": "ok"}, ["migrations-not-reported"]),
])
def test_pending_migrations(body: object, names: list[str]) -> None:
    assert [f.name for f in evaluate_pending_migrations(body, "migrations.pending")] == names


PAGE = """<!doctype html><html><head>
<script src="/_next/static/chunks/webpack-1.js" defer></script>
<link rel="modulepreload" href="https://cdn.arogya.example/app.js">
<script src="/_next/static/chunks/webpack-1.js"></script>
<script>inline()</script></head><body></body></html>"""


def test_script_urls_are_absolute_in_page_order_without_duplicates() -> None:
    assert script_urls("https://pos.arogya.example/pos/", PAGE) == [
        "https://pos.arogya.example/_next/static/chunks/webpack-1.js", "https://cdn.arogya.example/app.js"]


def test_referenced_origins_reads_urls_out_of_minified_code() -> None:
    code = ('const c={NEXT_PUBLIC_API_URL:"https://API.arogya.example"};fetch(`${x}`);'
            'const s="http://www.w3.org/2000/svg";new WebSocket("wss://rt.arogya.example:8443/ws")')
    assert referenced_origins(code) == {"https://api.arogya.example", "http://www.w3.org",
                                        "wss://rt.arogya.example:8443"}


API = "https://api.arogya.example"


def bundle(*origins: str, allowed: list[str] | None = None) -> list[str]:
    return [f.name for f in evaluate_bundle_origins(set(origins), api_url=API + "/", allowed_hosts=allowed or [])]


def test_a_production_bundle_passes() -> None:
    assert bundle(API, "http://www.w3.org", "https://checkout.razorpay.com", allowed=["razorpay.com"]) == []


def test_local_staging_and_unlisted_hosts_are_findings() -> None:
    assert bundle(API, "http://localhost:4000") == ["frontend-localhost-url"]
    assert bundle(API, "http://127.0.0.1:8080") == ["frontend-localhost-url"]
    assert bundle(API, "https://arogya-api-staging.onrender.com") == ["frontend-non-production-url"]
    assert bundle(API, "https://api.staging.arogya.example") == ["frontend-non-production-url"]
    assert bundle(API, "https://abc123.ngrok.io") == ["frontend-non-production-url"]
    assert bundle(API, "https://tracker.evil.example") == ["frontend-unlisted-host"]


def test_a_bundle_that_never_names_the_api_is_caught() -> None:
    assert bundle("http://localhost:4000") == ["frontend-api-url-missing", "frontend-localhost-url"]


def test_a_local_api_is_fine_when_it_is_the_api_under_test() -> None:
    # the sandbox's API is http://127.0.0.1:<port>: exactly that origin is the production value there
    assert [f.name for f in evaluate_bundle_origins({"http://127.0.0.1:8799"}, api_url="http://127.0.0.1:8799",
                                                    allowed_hosts=[])] == []
    assert [f.name for f in evaluate_bundle_origins({"http://127.0.0.1:8799", "http://localhost:4000"},
                                                    api_url="http://127.0.0.1:8799", allowed_hosts=[])] \
        == ["frontend-localhost-url"]


def test_meta_content_reads_the_named_meta() -> None:
    page = '<html><head><meta charset="utf-8"><META NAME="Release" content="4c1d9e2"></head></html>'
    assert meta_content(page, "release") == "4c1d9e2"
    assert meta_content(page, "version") is None


@pytest.mark.parametrize(("found", "names"), [
    (SHA, []), (SHA[:7], []), ("2026.11.3", []), ("v2026.11.3", []),
    ("b" * 40, ["frontend-release-mismatch"]), ("2026.11.2", ["frontend-release-mismatch"]),
    (None, ["frontend-release-missing"]), ("", ["frontend-release-missing"]),
])
def test_built_release_marker(found: str | None, names: list[str]) -> None:
    findings = evaluate_built_release(found, where='<meta name="release">', expected_version="2026.11.3",
                                      expected_commit=SHA)
    assert [f.name for f in findings] == names


def test_gateway_headers() -> None:
    wanted = ["x-amzn-RequestId", "X-Amzn-Trace-Id"]
    assert evaluate_gateway_headers({"X-AMZN-REQUESTID": "r1", "x-amzn-trace-id": "Root=1-a-b"}, wanted) == []
    findings = evaluate_gateway_headers({"x-amzn-requestid": " ", "server": "nginx"}, wanted)
    assert [f.name for f in findings] == ["gateway-headers-missing"]
    assert "x-amzn-RequestId" in findings[0].found and "X-Amzn-Trace-Id" in findings[0].found
