"""Secrets: none in the repository or its history; live provider keys, real providers and the
hardening flags in the deployment's config report."""

from pathlib import Path

from golive import check, expect, not_applicable, required
from golive.outcomes import CheckFailed
from golive.probes.credentials import weak_password_findings
from golive.probes.runtime_config import evaluate_fields, evaluate_no_test_keys
from golive.probes.secrets import baseline_hashes, evaluate_secrets, scan_texts
from golive.probes.tokens import load_weak_secrets
from golive.repo_scan import RepoScanError, history_additions, working_tree


@check("SEC-SECRETS-001", "No secrets in the repository's files or git history (detect-secrets)",
       items=["realserv:SEC-SECRETS-08", "realserv:SEC-SECRETS-07", "realserv:TEST-SEC-06"])
def test_no_secrets_in_repository(secrets_scan_policy):
    repo = Path(secrets_scan_policy.repo)
    baseline = secrets_scan_policy.baseline
    accepted = baseline_hashes((repo / baseline).read_text()) if baseline else set()
    exclude = {baseline} if baseline else set()
    try:
        texts = {**working_tree(repo, exclude=exclude),
                 **history_additions(repo, secrets_scan_policy.max_commits, exclude=exclude)}
    except RepoScanError as error:
        raise CheckFailed("the repository could not be read", expected="a git checkout", found=str(error),
                          where=str(repo), fix="point secrets_scan.repo at a checkout of the deployed code") from None
    hits = scan_texts(texts)
    expect.no_findings(evaluate_secrets(hits, accepted=accepted, where=f"{repo} (files and last "
                                        f"{secrets_scan_policy.max_commits} commits)",
                                        fix="rotate the secret, purge it from history (git filter-repo), or "
                                            "accept a reviewed false positive in the detect-secrets baseline"),
                       "secrets committed", where=str(repo))


def config_report(profile, policy, http):
    response = http.get(profile.service(policy.service).url(policy.path))
    expect.status(response, 200, "the config report does not answer",
                  fix="expose provider modes and hardening flags (values only) on runtime_config.path")
    return response, expect.json_body(response, "the config report is not JSON")


@check("SEC-SECRETS-002", "Production runs on live provider keys, never rzp_test_", critical=True,
       items=["realserv:CFG-EXT-02", "consolidated:ENV-VARS-02"])
def test_live_provider_keys(golive_settings, profile, runtime_config_policy, http):
    policy = runtime_config_policy
    wanted = policy.expect_live_keys if policy.expect_live_keys is not None else golive_settings.is_production
    if not wanted:
        not_applicable("test keys are expected outside production (runtime_config.expect_live_keys)")
    live_keys = required(policy.live_keys, "fields reporting provider key modes (runtime_config.live_keys)",
                         absent="the profile says the system holds no provider keys with a test mode "
                                "(runtime_config.live_keys: false)")
    response, body = config_report(profile, policy, http)
    findings = evaluate_no_test_keys(body)
    findings += evaluate_fields(body, live_keys, name="provider-not-live",
                                fix="configure the provider's live keys in production")
    expect.no_findings(findings, "test provider keys in production", where=expect.where(response))


@check("SEC-SECRETS-003", "No mock or fallback providers in production", items=["arogya:S5-EXIT-02"])
def test_real_providers(profile, runtime_config_policy, http):
    required(runtime_config_policy.real_providers, "fields reporting provider implementations (runtime_config.real_providers)",
             absent="the profile says the system uses no third-party providers (runtime_config.real_providers: false)")
    response, body = config_report(profile, runtime_config_policy, http)
    expect.no_findings(evaluate_fields(body, runtime_config_policy.real_providers, name="provider-mocked",
                                       fix="configure the real provider; remove mock/fallback switches from production"),
                       "mock providers in production", where=expect.where(response))


@check("SEC-SECRETS-004", "Hardening flags are set (ALLOW_INSECURE_TRACKER=false, SKIP_WEBHOOK_SIGNATURE unset)",
       critical=True, items=["whatsapp_tracker:SEC-01", "whatsapp_tracker:SEC-03"])
def test_hardening_flags(profile, runtime_config_policy, http):
    required(runtime_config_policy.hardening, "hardening flags in the config report (runtime_config.hardening)",
             absent="the profile says the system has no hardening flags (runtime_config.hardening: false)")
    response, body = config_report(profile, runtime_config_policy, http)
    expect.no_findings(evaluate_fields(body, runtime_config_policy.hardening, name="hardening-flag-unsafe",
                                       fix="set the flag to its safe value in the production environment"),
                       "unsafe hardening flags", where=expect.where(response))


@check("SEC-SECRETS-005", "No account of the env's roles has a weak password (default, placeholder, user name, short)",
       critical=True, items=["consolidated:TEAM-02"])
def test_role_passwords_are_strong(golive_settings, auth_config):
    if golive_settings.kind not in ("production", "staging"):
        not_applicable(f"a {golive_settings.kind} env may use throwaway passwords; the check is for staging and production")
    # roles that sign in with a pre-issued token have no password to judge
    roles = {role: (credentials.username or "", credentials.password)
             for role, credentials in auth_config.roles.items() if credentials.password is not None}
    if not roles:
        not_applicable("every role signs in with a pre-issued token: no account password to judge")
    expect.no_findings(weak_password_findings(roles, load_weak_secrets()),
                       "accounts with weak passwords", where=f"auth.roles of env {golive_settings.env_name}")
