"""RealServ's WhatsApp bot (NotificationService): buyers message the business number and the bot
answers from the marketplace's orders.

Meta delivers each inbound message to ``POST /notification/api/webhooks/whatsapp``; once its
X-Hub-Signature-256 is verified (sandbox/routes/flavor_payments.py ``whatsapp_router``) the text
messages are handed to :func:`answer_delivery`. Replies are what the service POSTs to the Cloud
API's ``/{PHONE_NUMBER_ID}/messages``; the sandbox keeps them in an outbox the operations team
reads with the internal token (``GET /notification/api/internal/whatsapp/outbox?to=&after=``).

Conversation: ``hi``/``hello``/``menu`` -> the menu; ``track <order id>`` -> that order's status;
``help`` or anything else -> help. Orders carry no phone number in this marketplace, so the bot
answers ``track`` with the order's id and status only (no buyer, items or amounts): the id alone
is what the buyer's confirmation message shows them.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base
from sandbox.faults import ActiveFaults
from sandbox.marketplace import MarketOrder
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: the env var holding the token the operations team reads the outbox with
OUTBOX_TOKEN_ENV = "SANDBOX_REALSERV_INTERNAL_TOKEN"
GREETINGS = frozenset({"hi", "hello", "hey", "menu", "start"})
MENU = ("Welcome to RealServ! Reply with:\n1. track <order id> - the status of your order\n"
        "2. help - what this chat can do")
HELP = "RealServ help: send 'track <order id>' (for example: track 1042) or 'menu' to see the options."
_ORDER_ID = re.compile(r"^#?(\d{1,12})$")


class RealservWhatsAppOutbox(Base):
    """Every reply the bot sent through the WhatsApp Cloud API (the sandbox's stand-in for delivery)."""

    __tablename__ = "realserv_whatsapp_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    to_phone: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(String(1024))
    wamid: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[int] = mapped_column(Integer)

    def as_cloud_message(self) -> dict[str, Any]:
        """The body POSTed to /{PHONE_NUMBER_ID}/messages, with the message id Meta answered."""
        return {"seq": self.id, "id": self.wamid, "messaging_product": "whatsapp", "to": self.to_phone,
                "type": "text", "text": {"body": self.body}, "timestamp": self.sent_at}


def send(session: Session, to: str, body: str) -> None:
    session.add(RealservWhatsAppOutbox(to_phone=to[:20], body=body[:1024], wamid=f"wamid.{secrets.token_hex(12)}",
                                       sent_at=int(time.time())))


def order_status_reply(session: Session, argument: str) -> str:
    match = _ORDER_ID.match(argument.strip())
    if match is None:
        return "Please send the order id after 'track', for example: track 1042"
    order = session.get(MarketOrder, int(match.group(1)))
    if order is None:
        return f"We could not find order #{match.group(1)}. Check the id in your order confirmation."
    return f"Order #{order.id} status: {order.status}"


def reply_to(session: Session, faults: ActiveFaults, phone: str, text: str) -> None:
    """Answer one text message from ``phone``."""
    command, _, argument = text.strip().partition(" ")
    command = command.lower().strip("!.?")
    if command in GREETINGS:
        # the defect: the greeting intent only matches the template button's payload ("MENU"),
        # so a typed "hi" opens no conversation and gets no answer at all
        if faults.active("whatsapp_bot_menu_unanswered") and text.strip() != "MENU":
            return
        send(session, phone, MENU)
    elif command == "track":
        send(session, phone, order_status_reply(session, argument))
    else:
        send(session, phone, HELP)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text_messages(payload: Any) -> list[tuple[str, str]]:
    """``(sender phone, text)`` of every text message in a Cloud API webhook delivery."""
    if not isinstance(payload, dict):
        return []
    found: list[tuple[str, str]] = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            for message in _dicts(value.get("messages")):
                text = message.get("text") if isinstance(message.get("text"), dict) else {}
                body, sender = text.get("body"), str(message.get("from") or "")
                if message.get("type") == "text" and isinstance(body, str) and sender.isdigit():
                    found.append(("+" + sender, body))
    return found


def answer_delivery(request: Request, raw: bytes, faults: ActiveFaults) -> None:
    """Called by the webhook once the delivery's signature is verified."""
    try:
        payload = json.loads(raw)
    except ValueError:
        return
    messages = text_messages(payload)
    if not messages:
        return
    with state_of(request).db.session() as session:
        for phone, text in messages:
            reply_to(session, faults, phone, text)


def outbox_router(settings: Settings, *, prefix: str = "/notification") -> APIRouter:
    """``GET {prefix}/api/internal/whatsapp/outbox?to=&after=``: what the bot sent, for operations."""
    router = APIRouter(prefix=prefix, tags=["realserv: whatsapp bot"])

    @router.get("/api/internal/whatsapp/outbox")
    def outbox(request: Request, to: str, after: int = 0) -> JSONResponse:
        expected = settings.feature_env.get(OUTBOX_TOKEN_ENV, "")
        presented = request.headers.get("x-internal-token", "")
        if not expected or not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
            return JSONResponse({"detail": "internal token required"}, status_code=401)
        with state_of(request).db.session() as session:
            rows = session.scalars(select(RealservWhatsAppOutbox).where(
                RealservWhatsAppOutbox.to_phone == to, RealservWhatsAppOutbox.id > after)
                .order_by(RealservWhatsAppOutbox.id)).all()
            return JSONResponse({"data": [row.as_cloud_message() for row in rows]})

    return router
