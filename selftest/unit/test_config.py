"""golive.config: env files, real environment variables, ${VAR} references, and every problem at once."""

from __future__ import annotations

import textwrap

import pytest

from golive.config import ConfigurationError, UsageError, load_settings
from golive.plugin import PLACEHOLDER_SANDBOX

SHOP_PROFILE = """
    name: shop
    services:
      - name: api
        base_url: ${API_URL}
    auth:
      login: {service: api, path: /api/auth/login}
      roles:
        admin: {username: admin, password: "${ADMIN_PASSWORD}"}
    cors:
      service: api
      allowed_origins: ["${ADMIN_ORIGIN}"]
"""

SHOP_ENV = """
    GOLIVE_ENV_KIND=staging
    GOLIVE_PROFILE=shop
    API_HOST=api.shop.test
    API_URL=https://${API_HOST}
    ADMIN_ORIGIN=https://admin.shop.test
    ADMIN_PASSWORD=staging-admin-Pw-4411
"""


def test_unknown_env_is_a_usage_error_listing_existing_envs_and_hinting_at_the_example(project):
    project.env("local.env", "GOLIVE_ENV_KIND=local\n")
    project.env("qa.env", "GOLIVE_ENV_KIND=staging\n")
    project.env("prod.env.example", "GOLIVE_ENV_KIND=production\n")

    with pytest.raises(UsageError) as raised:
        load_settings("prod", project.path, environ={})

    message = str(raised.value)
    assert "unknown env 'prod'" in message
    assert "envs that exist: local, qa" in message
    assert "copy prod.env.example to prod.env" in message


def test_unknown_env_without_example_lists_envs_and_gives_no_copy_hint(project):
    project.env("local.env", "GOLIVE_ENV_KIND=local\n")

    with pytest.raises(UsageError) as raised:
        load_settings("staging", project.path, environ={})

    assert "envs that exist: local" in str(raised.value)
    assert "copy" not in str(raised.value)


def test_unknown_env_in_an_empty_envs_dir_says_none_exist(project):
    with pytest.raises(UsageError, match="envs that exist: none"):
        load_settings("local", project.path, environ={})


def test_env_and_profile_load_with_references_resolved(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", SHOP_PROFILE)

    settings = load_settings("staging", project.path, environ={})

    assert settings.kind == "staging"
    assert not settings.is_production
    assert settings.profile_name == "shop"
    # ${API_HOST} inside the env file's own value, then ${API_URL} in the profile
    assert settings.values["API_URL"] == "https://api.shop.test"
    assert str(settings.profile.services[0].base_url) == "https://api.shop.test/"
    assert settings.profile.auth.roles["admin"].password == "staging-admin-Pw-4411"
    assert settings.profile.cors.allowed_origins == ["https://admin.shop.test"]
    assert settings.sandbox is False
    assert settings.sandbox_flavor == "commerce"


def test_real_environment_variables_win_over_the_env_file(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", SHOP_PROFILE)
    environ = {
        "GOLIVE_ENV_KIND": "production",
        "ADMIN_PASSWORD": "from-the-secret-manager-9x",
        "API_HOST": "api.prod.shop.test",
    }

    settings = load_settings("staging", project.path, environ=environ)

    assert settings.kind == "production"
    assert settings.is_production
    assert settings.profile.auth.roles["admin"].password == "from-the-secret-manager-9x"
    # the env file's template uses the overridden value
    assert settings.values["API_URL"] == "https://api.prod.shop.test"
    assert str(settings.profile.services[0].base_url) == "https://api.prod.shop.test/"


def test_environment_variables_not_in_the_file_are_visible_to_references(project):
    project.env(
        "ci.env",
        """
        GOLIVE_ENV_KIND=staging
        GOLIVE_PROFILE=shop
        API_URL=https://api.shop.test
        ADMIN_ORIGIN=https://admin.shop.test
        """,
    )
    project.profile("shop", SHOP_PROFILE)

    settings = load_settings("ci", project.path, environ={"ADMIN_PASSWORD": "injected-by-ci-77"})

    assert settings.profile.auth.roles["admin"].password == "injected-by-ci-77"


def test_extra_values_from_golive_resolve_profile_references(project):
    project.env("local.env", SHOP_ENV.replace("    API_URL=https://${API_HOST}\n", ""))
    project.profile("shop", SHOP_PROFILE)

    settings = load_settings("local", project.path, environ={}, extra={"API_URL": "http://127.0.0.1:8712"})

    assert str(settings.profile.services[0].base_url) == "http://127.0.0.1:8712/"


def test_every_problem_is_reported_at_once(project):
    project.env(
        "broken.env",
        """
        GOLIVE_PROFILE=shop
        API_URL=https://api.shop.test
        """,
    )
    project.profile(
        "shop",
        """
        name: shop
        services:
          - name: api
            base_url: ${API_URL}
        auth:
          login: {service: api, path: /login}
          roles:
            admin: {username: "${ADMIN_USER}", password: "${ADMIN_PASSWORD}"}
        http_timeout_s: 0
        """,
    )

    with pytest.raises(ConfigurationError) as raised:
        load_settings("broken", project.path, environ={})

    problems = raised.value.problems
    assert any("GOLIVE_ENV_KIND must be one of local, staging, production (found nothing)" in p for p in problems)
    assert any("references ${ADMIN_PASSWORD}, which the env does not set" in p for p in problems)
    assert any("references ${ADMIN_USER}, which the env does not set" in p for p in problems)
    assert any("profile shop.yaml: http_timeout_s:" in p for p in problems)
    assert len(problems) == 4, problems
    # one message carries them all
    for problem in problems:
        assert problem in str(raised.value)


def test_unset_reference_inside_the_env_file_is_a_problem(project):
    project.env("staging.env", SHOP_ENV.replace("https://${API_HOST}", "https://${API_HOSTNAME}"))
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert "env staging.env: ${API_HOSTNAME} is referenced but not set" in raised.value.problems


def test_empty_value_counts_as_unset_for_a_reference(project):
    # prod.env.example ships with empty passwords: using it unchanged must not log in with ""
    project.env("staging.env", SHOP_ENV.replace("ADMIN_PASSWORD=staging-admin-Pw-4411", "ADMIN_PASSWORD="))
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == ["profile shop.yaml references ${ADMIN_PASSWORD}, which the env does not set"]


def test_malformed_yaml_profile_is_a_configuration_problem(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", "name: shop\nservices: [\n  - name: api\n")

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert len(raised.value.problems) == 1
    assert "shop.yaml: not valid YAML" in raised.value.problems[0]


def test_profile_that_is_not_a_mapping_is_a_configuration_problem(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", "- just\n- a list\n")

    with pytest.raises(ConfigurationError, match="must be a mapping at the top level"):
        load_settings("staging", project.path, environ={})


def test_profile_named_by_the_env_must_exist(project):
    project.env("staging.env", SHOP_ENV.replace("GOLIVE_PROFILE=shop", "GOLIVE_PROFILE=shopp"))
    project.profile("shop", SHOP_PROFILE)
    project.profile("warehouse", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [
        "env staging.env: GOLIVE_PROFILE=shopp: no such profile (profiles: shop, warehouse)"
    ]


def test_missing_golive_profile_is_a_problem(project):
    project.env("staging.env", "GOLIVE_ENV_KIND=staging\n")

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert any("GOLIVE_PROFILE is not set" in p for p in raised.value.problems)


def test_invalid_golive_sandbox_value_is_a_problem(project):
    project.env("staging.env", SHOP_ENV + "GOLIVE_SANDBOX=maybe\n")
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == ["env staging.env: GOLIVE_SANDBOX must be start or off (found maybe)"]


def test_sandbox_start_against_production_is_a_problem(project):
    project.env("prod.env", SHOP_ENV.replace("=staging", "=production") + "GOLIVE_SANDBOX=start\n")
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError, match="GOLIVE_SANDBOX=start makes no sense for a production env"):
        load_settings("prod", project.path, environ={})


def test_sandbox_start_and_flavor_are_read_from_the_env(project):
    project.env("local.env", SHOP_ENV.replace("=staging", "=local") + "GOLIVE_SANDBOX=Start\nSANDBOX_FLAVOR=realserv\n")
    project.profile("shop", SHOP_PROFILE)

    settings = load_settings("local", project.path, environ={})

    assert settings.sandbox is True
    assert settings.sandbox_flavor == "realserv"


def test_the_committed_local_env_and_sandbox_profile_load(request):
    root = request.config.rootpath
    settings = load_settings("local", root, environ={}, extra={**PLACEHOLDER_SANDBOX, "SANDBOX_URL": "http://127.0.0.1:8799",
                                                               "SANDBOX_ADMIN_URL": "http://localhost:8799"})

    assert settings.kind == "local"
    assert settings.sandbox is True
    assert settings.profile.name == "sandbox"
    assert str(settings.profile.browser.admin_login.url) == "http://localhost:8799/admin/login"


def test_golive_profile_may_be_a_path_relative_to_the_repository(project):
    folder = project.path / "conformance" / "shop"
    folder.mkdir(parents=True)
    (folder / "profile.yaml").write_text(textwrap.dedent(SHOP_PROFILE).lstrip(), encoding="utf-8")
    project.env("staging.env", SHOP_ENV.replace("GOLIVE_PROFILE=shop", "GOLIVE_PROFILE=conformance/shop/profile.yaml"))

    settings = load_settings("staging", project.path, environ={})

    assert settings.profile.name == "shop"
    assert settings.profile_name == "conformance/shop/profile.yaml"


def test_golive_profile_path_that_does_not_exist_names_the_file(project):
    project.env("staging.env", SHOP_ENV.replace("GOLIVE_PROFILE=shop", "GOLIVE_PROFILE=conformance/shop/profile.yaml"))

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [
        "env staging.env: GOLIVE_PROFILE=conformance/shop/profile.yaml: no such file "
        f"({project.path / 'conformance/shop/profile.yaml'})"
    ]
