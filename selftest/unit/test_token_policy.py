"""Token policy: ``refresh_days: false`` says the issuer's refresh tokens never expire (Firebase)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile import Profile


def test_refresh_days_false_means_refresh_tokens_never_expire(profile_data):
    data = profile_data()
    data["auth"]["token_policy"] = {"access_minutes": 60, "refresh_days": False}

    policy = Profile.model_validate(data).auth.token_policy

    assert policy.refresh_days is False
    assert policy.access_minutes == 60


@pytest.mark.parametrize("value", [True, "never", 0])
def test_refresh_days_is_a_positive_day_count_or_false(profile_data, value):
    data = profile_data()
    data["auth"]["token_policy"] = {"refresh_days": value}

    if value == 0:
        # zero days is a (strange) number, not "never": it stays an int the lifetime check compares
        assert Profile.model_validate(data).auth.token_policy.refresh_days == 0
        return
    with pytest.raises(ValidationError):
        Profile.model_validate(data)
