"""Health endpoints of every service in the profile: alive, ready with its database, fast."""

from golive import check, expect, required
from golive.probes.health import evaluate_readiness

ITEMS_LIVE = [
    "arogya:S0-EXIT-01", "consolidated:MON-01", "consolidated:CMD-05", "realserv:OBS-HEALTH-01",
    "realserv:INF-LB-03", "realserv:DEP-PROD-10", "whatsapp_tracker:HEALTH-01",
]


@check("INF-HEALTH-001", "Liveness endpoint answers 200", critical=True, items=ITEMS_LIVE, gates=["S0"])
def test_liveness(service, http):
    response = http.get(service.url(required(service.health.live, f"a liveness path for {service.name}")))
    expect.status(response, 200, f"{service.name} is not alive",
                  fix="look at the service's logs and restarts; liveness must not depend on other services")


@check("INF-HEALTH-002", "Readiness endpoint answers 200 with its dependency checks passing", critical=True,
       items=["whatsapp_tracker:HEALTH-02", "whatsapp_tracker:HEALTH-04", "whatsapp_tracker:HEALTH-05",
              "whatsapp_tracker:HEALTH-06"], gates=["S0"])
def test_readiness(service, http):
    response = http.get(service.url(required(service.health.ready, f"a readiness path for {service.name}")))
    expect.status(response, 200, f"{service.name} is not ready", fix="a dependency (database, env) is failing")
    body = expect.json_body(response, f"{service.name} readiness body is not JSON")
    expect.no_findings(evaluate_readiness(body, service.health.ready_expect),
                       f"{service.name} readiness does not prove its dependencies", where=expect.where(response))


@check("INF-HEALTH-003", "Database ping endpoint answers 200", critical=True,
       items=["whatsapp_tracker:HEALTH-03", "consolidated:MON-01", "arogya:S0-PRE-01"], gates=["S0"])
def test_database_ping(service, http):
    response = http.get(service.url(required(service.health.db, f"a database ping path for {service.name}")))
    expect.status(response, 200, f"{service.name} cannot reach its database",
                  fix="check the DATABASE_URL, network path and credentials of the service")


@check("INF-HEALTH-004", "Health endpoints answer within the response-time budget", critical=True,
       items=["realserv:DEP-PROD-10"])
def test_health_response_time(service, http):
    declared = (service.health.live, service.health.ready, service.health.db)
    paths = [path for path in declared if path]
    # every path explicitly false (e.g. a hosted auth API): nothing to time, by the profile's word
    absent = all(path is False for path in declared)
    for path in required(False if absent else paths, f"health paths for {service.name}"):
        response = http.get(service.url(path))
        expect.within_budget(response, service.health.budget_ms, f"{service.name} {path} is too slow",
                             fix="health endpoints must be cheap; look for slow dependencies or an overloaded service")
