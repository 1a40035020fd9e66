"""golive.profile: cross references, CORS origins, and ``false`` (absent) versus missing (unknown)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.outcomes import NotApplicable, Unverified, required
from golive.profile import Profile


def test_minimal_profile_is_valid_and_has_documented_defaults(profile_data):
    profile = Profile.model_validate(profile_data())

    assert profile.service("api").url("/health") == "https://api.shop.test/health"
    assert profile.service("api").url("health") == "https://api.shop.test/health"
    assert profile.auth.token_policy.access_minutes == 60
    assert profile.auth.token_policy.refresh_days == 30
    assert profile.auth.protected[0].label == "GET /api/admin/users"
    assert profile.cors.credentials is True
    assert profile.http_timeout_s == 10.0
    assert profile.critical == []


def test_login_naming_an_unknown_service_is_rejected(profile_data):
    data = profile_data()
    data["auth"]["login"]["service"] = "identity"

    with pytest.raises(ValidationError, match=r"auth.login.service names service 'identity', not one of \['api'\]"):
        Profile.model_validate(data)


def test_protected_endpoint_naming_an_unknown_service_is_rejected(profile_data):
    data = profile_data()
    data["auth"]["protected"].append({"service": "billing", "path": "/invoices", "roles": ["admin"]})

    with pytest.raises(ValidationError, match=r"auth.protected\[GET /invoices\] names service 'billing'"):
        Profile.model_validate(data)


def test_protected_endpoint_naming_an_unknown_role_is_rejected(profile_data):
    data = profile_data()
    data["auth"]["protected"].append({"service": "api", "path": "/api/reports", "roles": ["admin", "auditor"]})

    with pytest.raises(ValidationError, match=r"auth.protected\[GET /api/reports\] names unknown roles \['auditor'\]"):
        Profile.model_validate(data)


def test_cors_and_headers_naming_unknown_services_are_rejected(profile_data):
    with pytest.raises(ValidationError, match="cors.service names service 'web'"):
        Profile.model_validate(profile_data(cors={"service": "web", "allowed_origins": ["https://a.shop.test"]}))
    with pytest.raises(ValidationError, match="headers.service names service 'web'"):
        Profile.model_validate(profile_data(headers={"service": "web"}))


def test_admin_login_role_must_be_one_of_the_auth_roles(profile_data):
    browser = {"admin_login": {"url": "https://admin.shop.test/login", "role": "owner", "signed_in_selector": "#me"}}

    with pytest.raises(ValidationError, match=r"browser.admin_login.role 'owner' is not in auth.roles"):
        Profile.model_validate(profile_data(browser=browser))

    browser["admin_login"]["role"] = "admin"
    assert Profile.model_validate(profile_data(browser=browser)).browser.admin_login.role == "admin"


def test_service_names_must_be_unique(profile_data):
    services = [{"name": "api", "base_url": "https://a.test"}, {"name": "api", "base_url": "https://b.test"}]

    with pytest.raises(ValidationError, match="service names must be unique"):
        Profile.model_validate(profile_data(services=services))


def test_unknown_keys_are_rejected_so_typos_do_not_pass_silently(profile_data):
    with pytest.raises(ValidationError, match="allowed_orgins"):
        Profile.model_validate(
            profile_data(cors={"service": "api", "allowed_orgins": ["https://a.shop.test"], "allowed_origins": ["https://a.shop.test"]})
        )


@pytest.mark.parametrize(
    "origin",
    ["*", "https://admin.shop.test/", "https://admin.shop.test/app", "admin.shop.test"],
    ids=["wildcard", "trailing-slash", "path", "no-scheme"],
)
def test_cors_allowed_origins_must_be_origins(profile_data, origin):
    cors = {"service": "api", "allowed_origins": ["https://pos.shop.test", origin]}

    with pytest.raises(ValidationError, match="is not an origin like https://app.example.com"):
        Profile.model_validate(profile_data(cors=cors))


@pytest.mark.parametrize("origin", ["https://admin.shop.test", "http://localhost:8799", "https://pos.shop.test:8443"])
def test_cors_accepts_scheme_host_and_port_origins(profile_data, origin):
    profile = Profile.model_validate(profile_data(cors={"service": "api", "allowed_origins": [origin]}))

    assert profile.cors.allowed_origins == [origin]


def test_cors_allow_list_must_not_be_empty(profile_data):
    with pytest.raises(ValidationError):
        Profile.model_validate(profile_data(cors={"service": "api", "allowed_origins": []}))


def test_false_section_means_absent_and_makes_checks_not_applicable(profile_data):
    profile = Profile.model_validate(profile_data(auth=False, cors=False))

    assert profile.auth is False
    assert profile.cors is False
    with pytest.raises(NotApplicable, match="not applicable: the profile says this system has no CORS policy"):
        required(profile.cors, "CORS policy")


def test_missing_section_means_unknown_and_makes_checks_unverified(profile_data):
    profile = Profile.model_validate(profile_data(auth=None, cors=None))

    assert profile.auth is None
    assert profile.cors is None
    with pytest.raises(Unverified, match="unverified: the profile does not give CORS policy"):
        required(profile.cors, "CORS policy")


def test_present_section_is_returned_by_required(profile_data):
    profile = Profile.model_validate(profile_data())

    assert required(profile.cors, "CORS policy") is profile.cors


def test_health_paths_distinguish_false_from_missing(profile_data):
    services = [
        {"name": "api", "base_url": "https://api.shop.test", "health": {"live": "/health/live", "db": False}},
    ]
    health = Profile.model_validate(profile_data(services=services)).service("api").health

    assert health.db is False
    assert health.ready is None
    assert health.budget_ms == 800
    with pytest.raises(NotApplicable):
        required(health.db, "database health endpoint")
    with pytest.raises(Unverified):
        required(health.ready, "readiness endpoint")



def test_inventory_section_names_a_known_service_and_role():
    base = {"name": "shop", "services": [{"name": "api", "base_url": "https://api.example.test"}],
            "auth": {"login": {"service": "api", "path": "/login"}, "roles": {"ops": {"username": "o", "password": "p"}}}}
    section = {"service": "api", "entities_path": "/e", "products_path": "/p", "batches_path": "/b", "role": "ops"}
    assert Profile.model_validate({**base, "inventory": section}).inventory.role == "ops"  # type: ignore[union-attr]
    assert Profile.model_validate({**base, "inventory": False}).inventory is False
    for wrong in ({"service": "web"}, {"role": "cashier"}):
        with pytest.raises(ValidationError, match="inventory"):
            Profile.model_validate({**base, "inventory": {**section, **wrong}})


def test_owned_object_actions_are_post_sub_paths_of_the_item():
    base = {"name": "shop", "services": [{"name": "api", "base_url": "https://api.example.test"}],
            "auth": {"login": {"service": "api", "path": "/login"},
                     "roles": {"a": {"username": "a", "password": "p"}, "b": {"username": "b", "password": "p"}}}}
    owned = {"name": "orders", "service": "api", "list_path": "/orders", "item_path": "/orders/{id}",
             "owner_role": "a", "other_role": "b"}
    plain = Profile.model_validate({**base, "authorization": {"objects": [owned]}})
    assert plain.authorization.objects[0].actions == []  # type: ignore[union-attr]
    with_actions = Profile.model_validate({**base, "authorization": {"objects": [{**owned, "actions": ["/cancel"]}]}})
    assert with_actions.authorization.objects[0].actions == ["/cancel"]  # type: ignore[union-attr]
    for wrong in (["cancel"], ["/{id}/cancel"]):
        with pytest.raises(ValidationError, match="actions"):
            Profile.model_validate({**base, "authorization": {"objects": [{**owned, "actions": wrong}]}})
