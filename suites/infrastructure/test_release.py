"""The release being launched is what runs: its schema and its front-ends."""

from golive import check, expect, required
from golive.probes.release import (
    evaluate_built_release,
    evaluate_bundle_origins,
    evaluate_pending_migrations,
    meta_content,
    referenced_origins,
    script_urls,
)

# The release identity of every service and the rollout watch run right after the switch:
# suites/post_deploy/test_01_release.py (REL-VERSION-001, REL-ROLLOUT-001).


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
