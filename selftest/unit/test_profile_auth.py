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
