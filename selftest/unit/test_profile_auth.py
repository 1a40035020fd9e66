"""Profile sections of the authentication and authorization checks validate their references."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile import Profile

BASE = {
    "name": "t",
    "services": [{"name": "api", "base_url": "https://api.example.com"}],
    "auth": {
        "login": {"service": "api", "path": "/login"},
        "roles": {"admin": {"username": "a", "password": "p"}, "user": {"username": "u", "password": "p"},
                  "user2": {"username": "u2", "password": "p"}},
    },
}


def profile(**changes) -> Profile:  # type: ignore[no-untyped-def]
    data = {**BASE, **changes}
    return Profile.model_validate(data)


def test_full_sections_load():
    loaded = profile(
        auth={**BASE["auth"], "mfa": {"roles": ["admin"], "path": "/otp", "totp_secrets": {"admin": "JBSWY3DPEHPK3PXP"}},
              "refresh": {"path": "/refresh"}, "login_rate_limit": {"burst": 10}, "signing_key": "k"},
        authorization={"objects": [{"name": "orders", "service": "api", "list_path": "/orders",
                                    "item_path": "/orders/{id}", "owner_role": "user", "other_role": "user2",
                                    "patch": {"note": "x"}}],
                       "profile_update": {"service": "api", "path": "/me", "role": "user"}},
        service_endpoints=[{"service": "api", "path": "/internal/x", "credential": "s"}],
    )
    assert loaded.auth and loaded.auth.mfa and loaded.auth.mfa.max_attempts == 5
    assert loaded.authorization and loaded.authorization.privileged_fields["role"] == "admin"
    assert "password_hash" in loaded.authorization.sensitive_fields


@pytest.mark.parametrize(("changes", "message"), [
    ({"auth": {**BASE["auth"], "mfa": {"roles": ["root"], "path": "/otp"}}}, "auth.mfa.roles names unknown roles"),
    ({"authorization": {"objects": [{"name": "o", "service": "api", "list_path": "/o", "item_path": "/o/{id}",
                                     "owner_role": "user", "other_role": "ghost"}]}}, "unknown roles"),
    ({"authorization": {"objects": [{"name": "o", "service": "nope", "list_path": "/o", "item_path": "/o/{id}",
                                     "owner_role": "user", "other_role": "user2"}]}}, "names service 'nope'"),
    ({"service_endpoints": [{"service": "nope", "path": "/internal", "credential": "s"}]}, "names service 'nope'"),
])
def test_bad_references_are_refused(changes, message):
    with pytest.raises(ValidationError, match=message):
        profile(**changes)


def test_absent_features_say_false():
    loaded = profile(authorization=False, service_endpoints=False,
                     auth={**BASE["auth"], "mfa": False, "refresh": False, "login_rate_limit": False})
    assert loaded.authorization is False and loaded.service_endpoints is False


ORDERS = {"name": "orders", "service": "api", "list_path": "/orders", "item_path": "/orders/{id}",
          "owner_role": "user", "other_role": "user2"}


def test_owned_objects_locate_entries_and_ids_by_json_path():
    loaded = profile(authorization={"objects": [{**ORDERS, "items": "$.data[*]", "id": "$.uuid",
                                                 "update": {"note": "x"}, "update_method": "PUT"}]})
    [owned] = loaded.authorization.objects
    assert (owned.items, owned.id, owned.update, owned.update_method) == ("$.data[*]", "$.uuid", {"note": "x"}, "PUT")
    defaults = profile(authorization={"objects": [ORDERS]}).authorization.objects[0]
    assert (defaults.items, defaults.id, defaults.update, defaults.update_method) == (None, "$.id", False, "PATCH")
    # "patch" is the update's older name and still loads
    assert profile(authorization={"objects": [{**ORDERS, "patch": {"note": "y"}}]}).authorization.objects[0].update \
        == {"note": "y"}


@pytest.mark.parametrize(("owned", "message"), [
    ({**ORDERS, "items": "$.data["}, "is not a JSONPath"),
    ({**ORDERS, "id": "$.a b"}, "is not a JSONPath"),
    ({**ORDERS, "item_path": "/orders/1"}, "needs the {id} placeholder"),
    ({**ORDERS, "update_method": "DELETE"}, "update_method"),
])
def test_owned_object_mistakes_are_refused(owned, message):
    with pytest.raises(ValidationError, match=message):
        profile(authorization={"objects": [owned]})


def test_sensitive_fields_edit_the_default_or_replace_it():
    edited = profile(authorization={"sensitive_fields": {"add": ["ssn"], "remove": ["secret", "API_KEY"]}})
    names = edited.authorization.sensitive_fields
    assert "ssn" in names and "password_hash" in names and "secret" not in names and "api_key" not in names
    assert profile(authorization={"sensitive_fields": ["pin"]}).authorization.sensitive_fields == ["pin"]
    with pytest.raises(ValidationError, match="the default does not have"):
        profile(authorization={"sensitive_fields": {"remove": ["pin"]}})
    with pytest.raises(ValidationError, match="sensitive_fields.SensitiveFieldEdits.drop"):
        profile(authorization={"sensitive_fields": {"drop": ["secret"]}})


def test_refusal_policy_per_kind_or_one_status_for_all():
    both = profile(authorization={"refusal_status": 404}).authorization.refusal_status
    assert (both.forbidden_role, both.foreign_object) == (404, 404)
    split = profile(authorization={"refusal_status": {"forbidden_role": 403}}).authorization.refusal_status
    assert (split.forbidden_role, split.foreign_object) == (403, None)
    with pytest.raises(ValidationError):
        profile(authorization={"refusal_status": 400})


def test_owned_objects_and_sample_bodies_say_false_or_give_one():
    loaded = profile(authorization={"objects": False, "profile_update": {
        "service": "api", "path": "/users/me", "read_path": "/users/me/profile", "method": "PUT", "role": "user",
        "sample": {"display_name": "Asha"}}})
    assert loaded.authorization.objects is False and loaded.authorization.owned == []
    assert loaded.authorization.profile_update.sample == {"display_name": "Asha"}
