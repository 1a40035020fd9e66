"""Talking to a WhatsApp bot the way the WhatsApp Cloud API does: correctly signed webhook
deliveries in, the replies read back from the bot's outbox. Shared by the tracker's flows
(fixtures/tracker.py) and the marketplace's bot (fixtures/marketplace.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from golive import expect
from golive.http import HttpClient
from golive.outcomes import required
from golive.probes import signatures
from golive.probes.tracker import inbound_text, reply_texts
from golive.profile import Profile
from golive.profile_inputs import Webhook
from golive.profile_tracker import ServiceToken


def webhook_named(profile: Profile, name: str, scheme: str) -> Webhook:
    """The profile's ``webhooks:`` entry ``name`` of ``scheme`` (unverified when there is none)."""
    hooks = [hook for hook in profile.webhooks or [] if hook.name == name and hook.scheme == scheme]
    return required(hooks[0] if hooks else None, f"a {scheme} webhook named {name!r} in webhooks")


class WhatsAppBotDriver:
    """Sends what WhatsApp would send to ``webhook``, reads what the bot answered in ``outbox``."""

    def __init__(self, http: HttpClient, url: Callable[[str], str], webhook: Webhook, outbox: ServiceToken,
                 test_phone_prefix: str) -> None:
        self.http, self.url, self.whatsapp, self.outbox = http, url, webhook, outbox
        self.test_phone_prefix = test_phone_prefix
        self.seen: dict[str, int] = {}  # phone -> the last outbox sequence read

    def internal(self, endpoint: ServiceToken, *, intent: str | None = None, **params: Any) -> Any:
        """A call to an internal endpoint with its token (the genuine caller)."""
        return self.http.request(endpoint.method, self.url(endpoint.path), params={**endpoint.params, **params},
                                 headers={endpoint.header: endpoint.token}, intent=intent)

    def post_delivery(self, body: bytes, *, expect_rate_limit: bool = False) -> Any:
        """A correctly signed Cloud API delivery; the bot's answer, whatever it is (``expect_rate_limit``:
        a 429 is the answer the check wants to see, not an environment problem)."""
        url = self.url(self.whatsapp.path)
        headers, sent = signatures.signed_request("meta", self.whatsapp.secret, body, url=url)
        return self.http.post(url, content=sent, headers={**headers, "Content-Type": "application/json"},
                              intent="write", expect_rate_limit=expect_rate_limit)

    def deliver(self, body: bytes) -> Any:
        response = self.post_delivery(body)
        expect.status(response, 200, "the bot refuses a correctly signed WhatsApp delivery",
                      fix="verify X-Hub-Signature-256 over the raw body with WHATSAPP_APP_SECRET")
        return response

    def replies(self, phone: str) -> list[str]:
        """Messages sent to ``phone`` since the last read (what the Cloud API received)."""
        response = self.internal(self.outbox, to=phone, after=self.seen.get(phone, 0))
        expect.status(response, 200, "the WhatsApp outbox cannot be read", fix="fix the outbox path and its token")
        messages = expect.json_body(response, "the outbox").get("data", [])
        if messages:
            self.seen[phone] = max(int(message.get("seq", 0)) for message in messages)
        return reply_texts(messages)

    def say(self, phone: str, text: str, *, name: str = "golive") -> list[str]:
        """``text`` from ``phone``; the bot's replies to that phone."""
        self.replies(phone)  # skip what was sent before
        self.deliver(inbound_text(phone, text, name=name, message_id=f"wamid.golive{secrets.token_hex(10)}"))
        return self.replies(phone)

    def test_phone(self) -> str:
        return self.test_phone_prefix + "".join(str(secrets.randbelow(10)) for _ in range(
            12 - len(self.test_phone_prefix.lstrip("+"))))
