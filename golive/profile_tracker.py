"""Profile section ``tracker:``: how golive drives a WhatsApp tracker (bot, payments, web tracker,
Supabase schema). Secrets are ``${VAR}`` references into the env file.

The WhatsApp and Razorpay webhooks themselves are the profile's ``webhooks:`` entries (named here),
so the generic signature checks and the bot flows use one definition.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceToken(Strict):
    """An internal endpoint and the token it must demand."""

    path: str
    header: str
    token: str = Field(description="env reference")
    method: Literal["GET", "POST"] = "GET"
    params: dict[str, str] = Field(default_factory=dict,
        description="query parameters a genuine call needs (the report's phone, the reminder's kind)")


class Supabase(Strict):
    """The project's REST endpoint (``<SUPABASE_URL>/rest/v1``) and what the migrations create."""

    rest_url: HttpUrl
    service_key: str = Field(description="env reference: SUPABASE_SERVICE_ROLE")
    anon_key: str | None = Field(default=None, description="env reference: the public anon key (RLS probes)")
    migrations: dict[str, dict[str, list[str]]] = Field(min_length=1,
        description="migration file -> table -> the columns it must have, in the runbook's order")
    rls_tables: list[str] = Field(default_factory=list,
        description="tables database_rls_hardening.sql locks down: anon reads no rows and may not write")

    def url(self, path: str) -> str:
        return str(self.rest_url).rstrip("/") + "/" + path.lstrip("/")


class TrackerRateLimits(Strict):
    """Runbook section 3: requests a minute before 429 (false: the deployment sets no such limit)."""

    webhook_per_min: int | Literal[False] | None = Field(default=None, ge=1, le=600,
        description="per WhatsApp sender")
    razorpay_per_min: int | Literal[False] | None = Field(default=None, ge=1, le=600, description="per client")
    writes_per_min: int | Literal[False] | None = Field(default=None, ge=1, le=600, description="per tracker link")


class Tracker(Strict):
    service: str
    whatsapp_webhook: str = Field(description="the name of a webhooks[] entry with scheme meta")
    payment_webhook: str | Literal[False] | None = Field(
        default=None,
        description="a webhooks[] entry with scheme razorpay")
    link: ServiceToken = Field(description="issues a family's signed /mytracker link: GET ?subject=<phone> -> {url}")
    report: ServiceToken = Field(description="GET ?phone=&month= -> application/pdf")
    reminder: ServiceToken = Field(description="POST ?kind=&phone= runs a reminder job for one family")
    outbox: ServiceToken = Field(
        description="the messages the tracker sent through the WhatsApp Cloud API: GET ?to=<phone>&after=<seq>"
    )
    test_phone_prefix: str = Field(default="+91999", pattern=r"^\+[1-9]\d{1,8}$",
        description="test families get numbers with this prefix (plus random digits): never a real family's "
                    "number")
    plans: dict[str, int] = Field(default_factory=lambda: {"go_pro_199": 19_900, "go_pro_499": 49_900}, min_length=1)
    coupon: str | None = Field(default=None, description="a valid coupon code (apply_coupon)")
    supabase: Supabase | Literal[False] | None = None
    rate_limits: TrackerRateLimits | Literal[False] | None = None
    request_id_header: str | Literal[False] | None = Field(
        default=None,
        description="REQUEST_LOGGING=true: every answer carries this header, echoing a caller-supplied id")


def tracker_service_references(tracker: Tracker | Literal[False] | None) -> list[tuple[str, str]]:
    return [("tracker.service", tracker.service)] if tracker else []
