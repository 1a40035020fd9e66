"""Exposure: the live site serves no config or VCS files, backups, source maps, secrets in bundles,
debug consoles, public API docs (in production) or directory listings."""

import secrets

from golive import check, expect, not_applicable, required, unverified
from golive.auth import attempt_login, login_succeeded
from golive.outcomes import inconclusive
from golive.probes.exposure import (
    API_DOC_PATHS,
    DEBUG_PATHS,
    SENSITIVE_FILES,
    evaluate_api_doc,
    evaluate_debug_console,
    evaluate_directory_listing,
    evaluate_sensitive_file,
    evaluate_source_map,
    script_urls,
    source_map_candidates,
)
from golive.probes.errors import evaluate_error_body
from golive.probes.secrets import evaluate_secrets, scan_texts

ITEMS = ["realserv:TEST-SEC-05", "realserv:SEC-SECRETS-08", "realserv:CFG-ENV-04"]


def bundles_of(exposure_policy):  # type: ignore[no-untyped-def]
    """The pages or scripts to read: not applicable for an API without front-end scripts
    (bundles: false), unverified when the profile names none."""
    return required(exposure_policy.bundles, "front-end pages or scripts to inspect (exposure.bundles)",
                    absent="the profile says this system serves no front-end scripts (exposure.bundles: false)")


def scripts_of(http, bundles):
    """(script URL, response) of every bundle: pages are read for their <script src>."""
    found = {}
    for bundle in bundles:
        response = http.get(str(bundle))
        expect.status(response, 200, f"bundle page {bundle} does not answer", fix="fix exposure.bundles in the profile")
        if "html" in response.headers.get("content-type", ""):
            for url in script_urls(str(bundle), response.text):
                found.setdefault(url, None)
        else:
            found[str(bundle)] = response
    for url in [u for u, r in found.items() if r is None]:
        found[url] = http.get(url)
    return found


@check("SEC-EXPOSE-001", "No configuration, VCS or backup files are served (.env, .git, dumps)", items=ITEMS)
def test_sensitive_files_not_served(profile, exposure_policy, http):
    service = profile.service(exposure_policy.service)
    findings, where = [], []
    for path, signature in {**SENSITIVE_FILES, **{p: None for p in exposure_policy.paths_extra}}.items():
        response = http.get(service.url(path))
        found = evaluate_sensitive_file(path, response.status_code, response.headers.get("content-type", ""),
                                        response.text, *([signature] if signature else []))
        findings += found
        where += [expect.where(response)] if found else []
    expect.no_findings(findings, "sensitive files served", where="; ".join(where))


@check("SEC-EXPOSE-002", "No source maps of the front-end bundles are served", items=ITEMS)
def test_no_source_maps(exposure_policy, http):
    bundles = bundles_of(exposure_policy)
    scripts = required(scripts_of(http, bundles), f"a script on the pages of exposure.bundles ({len(bundles)} read)")
    for url, response in scripts.items():
        for probe in source_map_candidates(url, response.headers, response.text):
            answer = http.get(probe.map_url)
            expect.no_findings(evaluate_source_map(probe, answer.status_code, answer.text),
                               "source map served", where=expect.where(answer))


@check("SEC-EXPOSE-003", "Front-end bundles embed no secrets (keys, private keys, tokens)",
       items=["realserv:SEC-SECRETS-08", "realserv:CFG-ENV-04"])
def test_no_secrets_in_bundles(exposure_policy, http):
    bundles = bundles_of(exposure_policy)
    scripts = required(scripts_of(http, bundles), f"a script on the pages of exposure.bundles ({len(bundles)} read)")
    hits = scan_texts({url: response.text for url, response in scripts.items() if response.status_code == 200})
    expect.no_findings(evaluate_secrets(hits, where="the served JavaScript",
                                        fix="move secrets to the server; rotate every key that was shipped to browsers"),
                       "secrets in JavaScript bundles", where=", ".join(scripts))


@check("SEC-EXPOSE-004", "No debug or admin consoles answer (debugger, actuator, phpinfo), and a page that "
       "does not exist shows no debug page", items=ITEMS)
def test_no_debug_consoles(profile, exposure_policy, http):
    service = profile.service(exposure_policy.service)
    for path in DEBUG_PATHS:
        response = http.get(service.url(path))
        expect.no_findings(evaluate_debug_console(path, response.status_code, response.text),
                           "debug console reachable", where=expect.where(response))
    # a debug mode shows itself on the plainest error: Django's DEBUG 404 lists every URL pattern
    missing = http.get(service.url(f"/golive-not-a-route-{secrets.token_hex(4)}"))
    expect.no_findings([f for f in evaluate_error_body(missing.status_code, missing.text)
                        if f.name in ("error-shows-debugger", "error-shows-stack-trace")],
                       "a missing page shows the framework's debug page", where=expect.where(missing))


@check("SEC-EXPOSE-005", "API docs are not public in production (/docs, /openapi.json, Swagger UI)", items=ITEMS)
def test_api_docs_not_public(golive_settings, profile, exposure_policy, http):
    allowed = exposure_policy.api_docs_allowed
    if allowed is None:
        allowed = not golive_settings.is_production  # a local or staging env may publish them
    if allowed:
        not_applicable("public API docs are allowed here (exposure.api_docs_allowed or a non-production env)")
    service = profile.service(exposure_policy.service)
    for path in API_DOC_PATHS:
        response = http.get(service.url(path))
        expect.no_findings(evaluate_api_doc(path, response.status_code, response.headers.get("content-type", ""),
                                            response.text), "API docs public", where=expect.where(response))


@check("SEC-EXPOSE-006", "Static folders do not list their contents", items=ITEMS)
def test_no_directory_listing(profile, exposure_policy, http):
    service = profile.service(exposure_policy.service)
    if exposure_policy.static_dirs is False and exposure_policy.bundles is False:
        not_applicable("the profile says this system serves no static files (exposure.static_dirs: false)")
    scripts = scripts_of(http, exposure_policy.bundles or [])
    # the profile's folders, and the folders the bundles are served from
    folders = dict.fromkeys([service.url(p) for p in exposure_policy.static_dirs or []] +
                            [url.split("?", 1)[0].rsplit("/", 1)[0] + "/" for url in scripts])
    required(folders, "static folders to inspect (exposure.static_dirs, or the folders of exposure.bundles)")
    for url in folders:
        response = http.get(url)
        expect.no_findings(evaluate_directory_listing(url, response.status_code, response.text),
                           "directory listing enabled", where=expect.where(response))


@check("SEC-EXPOSE-007", "Admin logins refuse default credentials (admin/admin, root/root, ...)", safety="probe",
       items=["realserv:TEST-SEC-03", "realserv:CFG-ENV-04"])
def test_default_credentials_refused(profile, exposure_policy, auth_config, http):
    pairs = required(exposure_policy.default_credentials, "default credentials to try (exposure.default_credentials)")
    service_url = str(profile.service(auth_config.login.service).base_url)
    # the control: a real account, sent the same way, signs in — else a refusal proves nothing
    role = next(iter(auth_config.roles))
    control = attempt_login(http, auth_config, service_url, role, intent="login")
    if not login_succeeded(auth_config, control):
        inconclusive(f"the control login as {role} did not sign in (HTTP {control.status_code} at "
                     f"{expect.where(control)}), so refusals of default credentials prove nothing")
    for username, password in pairs:
        response = attempt_login(http, auth_config, service_url, role, username=username, password=password,
                                 intent="login")
        if response.status_code == 429:
            unverified(f"the login rate limit answered before {username!r} could be tried (429)")
        expect.true(not login_succeeded(auth_config, response), f"default credentials {username}/… sign in",
                    expected="no token or session for a default username/password pair",
                    found=f"HTTP {response.status_code} with a token or session, as the control login",
                    where=expect.where(response),
                    fix=f"remove or re-password the {username!r} account; never ship default credentials")