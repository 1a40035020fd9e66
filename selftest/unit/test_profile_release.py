"""The release, gateway and tracing profile sections."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile import Profile


def test_release_section_defaults(profile_data):
    data = profile_data()
    data["release"] = {"version": "2026.11.3"}
    release = Profile.model_validate(data).release
    assert (release.version_field, release.commit_field, release.polls, release.poll_interval_s) == \
        ("version", "commit", 10, 0.0)
    assert release.services is None and release.migrations is None and release.frontends is None


@pytest.mark.parametrize("section, value, message", [
    ("release", {"version": "1.0.0", "services": ["api", "billing"]}, "release.services\\[1\\]"),
    ("gateway", {"base_url": "https://api.shop.test", "routes": {"billing": "/billing/health"}}, "gateway.routes\\[billing\\]"),
])
def test_sections_must_name_known_services(profile_data, section, value, message):
    data = profile_data()
    data[section] = value
    with pytest.raises(ValidationError, match=message):
        Profile.model_validate(data)


def test_release_rejects_an_empty_version_and_absurd_polls(profile_data):
    for release in ({"version": ""}, {"version": "1.0.0", "polls": 0}, {"version": "1.0.0", "polls": 1000}):
        data = profile_data()
        data["release"] = release
        with pytest.raises(ValidationError):
            Profile.model_validate(data)


def test_tracing_needs_a_chain_of_two(profile_data):
    data = profile_data()
    data["tracing"] = {"entry_url": "https://api.shop.test/x", "chain": ["gateway"],
                       "xray": {"region": "ap-south-1", "access_key_id": "AKIA", "secret_access_key": "s"}}
    with pytest.raises(ValidationError):
        Profile.model_validate(data)
    data["tracing"]["chain"] = ["gateway", "order"]
    assert Profile.model_validate(data).tracing.xray.wait_s == 30.0
