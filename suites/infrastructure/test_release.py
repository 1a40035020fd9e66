"""The release being launched is what runs: every service, every instance, its schema, its front-ends."""

import time

from golive import check, expect, required
from golive.probes.health import lookup
from golive.probes.release import (
    Poll,
    evaluate_built_release,
    evaluate_bundle_origins,
    evaluate_pending_migrations,
    evaluate_release_identity,
    evaluate_rollout,
    meta_content,
    referenced_origins,
    script_urls,
)

ITEMS_VERSION = [
    "arogya:S0-PRE-02", "consolidated:CI-02", "consolidated:FINAL-04", "consolidated:CMD-01",
    "realserv:INF-ECS-02", "realserv:DEP-STG-01",
    "arogya:S7-TASK-02",  # with REL-FRONTEND-002 (front-ends) and INF-HEALTH-002 (readiness env groups)
]
ITEMS_ROLLOUT = [
    "consolidated:LAUNCH-WINDOW-01", "consolidated:LAUNCH-WINDOW-02", "consolidated:FINAL-05", "consolidated:CMD-04",
]


@check("REL-VERSION-001", "Every service runs the tagged release build (version and commit, not dev or dirty)",
       critical=True, items=ITEMS_VERSION, gates=["S0"])
def test_service_reports_release(service, release_policy, release_health_path, http):
    response = http.get(service.url(release_health_path))
    expect.status(response, 200, f"{service.name} is not healthy", fix="look at the service's deploy and logs")
    body = expect.json_body(response, f"{service.name} health body is not JSON")
    findings = evaluate_release_identity(body, version_field=release_policy.version_field,
                                         commit_field=release_policy.commit_field,
                                         expected_version=release_policy.version, expected_commit=release_policy.commit)
    expect.no_findings(findings, f"{service.name} does not run release {release_policy.version}",
                       where=expect.where(response))


@check("REL-ROLLOUT-001", "Every health answer during the rollout watch is 200 at the release (no old instances)",
       critical=True, items=ITEMS_ROLLOUT)
def test_rollout_is_consistent(service, release_policy, release_health_path, http):
    polls = []
    for index in range(release_policy.polls):
        if index and release_policy.poll_interval_s:
            time.sleep(release_policy.poll_interval_s)  # the observation window: spread over time
        response = http.get(service.url(release_health_path))
        try:
            version = lookup(response.json(), release_policy.version_field)
        except ValueError:  # a non-JSON answer (a proxy's error page) reports no version
            version = None
        polls.append(Poll(response.status_code, version if isinstance(version, str) else None))
    expect.no_findings(evaluate_rollout(polls, release_policy.version),
                       f"{service.name} answers from more than the release's instances",
                       where=f"{release_policy.polls} x GET {service.url(release_health_path)}")


# realserv DEP-PROD-01 "migrations executed (with backup)": the backup half is INF-BACKUP-001's
@check("REL-MIGRATE-001", "The database schema is at the release's migration (none pending)", critical=True,
       items=["consolidated:CMD-02", "realserv:DEP-PROD-01"])
def test_no_pending_migrations(service, release_policy, release_health_path, http):
    migrations = required(release_policy.migrations, "where services report migrations (release.migrations)",
                          absent="the profile says these services run no database migrations (release.migrations: false)")
    response = http.get(service.url(migrations.path))
    expect.status(response, 200, f"{service.name} cannot reach its database",
                  fix="check the DATABASE_URL, network path and credentials of the service")
    body = expect.json_body(response, f"{service.name} migration report is not JSON")
    expect.no_findings(evaluate_pending_migrations(body, migrations.pending_field),
                       f"{service.name} runs on a schema behind the release", where=expect.where(response))


@check("REL-FRONTEND-001", "Front-end builds call the production API (no localhost, staging or unlisted hosts)",
       critical=True, items=["arogya:S0-PRE-03", "arogya:S0-TASK-01", "realserv:CFG-ENV-03"], gates=["S0"])
def test_frontends_target_production_api(release_policy, http):
    frontends = required(release_policy.frontends, "the deployed front-ends (release.frontends)")
    api_url = str(required(release_policy.api_url, "the production API URL bundles must call (release.api_url)"))
    for frontend in frontends:
        page = http.get(str(frontend.url))
        expect.status(page, 200, f"the {frontend.name} front-end does not load", fix="look at the front-end's deploy")
        texts = [page.text]
        for script_url in script_urls(str(page.url), page.text):
            script = http.get(script_url)
            expect.status(script, 200, f"the {frontend.name} front-end's script {script_url} does not load",
                          fix="redeploy the front-end: its page names a script the deploy does not serve")
            texts.append(script.text)
        origins = set().union(*(referenced_origins(text) for text in texts))
        expect.no_findings(evaluate_bundle_origins(origins, api_url=api_url, allowed_hosts=frontend.allowed_hosts),
                           f"the {frontend.name} front-end was not built for production", where=expect.where(page))


@check("REL-FRONTEND-002", "Every front-end serves the build of the release commit (redeployed with the API)",
       critical=True, items=["arogya:S7-TASK-02"])
def test_frontends_serve_the_release(release_policy, http):
    frontends = required(release_policy.frontends, "the deployed front-ends (release.frontends)")
    stamped = required([f for f in frontends if f.release_meta],
                       "a page meta tag naming a front-end's build commit (release.frontends[].release_meta)")
    for frontend in stamped:
        page = http.get(str(frontend.url))
        expect.status(page, 200, f"the {frontend.name} front-end does not load", fix="look at the front-end's deploy")
        where = f'<meta name="{frontend.release_meta}">'
        expect.no_findings(evaluate_built_release(meta_content(page.text, frontend.release_meta), where=where,
                                                  expected_version=release_policy.version,
                                                  expected_commit=release_policy.commit),
                           f"the {frontend.name} front-end is not the release build", where=expect.where(page))
