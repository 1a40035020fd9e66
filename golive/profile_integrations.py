"""The profile's ``integrations`` section: which providers the system uses, where their APIs are,
the credentials the deployment holds (env refs) and the mode each must run in.

A provider set to ``false`` is not used (its checks are not applicable); a provider left out is
not said (its checks are unverified). ``base_url`` points at the real provider in staging and
production and at the sandbox's emulator (``${SANDBOX_URL}/_emulators/<provider>/...``) locally.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from golive.profile_payment_window import LivePaymentWindow

Mode = Literal["live", "test"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provider(Strict):
    base_url: HttpUrl
    mode: Mode | None = Field(
        default=None,
        description="the mode the credentials must be in; unset: live in production, test elsewhere")

    def url(self, path: str) -> str:
        return str(self.base_url).rstrip("/") + "/" + path.lstrip("/")


class Razorpay(Provider):
    """``base_url`` like https://api.razorpay.com/v1."""

    key_id: str
    key_secret: str
    amount: int = Field(default=100, ge=100,
        description="the controlled payment: Rs 1 by default (Razorpay's minimum)")
    currency: str = "INR"
    simulate_payment: bool = Field(
        default=True,
        description="test mode: golive pays its own order through the S2S payments/create/json call")


class TwilioVerify(Provider):
    """``base_url`` like https://verify.twilio.com/v2."""

    account_sid: str
    auth_token: str
    service_sid: str
    test_number: str = Field(
        description="a number whose code is known (a test number with a fixed code): sends never reach a person"
    )
    test_code: str | None = None
    channel: Literal["sms", "call", "email", "whatsapp"] = "sms"


class SendGrid(Provider):
    """``base_url`` like https://api.sendgrid.com/v3."""

    api_key: str
    from_email: str
    to_email: str = Field(description="a mailbox the release team owns: the check sends it one transactional mail")


class WhatsApp(Provider):
    """``base_url`` like https://graph.facebook.com."""

    api_version: str = "v21.0"
    access_token: str
    phone_number_id: str
    business_number: str = Field(
        description="the production business number the phone-number id must resolve to (any formatting)"
    )
    test_recipient: str = Field(description="the team's test recipient for the send check")


class Shiprocket(Provider):
    """``base_url`` like https://apiv2.shiprocket.in/v1/external (no sandbox: orders are cancelled)."""

    email: str
    password: str
    pickup_location: str
    pincode: str = "560001"


class Maps(Provider):
    """``base_url`` like https://maps.googleapis.com."""

    api_key: str
    address: str = Field(description="a known address and where it is")
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    tolerance_km: float = Field(default=2.0, gt=0)


class FirebaseOtherProject(Strict):
    """A second Firebase project (e.g. the team's dev project) and an account in it: its ID tokens
    are signed with the same Google keys as production's, only iss/aud differ."""

    sign_in_url: HttpUrl = Field(
        description="the project's email/password sign-in, with its Web API key: "
                    "https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=..."
    )
    email: str
    password: str


class Firebase(Strict):
    """Firebase Authentication: the production project the ID tokens must belong to."""

    project_id: str
    other_project: FirebaseOtherProject | None = None

    @property
    def issuer(self) -> str:
        return f"https://securetoken.google.com/{self.project_id}"


class Checkout(LivePaymentWindow):
    """The system's own Razorpay checkout: the server creates the order, verifies the checkout
    callback, records payment and invoice, refunds. Paths take ``{order_id}`` (the system's id).
    With a live key (rzp_live_) a person pays a payment link for the order (the window fields)."""

    service: str
    role: str
    create_path: str = Field(description="POST {amount, receipt} -> {id, razorpay_order_id, ...}")
    status_path: str = Field(description="GET -> {status, payments: [...], invoices: [...], webhook_events: "
                             "[{id, event, received_at}] (the Razorpay events applied: a live payment's only news)}")
    verify_path: str = Field(description="POST {razorpay_order_id, razorpay_payment_id, razorpay_signature}")
    refund_path: str = Field(description="POST -> the refunded order")
    cancel_path: str | None = Field(default=None,
        description="POST -> the order settled: an unpaid one cancelled, a paid one refunded (golive's undo of "
                    "its test order, and the order nobody paid with a live key)")
    paid_status: str = "paid"
    refunded_status: str = "refunded"


#: the providers golive calls with the deployment's credentials (INT-PROVIDERS-001 covers each)
PROVIDERS = ("razorpay", "twilio", "sendgrid", "whatsapp", "shiprocket", "maps")


class Integrations(Strict):
    razorpay: Razorpay | Literal[False] | None = None
    twilio: TwilioVerify | Literal[False] | None = None
    sendgrid: SendGrid | Literal[False] | None = None
    whatsapp: WhatsApp | Literal[False] | None = None
    shiprocket: Shiprocket | Literal[False] | None = None
    maps: Maps | Literal[False] | None = None
    firebase: Firebase | Literal[False] | None = None
    checkout: Checkout | Literal[False] | None = None

    def declared(self) -> dict[str, Provider]:
        """The providers the profile says are in use."""
        return {name: value for name in type(self).model_fields if isinstance(value := getattr(self, name), Provider)}

    def unsaid(self) -> list[str]:
        return [name for name in PROVIDERS if getattr(self, name) is None]
