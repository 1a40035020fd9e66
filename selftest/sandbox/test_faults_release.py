"""The release faults: what the running build reports about itself, per-service dependency health,
and the front-end bundles' built API URL."""

from __future__ import annotations

import re

import pytest

from sandbox.release import RELEASE_MIGRATIONS, previous_commit, previous_version
from sandbox.routes.frontends import DEV_API_URL, STAGING_API_URL
from sandbox.service_health import DEPENDENCIES

RELEASE = {"SANDBOX_RELEASE": "2026.11.3", "SANDBOX_RELEASE_COMMIT": "4c1d9e2a7b3f5061c8d2e9f0a1b2c3d4e5f60718"}
REALSERV = {**RELEASE, "SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "release-selftest",
            "SANDBOX_FIREBASE_API_KEY": "release-selftest-key"}
AROGYA = {**RELEASE, "SANDBOX_FLAVOR": "arogya"}
SERVICES = ("identity", "vendor", "order", "catalog", "payment", "notification", "integration")


def test_previous_release_is_one_lower_and_a_different_commit() -> None:
    assert previous_version("2026.11.3") == "2026.11.2"
    assert previous_version("v1.4.0") == "v1.3.0"
    assert previous_version("0.0.0") == "0.0.0-previous"
    commit = RELEASE["SANDBOX_RELEASE_COMMIT"]
    assert previous_commit(commit) != commit and len(previous_commit(commit)) == len(commit)


def test_health_reports_the_configured_release_in_every_health_flavor(make_client) -> None:
    for path, env in (("/health/live", RELEASE), ("/api/health", AROGYA), ("/identity/health", REALSERV)):
        body = make_client(env=env).get(path).json()
        assert (body["version"], body["commit"]) == ("2026.11.3", RELEASE["SANDBOX_RELEASE_COMMIT"]), path


def test_an_unstamped_build_reports_a_dev_version(make_client) -> None:
    assert make_client().get("/health/live").json()["version"] == "0.0.0-dev"


def test_fault_release_stale_version(make_client) -> None:
    body = make_client("release_stale_version", env=RELEASE).get("/health/live").json()
    assert body["version"] == "2026.11.2"
    assert body["commit"] == previous_commit(RELEASE["SANDBOX_RELEASE_COMMIT"])


def test_fault_release_dirty_build(make_client) -> None:
    body = make_client("release_dirty_build", env=REALSERV).get("/payment/health").json()
    assert body["version"] == "2026.11.3-dirty" and body["commit"].endswith("-dirty")


def test_fault_release_mixed_instances(make_client) -> None:
    client = make_client("release_mixed_instances", env=RELEASE)
    versions = [client.get("/health/live").json()["version"] for _ in range(6)]
    assert versions == ["2026.11.3", "2026.11.3", "2026.11.2"] * 2
    healthy = make_client(env=RELEASE)
    assert {healthy.get("/health/live").json()["version"] for _ in range(6)} == {"2026.11.3"}


def test_fault_release_migration_pending(make_client) -> None:
    assert make_client(env=RELEASE).get("/health/db").json()["migrations"]["pending"] == 0
    migrations = make_client("release_migration_pending", env=RELEASE).get("/health/db").json()["migrations"]
    assert migrations["pending"] == 1 and migrations["pending_names"] == [RELEASE_MIGRATIONS[-1]]
    realserv = make_client("release_migration_pending", env=REALSERV).get("/order/health").json()
    assert realserv["entries"]["database"]["data"]["migrations"]["pending"] == 1


def test_realserv_health_reports_every_dependency_of_every_service(make_client) -> None:
    client = make_client(env=REALSERV)
    for service in SERVICES:
        response = client.get(f"/{service}/health")
        body = response.json()
        assert response.status_code == 200 and body["status"] == "Healthy"
        assert tuple(body["entries"]) == DEPENDENCIES
        assert {entry["status"] for entry in body["entries"].values()} == {"Healthy"}
        assert body["entries"]["database"]["data"]["database"] == f"realserv_{service}_db"


def test_fault_realserv_order_db_down(make_client) -> None:
    client = make_client("realserv_order_db_down", env=REALSERV)
    order = client.get("/order/health")
    assert order.status_code == 503 and order.json()["status"] == "Unhealthy"
    assert order.json()["entries"]["database"]["status"] == "Unhealthy"
    assert client.get("/vendor/health").status_code == 200


def test_fault_realserv_redis_down(make_client) -> None:
    client = make_client("realserv_redis_down", env=REALSERV)
    for service in SERVICES:
        response = client.get(f"/{service}/health")
        assert response.status_code == 503 and response.json()["entries"]["redis"]["status"] == "Unhealthy"


def test_fault_realserv_maps_check_degraded(make_client) -> None:
    client = make_client("realserv_maps_check_degraded", env=REALSERV)
    integration = client.get("/integration/health")
    # ASP.NET Core answers 200 for Degraded: only the report tells
    assert integration.status_code == 200 and integration.json()["status"] == "Degraded"
    assert integration.json()["entries"]["maps"]["status"] == "Degraded"
    assert client.get("/identity/health").json()["status"] == "Healthy"


def _bundle(client, app: str) -> str:
    page = client.get(f"/{app}/")
    assert page.status_code == 200
    sources = re.findall(r'<script src="([^"]+)"', page.text)
    assert len(sources) == 2
    chunks = [client.get(src) for src in sources]
    assert all(chunk.status_code == 200 for chunk in chunks)
    return "".join(chunk.text for chunk in chunks)


@pytest.mark.parametrize("app", ["web", "pos"])
def test_frontend_bundles_call_the_sandbox_api(make_client, kit, app) -> None:
    bundle = _bundle(make_client(env=AROGYA), app)
    assert f'NEXT_PUBLIC_API_URL:"{kit.api_base}"' in bundle


def test_fault_frontend_pos_bundle_localhost_api(make_client, kit) -> None:
    client = make_client("frontend_pos_bundle_localhost_api", env=AROGYA)
    assert f'NEXT_PUBLIC_API_URL:"{DEV_API_URL}"' in _bundle(client, "pos")
    assert kit.api_base in _bundle(client, "web")


def test_fault_frontend_web_bundle_staging_api(make_client, kit) -> None:
    client = make_client("frontend_web_bundle_staging_api", env=AROGYA)
    assert f'NEXT_PUBLIC_API_URL:"{STAGING_API_URL}"' in _bundle(client, "web")
    assert kit.api_base in _bundle(client, "pos")


def test_a_chunk_name_from_another_build_is_gone(make_client) -> None:
    assert make_client(env=AROGYA).get("/_next/static/chunks/pages/pos-0000000000000000.js").status_code == 404


GROUP_ENV = {"SANDBOX_SHIPROCKET_EMAIL": "ops@arogya.test", "SANDBOX_SHIPROCKET_PASSWORD": "selftest-shiprocket-pw",
             "SANDBOX_SENTRY_PUBLIC_KEY": "5e1f0c2a9b7d4e3f8a6b1c0d2e4f6a8b"}


def test_every_fault_that_unsets_variables_is_in_the_catalog() -> None:
    from sandbox.env_groups import UNSET_BY_FAULT
    from sandbox.faults import CATALOG

    assert set(UNSET_BY_FAULT) <= set(CATALOG)


def test_readiness_reports_which_env_groups_are_set(make_client) -> None:
    groups = make_client(env=GROUP_ENV).get("/health/ready").json()["checks"]["env_groups"]
    assert groups["JWT"] is True and groups["Shiprocket"] is True and groups["Sentry"] is True
    assert groups["Twilio"] is False  # no Twilio variables in this environment


def test_fault_env_shiprocket_credentials_unset(make_client) -> None:
    response = make_client("env_shiprocket_credentials_unset", env=GROUP_ENV).get("/health/ready")
    assert response.json()["checks"]["env_groups"]["Shiprocket"] is False
    assert response.json()["checks"]["env_groups"]["Sentry"] is True


def test_fault_env_sentry_dsn_unset(make_client) -> None:
    response = make_client("env_sentry_dsn_unset", env=GROUP_ENV).get("/health/ready")
    assert response.json()["checks"]["env_groups"]["Sentry"] is False
    assert response.json()["checks"]["env_groups"]["Shiprocket"] is True


def _release_meta(page_html: str) -> str:
    match = re.search(r'<meta name="release" content="([^"]*)"', page_html)
    assert match, page_html
    return match.group(1)


def test_front_end_pages_name_the_commit_they_were_built_from(make_client) -> None:
    client = make_client(env=AROGYA)
    for path in ("/web/", "/pos/", "/login"):
        assert _release_meta(client.get(path).text) == RELEASE["SANDBOX_RELEASE_COMMIT"], path


def test_fault_frontend_pos_not_redeployed(make_client) -> None:
    client = make_client("frontend_pos_not_redeployed", env=AROGYA)
    assert _release_meta(client.get("/pos/").text) == previous_commit(RELEASE["SANDBOX_RELEASE_COMMIT"])
    assert _release_meta(client.get("/web/").text) == RELEASE["SANDBOX_RELEASE_COMMIT"]


GATEWAY = {**REALSERV, "SANDBOX_GATEWAY_API_KEY": "selftest-mobile-key"}
GATEWAY_HEADERS = ("x-amzn-requestid", "x-amz-apigw-id", "x-amzn-trace-id")


def test_gateway_reaches_every_service_with_its_headers(make_client) -> None:
    client = make_client(env=GATEWAY)
    for service in SERVICES:
        response = client.get(f"/gateway/{service}/health", headers={"X-Request-ID": f"selftest-{service}"})
        assert response.status_code == 200 and response.json()["service"] == service
        assert all(response.headers.get(name) for name in GATEWAY_HEADERS), dict(response.headers)
        assert response.headers["x-request-id"] == f"selftest-{service}"
    assert client.get("/gateway/unknown/health").json() == {"message": "Missing Authentication Token"}


def test_gateway_keeps_the_callers_trace_id(make_client) -> None:
    trace = "Root=1-65f00000-0123456789abcdef01234567"
    response = make_client(env=GATEWAY).get("/gateway/order/health", headers={"X-Amzn-Trace-Id": trace})
    assert response.headers["x-amzn-trace-id"] == trace


def test_gateway_mobile_stage_needs_the_api_key(make_client) -> None:
    client = make_client(env=GATEWAY)
    assert client.get("/gateway/mobile/identity/health").status_code == 403
    assert client.get("/gateway/mobile/identity/health", headers={"x-api-key": "wrong"}).status_code == 403
    served = client.get("/gateway/mobile/identity/health", headers={"x-api-key": "selftest-mobile-key"})
    assert served.status_code == 200


def test_fault_gateway_catalog_route_missing(make_client) -> None:
    client = make_client("gateway_catalog_route_missing", env=GATEWAY)
    response = client.get("/gateway/catalog/health")
    assert response.status_code == 403 and response.json() == {"message": "Missing Authentication Token"}
    assert client.get("/gateway/order/health").status_code == 200


def test_fault_gateway_bypassed(make_client) -> None:
    client = make_client("gateway_bypassed", env=GATEWAY)
    response = client.get("/gateway/identity/health")
    assert response.status_code == 200 and not any(response.headers.get(name) for name in GATEWAY_HEADERS)
    assert client.get("/gateway/mobile/identity/health").status_code == 200  # no usage plan either


def test_fault_gateway_api_key_not_required(make_client) -> None:
    client = make_client("gateway_api_key_not_required", env=GATEWAY)
    assert client.get("/gateway/mobile/identity/health").status_code == 200
    assert client.get("/gateway/identity/health").headers.get("x-amz-apigw-id")


def _plain_http_client(*faults: str):
    from fastapi.testclient import TestClient
    from starlette.responses import PlainTextResponse

    from sandbox.faults import ActiveFaults
    from sandbox.transport import HttpsRedirectApp

    async def app(scope, receive, send) -> None:  # the application behind the port-80 rule
        await PlainTextResponse("processed")(scope, receive, send)

    return TestClient(HttpsRedirectApp(app, 8443, ActiveFaults(faults)), base_url="http://localhost")


def test_plain_http_webhook_deliveries_are_redirected() -> None:
    response = _plain_http_client().post("/payment/api/webhooks/razorpay", json={}, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "https://localhost:8443/payment/api/webhooks/razorpay"


def test_fault_webhook_plain_http_accepted() -> None:
    client = _plain_http_client("webhook_plain_http_accepted")
    assert client.post("/payment/api/webhooks/razorpay", json={}, follow_redirects=False).text == "processed"
    assert client.get("/identity/health", follow_redirects=False).status_code == 308  # only the webhook paths


XRAY_ENV = {**GATEWAY, "SANDBOX_S3_ACCESS_KEY_ID": "AKIASELFTESTXRAY"}
SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIASELFTESTXRAY/20261121/ap-south-1/xray/aws4_request, "
                           "SignedHeaders=host, Signature=0"}


def _trace(client, request_id: str) -> list[dict]:
    import json

    response = client.get("/gateway/order/api/payment-methods", headers={"X-Request-ID": request_id})
    assert response.status_code == 200 and "upi" in response.json()["methods"]
    root = response.headers["x-amzn-trace-id"].split(";")[0].removeprefix("Root=")
    traces = client.post("/_emulators/xray/Traces", json={"TraceIds": [root]}, headers=SIGNED).json()["Traces"]
    return [json.loads(segment["Document"]) for segment in traces[0]["Segments"]]


def test_a_checkout_call_is_one_trace_across_gateway_order_and_payment(make_client) -> None:
    documents = {d["name"]: d for d in _trace(make_client(env=XRAY_ENV), "selftest-trace-1")}
    assert set(documents) == {"realserv-gateway", "order", "payment"}
    assert documents["order"]["parent_id"] == documents["realserv-gateway"]["id"]
    assert documents["payment"]["parent_id"] == documents["order"]["id"]
    assert {d["annotations"]["request_id"] for d in documents.values()} == {"selftest-trace-1"}


def test_xray_emulator_needs_the_account_key(make_client) -> None:
    client = make_client(env=XRAY_ENV)
    assert client.post("/_emulators/xray/Traces", json={"TraceIds": ["1-65f00000-0123456789abcdef01234567"]}
                       ).status_code == 403
    answer = client.post("/_emulators/xray/Traces", json={"TraceIds": ["1-65f00000-0123456789abcdef01234567"]},
                         headers=SIGNED).json()
    assert answer == {"Traces": [], "UnprocessedTraceIds": ["1-65f00000-0123456789abcdef01234567"]}


def test_fault_order_drops_trace_context(make_client) -> None:
    documents = _trace(make_client("order_drops_trace_context", env=XRAY_ENV), "selftest-trace-2")
    assert {d["name"] for d in documents} == {"realserv-gateway", "order"}  # payment started its own trace


def test_realserv_web_bundle_calls_the_gateway_and_its_providers(make_client, kit) -> None:
    bundle = _bundle(make_client(env=REALSERV), "web")
    assert f'NEXT_PUBLIC_API_URL:"{kit.api_base}/gateway"' in bundle
    assert "https://identitytoolkit.googleapis.com" in bundle and "13.232.10.45" not in bundle


def test_fault_realserv_web_bundle_hardcoded_host(make_client) -> None:
    bundle = _bundle(make_client("realserv_web_bundle_hardcoded_host", env=REALSERV), "web")
    assert 'ORDERS_URL:"http://13.232.10.45:5004"' in bundle
