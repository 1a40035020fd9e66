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
    assert "profile shop.yaml, line 9: http_timeout_s: expected a value greater than 0 (found 0)" in problems
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


def test_an_env_line_that_cannot_be_parsed_is_a_problem_naming_file_and_line_not_its_value(project, caplog):
    project.env("staging.env", SHOP_ENV + "    this line is no assignment\n    API_TOKEN=\"s3cr3t-never-shown\n")
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [
        "env staging.env, line 7: cannot be parsed (expected KEY=value, quotes closed)",
        "env staging.env, line 8: cannot be parsed (expected KEY=value, quotes closed; it starts with API_TOKEN)",
    ]
    assert "s3cr3t" not in str(raised.value)
    assert "python-dotenv could not parse" not in caplog.text, "reported once, as a problem, not as a warning"


BROKEN_REFERENCES_PROFILE = """
    name: shop
    services:
      - name: api
        base_url: https://api.shop.test
    auth:
      login: {service: idp, path: /login}
      roles:
        admin: {username: admin, password: pw}
      protected:
        - {service: api, path: /orders, roles: [root]}
    cors:
      service: apii
      allowed_origins: ["https://admin.shop.test"]
    headers:
      service: web
"""


def test_every_undefined_service_reference_is_reported_with_its_line(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", BROKEN_REFERENCES_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [
        "profile shop.yaml, line 6: auth.login.service: names service 'idp', not one of ['api']",
        "profile shop.yaml, line 9: auth.protected[GET /orders] names unknown roles ['root']",
        "profile shop.yaml, line 12: cors.service: names service 'apii', not one of ['api']",
        "profile shop.yaml, line 15: headers.service: names service 'web', not one of ['api']",
    ]


def test_undefined_service_references_are_reported_along_with_other_errors(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", BROKEN_REFERENCES_PROFILE + "    http_timeout_s: fast\n")

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    problems = raised.value.problems
    assert problems[0] == "profile shop.yaml, line 16: http_timeout_s: expected a valid number, unable to parse string as a number (found 'fast')"
    assert [p for p in problems if "names service" in p] == [
        "profile shop.yaml, line 6: auth.login.service: names service 'idp', not one of ['api']",
        "profile shop.yaml, line 12: cors.service: names service 'apii', not one of ['api']",
        "profile shop.yaml, line 15: headers.service: names service 'web', not one of ['api']",
    ]


@pytest.mark.parametrize("section, expected", [
    # a value of the wrong shape inside a section: the section's field, not one line per union branch
    ('cors: {service: api, allowed_origins: "https://admin.shop.test"}',
     "profile shop.yaml, line 9: cors.allowed_origins: expected a valid list (found 'https://admin.shop.test')"),
    # a value that fits no branch at all: what would fit
    ("cors: 5", "profile shop.yaml, line 9: cors: expected a Cors mapping or false (found 5)"),
    ("http_timeout_s: fast",
     "profile shop.yaml, line 9: http_timeout_s: expected a valid number, unable to parse string as a number (found 'fast')"),
    ("corss: {service: api}", "profile shop.yaml, line 9: corss: unknown key (did you mean cors?)"),
])
def test_a_type_error_in_one_field_is_one_line_with_file_line_and_what_was_expected(project, section, expected):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", SHOP_PROFILE.split("    cors:")[0] + "    " + section + "\n")

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [expected]


def test_a_misspelt_nested_key_gets_a_did_you_mean(project):
    project.env("staging.env", SHOP_ENV)
    project.profile("shop", SHOP_PROFILE.replace('password: "${ADMIN_PASSWORD}"', 'pasword: "${ADMIN_PASSWORD}"'))

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert "profile shop.yaml, line 8: auth.roles.admin.pasword: unknown key (did you mean password?)" in raised.value.problems


def test_a_misspelt_required_env_key_gets_a_did_you_mean(project):
    project.env("staging.env", SHOP_ENV.replace("GOLIVE_ENV_KIND=staging", "GOLIVE_ENV_KND=staging"))
    project.profile("shop", SHOP_PROFILE)

    with pytest.raises(ConfigurationError) as raised:
        load_settings("staging", project.path, environ={})

    assert raised.value.problems == [
        "env staging.env: GOLIVE_ENV_KIND must be one of local, staging, production (found nothing); "
        "the file sets GOLIVE_ENV_KND: did you mean GOLIVE_ENV_KIND?"
    ]


# --- variants: a profile that extends another, an env file that extends another -------------------

def test_a_profile_extends_another_as_a_json_merge_patch(project):
    project.profile("shop", SHOP_PROFILE)
    project.profile("shop-session", """
        extends: shop
        name: shop-session
        auth:
          login: {strategy: session, session_cookie: sessionid}
          roles:
            admin: null
            clerk: {username: clerk, password: "${ADMIN_PASSWORD}"}
        cors: {allowed_origins: ["https://pos.shop.test"]}
    """)
    project.env("staging.env", SHOP_ENV.replace("GOLIVE_PROFILE=shop", "GOLIVE_PROFILE=shop-session"))
    profile = load_settings("staging", project.path, environ={}).profile
    assert profile.name == "shop-session"
    # mappings merge key by key: the login keeps the base's service and path
    assert (profile.auth.login.strategy, profile.auth.login.path, profile.auth.login.service) == \
        ("session", "/api/auth/login", "api")
    assert set(profile.auth.roles) == {"clerk"}  # null removed the base's admin
    assert [str(origin) for origin in profile.cors.allowed_origins] == ["https://pos.shop.test"]  # lists replace
    assert str(profile.services[0].base_url).startswith("https://api.shop.test")


def test_a_profile_extending_nothing_or_itself_is_a_configuration_error(project):
    project.profile("loop-a", "extends: loop-b\nname: a\n")
    project.profile("loop-b", "extends: loop-a\nname: b\n")
    project.profile("orphan", "extends: missing\nname: orphan\n")
    for name, says in (("loop-a", "a cycle"), ("orphan", "names no profile")):
        project.env("staging.env", f"GOLIVE_ENV_KIND=staging\nGOLIVE_PROFILE={name}\n")
        with pytest.raises(ConfigurationError, match=says):
            load_settings("staging", project.path, environ={})


def test_an_env_file_extends_another_and_overrides_some_values(project):
    project.profile("shop", SHOP_PROFILE)
    project.env("staging.env", SHOP_ENV)
    project.env("staging-eu.env", """
        GOLIVE_ENV_EXTENDS=staging
        API_HOST=api.eu.shop.test
    """)
    settings = load_settings("staging-eu", project.path, environ={})
    assert str(settings.profile.services[0].base_url).startswith("https://api.eu.shop.test")
    assert settings.values["ADMIN_PASSWORD"] == "staging-admin-Pw-4411"
    assert "GOLIVE_ENV_EXTENDS" not in settings.values


def test_an_env_file_extending_a_missing_env_is_a_usage_error(project):
    project.env("staging-eu.env", "GOLIVE_ENV_EXTENDS=nowhere\n")
    with pytest.raises(UsageError, match="GOLIVE_ENV_EXTENDS=nowhere"):
        load_settings("staging-eu", project.path, environ={})
