"""The profile's ``marketplace`` section: how golive drives a buyer/vendor marketplace's flows
(RealServ: Firebase sign-up, vendor KYC, catalog, orders, Razorpay checkout, notifications)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from golive.profile_payment_window import LivePaymentWindow
from golive.profile_whatsapp_bot import WhatsAppBot


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarketplaceServices(_Strict):
    """Profile service names of each part of the marketplace."""

    identity: str
    vendor: str
    catalog: str
    order: str
    payment: str
    notification: str
    integration: str | None = Field(
        default=None,
        description="IntegrationService (partner webhook subscriptions): the records check round-trips one there "
                    "too")


class Checkout(LivePaymentWindow):
    """How a test order is paid: with a test key, the checkout's callback signed with the Razorpay key
    secret; with a live key (rzp_live_), a person pays a Razorpay payment link golive shows (with a QR
    code) and golive proves the chain from capture to refund (integrations.razorpay is the account)."""

    key_id: str
    key_secret: str
    notification_channels: list[str] = Field(default_factory=lambda: ["email", "whatsapp"], min_length=1,
        description="what a buyer is told about a paid order, channel by channel")


class Marketplace(_Strict):
    adapter: Literal["realserv"] = Field(
        default="realserv",
        description="the API dialect golive/adapters/marketplace.py speaks (RealServ's services); one so far")
    services: MarketplaceServices
    signup_path: str = Field(
        description="the sign-up endpoint new buyers use: a path on the auth login service (Firebase "
                    "accounts:signUp)"
    )
    admin_role: str
    customer_role: str
    vendor_role: str = Field(
        description="an approved vendor of the profile's own accounts: lists the Rs 1 test product"
    )
    test_email_domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$",
        description="tagged test accounts are created under this domain (golive+<tag>@domain) and deleted "
                    "afterwards")
    checkout: Checkout
    bot: WhatsAppBot | Literal[False] | None = Field(
        default=None,
        description="the buyers' WhatsApp bot (order tracking): where its messages arrive and its replies are "
                    "kept")

    def service_names(self) -> list[str]:
        return [name for name in self.services.model_dump().values() if name]
