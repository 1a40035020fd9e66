"""The observability and performance profile sections: what they accept and what they refuse."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile_observability import AlertTopic, ErrorRate, Load, Observability, Performance

TOPIC = {"publish_url": "u", "subscriptions_url": "u", "token": "t", "required_protocols": ["email", "slack"],
         "readback_urls": {"email": "u", "slack": "u"}}


def test_deployed_at_is_a_zoned_iso_time_or_window():
    assert ErrorRate(deployed_at="2026-11-21T08:00:00Z").deployed_at == "2026-11-21T08:00:00Z"
    assert ErrorRate(deployed_at="window").deployed_at is None
    for bad in ("yesterday", "2026-11-21T08:00:00"):
        with pytest.raises(ValidationError):
            ErrorRate(deployed_at=bad)


def test_every_required_protocol_needs_a_readback():
    assert AlertTopic(**TOPIC).required_protocols == ["email", "slack"]
    with pytest.raises(ValidationError, match="readback_urls lacks"):
        AlertTopic(**{**TOPIC, "readback_urls": {"slack": "u"}})


def test_load_levels_stay_under_the_ceiling():
    assert Load(levels=["100", "500"], ceiling_users=500).levels == [100, 500]  # env references arrive as text
    with pytest.raises(ValidationError, match="exceed ceiling_users"):
        Load(levels=[100, 1000], ceiling_users=500)
    with pytest.raises(ValidationError, match="exceed ceiling_users"):
        Load(levels=[10], stress_max=2000, ceiling_users=500)


def test_parts_may_be_absent_on_their_own():
    section = Observability(alert_topic=False)
    assert section.alert_topic is False and section.error_tracking is None
    with pytest.raises(ValidationError):
        Performance(key_endpoints=[], thresholds={"p95_ms": 500})
