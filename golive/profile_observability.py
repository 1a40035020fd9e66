"""Profile sections for error tracking, alerting, latency and load (``observability:``, ``performance:``).

Each part may be ``false`` on its own (the system has no alert topic, say) or missing (unverified).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorTracking(Strict):
    """Sentry: the DSN the app reports to, and the web API golive reads the project back with."""

    dsn: str = Field(description="{scheme}://{public_key}@{host}[/path]/{project_id} (env reference)")
    api_url: HttpUrl = Field(description="https://sentry.io (or a self-hosted Sentry); the emulator locally")
    auth_token: str = Field(description="env reference; needs event:read")
    org: str
    project: str
    wait_s: float = Field(default=30.0, gt=0, le=300,
        description="how long a sent event may take to become readable through the API")
    poll_interval_s: float = Field(default=1.0, gt=0, le=30)


class ErrorRate(Strict):
    """Error/fatal events since the deploy: at most ``max_events``, and not above the baseline window."""

    deployed_at: str | None = Field(
        default=None,
        description="the deploy time (ISO 8601 with zone, env reference), or \"window\" / missing: the last "
                    "``window_minutes`` count as \"since the deploy\"")
    window_minutes: int = Field(default=30, ge=1, le=24 * 60)
    levels: list[Literal["error", "fatal"]] = Field(default_factory=lambda: ["error", "fatal"], min_length=1)
    max_events: int = Field(default=0, ge=0)
    compare_with_baseline: bool = Field(
        default=True,
        description="compare with the same-length window before the deploy: more events after it is a regression")

    @field_validator("deployed_at")
    @classmethod
    def iso_time_or_window(cls, value: str | None) -> str | None:
        if value is None or value == "window":
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 time like 2026-11-21T08:00:00Z (or 'window')") from None
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone (add Z or +05:30)")
        return value


class ErrorTrigger(Strict):
    """The app's own test-error endpoint (protected by a token): its event must arrive redacted."""

    service: str
    path: str
    header: str = "X-Debug-Token"
    credential: str = Field(description="env reference")
    secret_fields: list[str] = Field(default_factory=lambda: ["password", "token"], min_length=1,
        description="request-body fields whose values must never reach error tracking")


class SlackReadback(Strict):
    """Where golive reads the alert channel back: Slack's conversations.history with a bot token."""

    api_url: HttpUrl = Field(description="https://slack.com/api")
    token: str = Field(description="env reference; needs channels:history")
    channel: str = Field(description="channel id, e.g. C0123ABCD")


class AlertWebhook(Strict):
    webhook_url: str = Field(description="ALERT_WEBHOOK_URL (Slack incoming-webhook shape), env reference")
    readback: SlackReadback
    wait_s: float = Field(default=20.0, gt=0, le=300)


class AlertTopic(Strict):
    """An alarm topic (SNS-style) whose subscriptions must each receive a published alarm."""

    publish_url: str = Field(description="env reference")
    subscriptions_url: str
    token: str = Field(description="env reference")
    required_protocols: list[Literal["email", "slack", "sms", "https"]] = Field(min_length=1)
    readback_urls: dict[str, str] = Field(min_length=1,
        description="where each protocol's deliveries are read back (protocol -> URL listing received messages)")
    wait_s: float = Field(default=20.0, gt=0, le=300)

    @model_validator(mode="after")
    def every_protocol_is_read_back(self) -> "AlertTopic":
        missing = set(self.required_protocols) - set(self.readback_urls)
        if missing:
            raise ValueError(f"alert_topic.readback_urls lacks {sorted(missing)}")
        return self


class Observability(Strict):
    error_tracking: ErrorTracking | Literal[False] | None = None
    error_rate: ErrorRate | Literal[False] | None = None
    error_trigger: ErrorTrigger | Literal[False] | None = None
    alert_webhook: AlertWebhook | Literal[False] | None = None
    alert_topic: AlertTopic | Literal[False] | None = None


class KeyEndpoint(Strict):
    service: str
    path: str


class Thresholds(Strict):
    p50_ms: int | None = Field(default=None, gt=0)
    p95_ms: int = Field(gt=0)
    p99_ms: int | None = Field(default=None, gt=0)
    max_error_rate: float = Field(default=0.01, ge=0, le=1)


class Load(Strict):
    """Locust runs: users per level, spawn rate, duration; stress ramps until the error rate breaks."""

    levels: list[int] = Field(min_length=1, description="concurrent users, e.g. [100, 500, 1000]")
    spawn_rate: float = Field(default=10, gt=0)
    duration_s: int = Field(default=60, ge=1, le=3600)
    normal_users: int | None = Field(default=None, ge=1,
        description="normal load: no errors at all (realserv TEST-LOAD-06)")
    stress_start: int | None = Field(default=None, ge=1,
        description="stress: start, step and ceiling of users; the breaking point must be above "
                    "min_breaking_users")
    stress_step: int | None = Field(default=None, ge=1)
    stress_max: int | None = Field(default=None, ge=1)
    stress_step_s: int = Field(default=10, ge=1)
    min_breaking_users: int | None = Field(default=None, ge=1)
    ceiling_users: int = Field(ge=1,
        description="refuse to generate more than this many users against this target (the production ceiling)")

    @model_validator(mode="after")
    def within_ceiling(self) -> "Load":
        highest = max([*self.levels, self.normal_users or 0, self.stress_max or 0])
        if highest > self.ceiling_users:
            raise ValueError(f"load: {highest} users exceed ceiling_users {self.ceiling_users}")
        return self


class Performance(Strict):
    key_endpoints: list[KeyEndpoint] = Field(min_length=1)
    samples: int = Field(default=20, ge=5, le=500)
    thresholds: Thresholds
    load: Load | Literal[False] | None = None


def observability_service_references(observability: Observability | Literal[False] | None,
                                     performance: Performance | Literal[False] | None) -> list[tuple[str, str]]:
    referenced: list[tuple[str, str]] = []
    if observability and observability.error_trigger:
        referenced.append(("observability.error_trigger.service", observability.error_trigger.service))
    if performance:
        referenced += [(f"performance.key_endpoints[{e.path}].service", e.service) for e in performance.key_endpoints]
    return referenced
