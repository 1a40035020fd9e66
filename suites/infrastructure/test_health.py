"""Health endpoints of every service in the profile: alive, ready with its database, fast."""

from golive import check, expect, required
from golive.probes.health import evaluate_readiness, evaluate_readiness_limits

ITEMS_LIVE = [
    "arogya:S0-EXIT-01", "consolidated:MON-01", "consolidated:CMD-05", "realserv:OBS-HEALTH-01",
    "realserv:INF-LB-03", "realserv:DEP-PROD-10", "whatsapp_tracker:HEALTH-01",
    # the smoke set on production URLs (with database ping, every role's login, the stock APIs)
    "arogya:S7-TASK-03", "arogya:S7-EXIT-01", "inventory:SUCCESS-01", "consolidated:CMD-03",
    # RealServ: every one of the seven services is deployed and its (ECS) health check answers
    "realserv:INF-ECS-05", "realserv:INF-SVCLIST-01", "realserv:INF-SVCLIST-02", "realserv:INF-SVCLIST-03",
    "realserv:INF-SVCLIST-04", "realserv:INF-SVCLIST-05", "realserv:INF-SVCLIST-06", "realserv:INF-SVCLIST-07",
]
# RealServ: each service's health report names its own database and every dependency check Healthy
ITEMS_DEPENDENCIES = [
    "realserv:INF-DB-01", "realserv:INF-DBLIST-01", "realserv:INF-DBLIST-02", "realserv:INF-DBLIST-03",
    "realserv:INF-DBLIST-04", "realserv:INF-DBLIST-05", "realserv:INF-DBLIST-06", "realserv:INF-DBLIST-07",
    "realserv:INF-CACHE-01", "realserv:OBS-HEALTH-02", "realserv:OBS-HEALTH-03", "realserv:OBS-HEALTH-04",
    "realserv:OBS-HEALTH-05", "realserv:OBS-HEALTH-06", "realserv:OBS-HEALTH-07", "realserv:OBS-HEALTH-08",
    "realserv:DEP-PROD-11", "realserv:DEP-PROD-12",
]
# the deployment's variable groups, reported present by readiness (profiles' ready_expect checks.env_groups)
# (arogya S7-TASK-02: with REL-VERSION-001 and REL-FRONTEND-002, the redeploy with final env values)
ITEMS_ENV_GROUPS = ["arogya:S0-TASK-02", "arogya:S7-TASK-02", "consolidated:FINAL-01", "inventory:PRE-ENV-04"]


@check("INF-HEALTH-001", "Liveness endpoint answers 200", critical=True, items=ITEMS_LIVE, gates=["S0"],
       also={"post_deploy": 1}, observe=True)
def test_liveness(service, http):
    response = http.get(service.url(required(service.health.live, f"a liveness path for {service.name}")))
    expect.status(response, 200, f"{service.name} is not alive",
                  fix="look at the service's logs and restarts; liveness must not depend on other services")


@check("INF-HEALTH-002", "Readiness endpoint answers 200 with its dependency checks passing", critical=True,
       items=["whatsapp_tracker:HEALTH-02", "whatsapp_tracker:HEALTH-04", "whatsapp_tracker:HEALTH-05",
              "whatsapp_tracker:HEALTH-06", "whatsapp_tracker:ENV-01", *ITEMS_DEPENDENCIES,
              *ITEMS_ENV_GROUPS, "consolidated:LAUNCH-POST-01"], gates=["S0"], also={"post_deploy": 2}, observe=True)
def test_readiness(service, http):
    response = http.get(service.url(required(service.health.ready, f"a readiness path for {service.name}")))
    expect.status(response, 200, f"{service.name} is not ready", fix="a dependency (database, env) is failing")
    body = expect.json_body(response, f"{service.name} readiness body is not JSON")
    expect.no_findings(evaluate_readiness(body, service.health.ready_expect),
                       f"{service.name} readiness does not prove its dependencies", where=expect.where(response))
    # measured dependencies within their limits (consolidated: the read replica's lag)
    expect.no_findings(evaluate_readiness_limits(body, service.health.ready_limits),
                       f"{service.name} readiness reports a dependency beyond its limit", where=expect.where(response))


@check("INF-HEALTH-003", "Database ping endpoint answers 200", critical=True,
       items=["whatsapp_tracker:HEALTH-03", "consolidated:MON-01", "arogya:S0-PRE-01", "consolidated:ENV-VARS-01",
              "inventory:PRE-ENV-02",
              # part of the smoke set
              "arogya:S7-TASK-03", "arogya:S7-EXIT-01", "inventory:SUCCESS-01", "consolidated:CMD-03"], gates=["S0"],
       also={"post_deploy": 2}, observe=True)
def test_database_ping(service, http):
    response = http.get(service.url(required(service.health.db, f"a database ping path for {service.name}")))
    expect.status(response, 200, f"{service.name} cannot reach its database",
                  fix="check the DATABASE_URL, network path and credentials of the service")


@check("INF-HEALTH-004", "Health endpoints answer within the response-time budget", critical=True,
       items=["realserv:DEP-PROD-10"], also={"post_deploy": 1}, observe=True)
def test_health_response_time(service, http):
    declared = (service.health.live, service.health.ready, service.health.db)
    paths = [path for path in declared if path]
    # every path explicitly false (e.g. a hosted auth API): nothing to time, by the profile's word
    absent = all(path is False for path in declared)
    for path in required(False if absent else paths, f"health paths for {service.name}"):
        response = http.get(service.url(path))
        expect.within_budget(response, service.health.budget_ms, f"{service.name} {path} is too slow",
                             fix="health endpoints must be cheap; look for slow dependencies or an overloaded service")
