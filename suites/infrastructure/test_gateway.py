"""The API gateway in front of the services: a route to every service, its own headers, API keys."""

from golive import check, expect, not_applicable, required
from golive.probes.release import evaluate_gateway_headers


@check("INF-GW-001", "Every service is reachable through the API gateway (gateway headers, trace id)",
       critical=True, items=["realserv:INF-GW-01", "realserv:INF-GW-03", "realserv:OBS-TRACE-01",
                             # the smoke test of a deploy: every service answers through the public entry
                             "realserv:DEP-PROD-13", "realserv:DEP-STG-02"])
def test_gateway_routes_reach_every_service(service, gateway_policy, http):
    route = gateway_policy.routes.get(service.name)
    if route is None:
        not_applicable(f"{service.name} is not served through the gateway (gateway.routes)")
    response = http.get(gateway_policy.url(route))
    expect.status(response, 200, f"the gateway does not reach {service.name}",
                  fix="add the service's resource/route to the gateway and deploy the stage")
    expect.no_findings(evaluate_gateway_headers(dict(response.headers), gateway_policy.response_headers),
                       f"{service.name} answered, but not through the gateway", where=expect.where(response))


@check("INF-GW-002", "Mobile API calls are refused without the issued API key and served with it",
       safety="probe", items=["realserv:INF-GW-06"])
def test_gateway_requires_api_key(gateway_policy, http):
    key = required(gateway_policy.api_key, "an API-key route of the gateway (gateway.api_key)")
    url = gateway_policy.url(key.path)
    without = http.get(url, intent="probe")
    expect.status(without, 403, "the gateway serves mobile calls without an API key",
                  fix="set apiKeyRequired on the mobile stage's methods and attach a usage plan")
    with_key = http.get(url, headers={key.header: key.value})
    expect.status(with_key, 200, "the gateway refuses the issued API key",
                  fix="attach the mobile apps' key to the stage's usage plan")
