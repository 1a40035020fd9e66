"""A WhatsApp bot golive converses with: the ``webhooks:`` entry Meta delivers its inbound
messages to (signed with the app secret) and the internal outbox of the replies it sent through
the Cloud API. Used by the marketplace's ``bot:`` (RealServ's NotificationService)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from golive.profile_tracker import ServiceToken


class WhatsAppBot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    webhook: str = Field(
        description="the name of a webhooks[] entry with scheme meta (its service receives the messages)"
    )
    outbox: ServiceToken = Field(
        description="the messages the bot sent through the Cloud API: GET ?to=<phone>&after=<seq> -> {\"data\": "
                    "[...]}"
    )
    test_phone_prefix: str = Field(default="+91999", pattern=r"^\+[1-9]\d{1,8}$",
        description="test conversations use numbers with this prefix (plus random digits): never a real "
                    "customer's")
