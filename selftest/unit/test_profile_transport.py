"""The transport, cookie, rate-limit, exposure, secrets and runtime-config profile sections."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.outcomes import NotApplicable, Unverified, required
from golive.profile import Profile


def test_sections_have_documented_defaults(profile_data):
    data = profile_data()
    data["transport"] = {"https_url": "https://api.shop.test", "http_url": "http://api.shop.test"}
    data["exposure"] = {"service": "api"}
    data["rate_limits"] = [{"service": "api", "path": "/api/search", "limit": 10, "window_s": 60}]
    profile = Profile.model_validate(data)
    assert profile.transport.min_days_to_expiry == 21
    assert profile.transport.hsts_min_age == 31_536_000
    assert profile.transport.paths == ["/"]
    assert ("admin", "admin") in profile.exposure.default_credentials
    assert profile.exposure.api_docs_allowed is None  # decided by the env kind
    assert profile.rate_limits[0].method == "GET" and profile.rate_limits[0].recovery_slack_s == 2.0


@pytest.mark.parametrize("section, value, message", [
    ("rate_limits", [{"service": "search", "path": "/q", "limit": 5, "window_s": 1}], "rate_limits\\[/q\\].service"),
    ("exposure", {"service": "web"}, "exposure.service"),
    ("runtime_config", {"service": "ops", "path": "/config"}, "runtime_config.service"),
])
def test_sections_naming_unknown_services_are_rejected(profile_data, section, value, message):
    data = profile_data()
    data[section] = value
    with pytest.raises(ValidationError, match=message):
        Profile.model_validate(data)


def test_rate_limit_bursts_stay_small(profile_data):
    data = profile_data()
    data["rate_limits"] = [{"service": "api", "path": "/q", "limit": 1000, "window_s": 60}]
    with pytest.raises(ValidationError, match="less than or equal to 60"):
        Profile.model_validate(data)


def test_false_means_absent_and_missing_means_unknown(profile_data):
    data = profile_data()
    data["transport"] = False
    profile = Profile.model_validate(data)
    with pytest.raises(NotApplicable):
        required(profile.transport, "HTTPS endpoint")
    with pytest.raises(Unverified):
        required(profile.secrets_scan, "repository")
