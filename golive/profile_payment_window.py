"""How long golive waits on a person paying the live Rs 1 payment link, and on each later link of
the chain: shared by every checkout a profile names (the marketplace's, the shop's own)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LivePaymentWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    payment_window_s: float = Field(default=600, gt=0, le=3600,
        description="live key: how long golive waits for a person to pay the Rs 1 payment link "
                    "(--payment-window overrides it); nobody paying leaves the payment unverified, the order "
                    "and the link cancelled")
    settle_s: float = Field(default=60, gt=0, le=600,
        description="live key: how long each later link of the chain may take to show (capture at Razorpay, the "
                    "webhook processed, the refund and its refund.processed event)")
    poll_interval_s: float = Field(default=2, gt=0, le=60,
        description="how often golive reads the link, the payment and the order while it waits")
