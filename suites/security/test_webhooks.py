"""Webhooks and signed links: forged, replayed and stale requests change nothing.

Negative probes are ``probe`` class: they are built to be refused. The correctly signed payment
event marks an order paid, so it is ``mutating`` and uses an order the check creates and undoes.
"""

import json
import secrets
import time

import pytest

from golive import check, expect, not_applicable, required, unverified
from golive.probes import share_links, signatures
from golive.probes.findings import Finding

ITEMS_SIGNATURES = ["realserv:SEC-WEBHOOK-01", "realserv:SEC-WEBHOOK-02", "whatsapp_tracker:GATE-03",
                    "whatsapp_tracker:SEC-03", "whatsapp_tracker:ENV-06", "whatsapp_tracker:ENV-10",
                    "consolidated:PAY-01"]


@pytest.fixture
def webhooks(profile):
    return required(profile.webhooks, "webhooks (name, scheme, path, secret)")


@pytest.fixture
def payment_webhooks(webhooks):
    hooks = [hook for hook in webhooks if hook.scheme == "razorpay" and hook.orders]
    if not hooks:
        not_applicable("the profile names no Razorpay webhook with payment orders")
    return hooks


def auth_headers(tokens, role):
    return tokens(role).headers("POST") if role else {}


def sample_body(hook, order_id="order_golive0000000", amount=100):
    """A realistic event of the hook's provider; Razorpay's names a real order when given."""
    if hook.scheme == "razorpay":
        return json.dumps({
            "entity": "event", "account_id": "acc_golive", "event": "payment.captured",
            "contains": ["payment"], "created_at": int(time.time()),
            "payload": {"payment": {"entity": {
                "id": f"pay_{secrets.token_hex(7)}", "entity": "payment", "amount": amount, "currency": "INR",
                "status": "captured", "order_id": order_id, "method": "upi", "captured": True}}},
        }).encode()
    if hook.scheme == "meta":
        return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [
                {"id": f"wamid.golive{secrets.token_hex(6)}", "status": "delivered"}]}}]}]}).encode()
    if hook.scheme == "twilio":
        return f"MessageSid=SM{secrets.token_hex(16)}&MessageStatus=delivered&To=%2B919876543210".encode()
    return json.dumps([{"email": "golive@example.com", "event": "delivered", "timestamp": int(time.time()),
                        "sg_event_id": secrets.token_hex(8)}]).encode()


def post_event(http, profile, hook, headers, body, *, intent="probe", event_id=None):
    url = profile.service(hook.service).url(hook.path)
    extra = {"x-razorpay-event-id": event_id} if event_id else {}
    return http.post(url, content=body, headers={**headers, **extra}, intent=intent)


def order_state(http, profile, hook, tokens, order_id):
    orders = hook.orders
    url = profile.service(hook.service).url(orders.status_path.replace("{order_id}", order_id))
    response = http.get(url, headers=auth_headers(tokens, orders.role))
    expect.status(response, 200, f"order {order_id} cannot be read", fix="fix webhooks[].orders.status_path")
    return expect.json_body(response, f"order {order_id}")


@pytest.fixture
def test_order(http, profile, payment_webhooks, tokens):
    """A dedicated pending order per payment webhook; deleted (cancelled) after the check."""
    created = []

    def make(hook):
        orders = hook.orders
        url = profile.service(hook.service).url(orders.create_path)
        response = http.post(url, json={"amount": orders.amount, "currency": "INR", "receipt": "golive-test-order"},
                             headers=auth_headers(tokens, orders.role))
        expect.status(response, {200, 201}, "a test order cannot be created", fix="fix webhooks[].orders.create_path")
        order = expect.json_body(response, "the created order")
        created.append((hook, order["id"]))
        return order

    yield make
    for hook, order_id in created:
        if hook.orders.cancel_path:
            url = profile.service(hook.service).url(hook.orders.cancel_path.replace("{order_id}", order_id))
            http.delete(url, headers=auth_headers(tokens, hook.orders.role))


# --- forged and stale signatures ----------------------------------------------------------------

@check("SEC-WEBHOOK-001", "Every webhook refuses missing, wrong, tampered, foreign-secret and stale signatures",
       critical=True, safety="probe", items=ITEMS_SIGNATURES)
def test_webhooks_refuse_bad_signatures(profile, webhooks, http):
    findings = []
    for hook in webhooks:
        url = profile.service(hook.service).url(hook.path)
        body = sample_body(hook)
        for variant in signatures.negatives_for(hook.scheme):
            headers, sent = signatures.negative_request(hook.scheme, variant, hook.secret, body, url=url)
            response = post_event(http, profile, hook, headers, sent)
            findings += [Finding(f.name, f"{hook.name}: {f.expected}", f"{f.found} ({expect.where(response)})",
                                     f.fix) for f in signatures.evaluate_webhook_response(hook.scheme, variant,
                                                                                         response.status_code)]
    expect.no_findings(findings, "webhook accepts bad signatures", where=", ".join(h.path for h in webhooks))


@check("SEC-WEBHOOK-002", "A forged payment.captured is refused and the pending order stays unpaid",
       critical=True, safety="probe", items=["realserv:SEC-WEBHOOK-01", "whatsapp_tracker:SEC-03",
                                             "whatsapp_tracker:GATE-03"])
def test_forged_payment_changes_nothing(profile, payment_webhooks, http, tokens):
    for hook in payment_webhooks:
        order_id = required(hook.orders.probe_order_id, f"a pending order to aim forged events at ({hook.name})")
        before = order_state(http, profile, hook, tokens, order_id)
        expect.true(before.get("status") != hook.orders.paid_status, f"probe order {order_id} is already paid",
                    expected="a pending (unpaid) order", found=f"status {before.get('status')}",
                    where=hook.orders.status_path, fix="name a pending order in webhooks[].orders.probe_order_id")
        url = profile.service(hook.service).url(hook.path)
        body = sample_body(hook, order_id=order_id, amount=before.get("amount", hook.orders.amount))
        findings = []
        for variant in signatures.negatives_for(hook.scheme):
            headers, sent = signatures.negative_request(hook.scheme, variant, hook.secret, body, url=url)
            response = post_event(http, profile, hook, headers, sent, event_id=f"evt_golive{secrets.token_hex(6)}")
            findings += [Finding(f.name, f"{variant}: {f.expected}", f.found, f.fix)
                         for f in signatures.evaluate_webhook_response(hook.scheme, variant, response.status_code)]
        after = order_state(http, profile, hook, tokens, order_id)
        changed = {k: (before.get(k), after.get(k)) for k in ("status", "amount_paid", "attempts")
                   if before.get(k) != after.get(k)}
        if changed:
            findings.append(Finding(
                "forged-webhook-changed-order", f"order {order_id} exactly as before the forged events",
                ", ".join(f"{k}: {old} -> {new}" for k, (old, new) in changed.items()),
                "verify X-Razorpay-Signature before touching any order; never honour SKIP_WEBHOOK_SIGNATURE"))
        expect.no_findings(findings, f"forged {hook.name} events accepted", where=url)


# --- correctly signed events -----------------------------------------------------------------------

@check("SEC-WEBHOOK-003", "A correctly signed payment event is accepted and marks the test order paid",
       critical=True, safety="mutating", items=["whatsapp_tracker:GATE-05", "consolidated:FINAL-06",
                                                "consolidated:PAY-02", "realserv:OPS-MON-05", "consolidated:PAY-01",
                                                "consolidated:LAUNCH-POST-02"])
def test_signed_payment_accepted(profile, payment_webhooks, http, tokens, test_order):
    for hook in payment_webhooks:
        order = test_order(hook)
        url = profile.service(hook.service).url(hook.path)
        body = sample_body(hook, order_id=order["id"], amount=order["amount"])
        headers, sent = signatures.signed_request(hook.scheme, hook.secret, body, url=url)
        response = post_event(http, profile, hook, headers, sent, intent="write",
                              event_id=f"evt_golive{secrets.token_hex(6)}")
        expect.no_findings(signatures.evaluate_webhook_response(hook.scheme, None, response.status_code),
                           f"correctly signed {hook.name} event refused", where=expect.where(response))
        after = order_state(http, profile, hook, tokens, order["id"])
        expect.true(after.get("status") == hook.orders.paid_status, "the signed payment did not mark the order paid",
                    expected=f"status {hook.orders.paid_status}", found=f"status {after.get('status')}",
                    where=hook.orders.status_path, fix="process payment.captured for the order it names")


@check("SEC-WEBHOOK-004", "A replayed payment event (same x-razorpay-event-id) is processed once",
       safety="mutating", items=["whatsapp_tracker:BETA-PAY-02", "consolidated:LAUNCH-POST-02"])
def test_replayed_event_processed_once(profile, payment_webhooks, http, tokens, test_order):
    for hook in payment_webhooks:
        order = test_order(hook)
        url = profile.service(hook.service).url(hook.path)
        body = sample_body(hook, order_id=order["id"], amount=order["amount"])
        headers, sent = signatures.signed_request(hook.scheme, hook.secret, body, url=url)
        event_id = f"evt_golive{secrets.token_hex(6)}"
        for _ in range(2):  # Razorpay retries deliver the same id and body
            response = post_event(http, profile, hook, headers, sent, intent="write", event_id=event_id)
            expect.status(response, {200, 201, 202, 204}, f"a signed {hook.name} event is refused",
                          fix="answer 2xx for duplicates too (Razorpay disables webhooks that keep failing)")
        after = order_state(http, profile, hook, tokens, order["id"])
        expect.true(after.get("amount_paid") == order["amount"] and after.get("attempts", 1) <= 1,
                    "a replayed event was applied twice", expected=f"amount_paid {order['amount']} after two "
                    f"deliveries of {event_id}", found=f"amount_paid {after.get('amount_paid')}, attempts "
                    f"{after.get('attempts')}", where=expect.where(response),
                    fix="store x-razorpay-event-id and ignore events already processed (duplicate_event)")


# --- WhatsApp verify-token handshake ---------------------------------------------------------------

@check("SEC-WEBHOOK-005", "The WhatsApp verify-token handshake answers the challenge only with the right token",
       critical=True, safety="probe", items=["whatsapp_tracker:ENV-05", "realserv:SEC-WEBHOOK-02"])
def test_whatsapp_handshake(profile, webhooks, http):
    hooks = [hook for hook in webhooks if hook.scheme == "meta"]
    if not hooks:
        not_applicable("the profile names no WhatsApp (meta) webhook")
    for hook in hooks:
        token = required(hook.verify_token, f"the verify token of {hook.name}")
        url = profile.service(hook.service).url(hook.path)
        challenge = str(secrets.randbelow(10**9))
        good = http.get(url, params={"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": challenge})
        expect.status(good, 200, "the handshake with the right verify token fails",
                      fix="answer hub.challenge when hub.verify_token equals VERIFY_TOKEN")
        expect.true(good.text.strip() == challenge, "the handshake does not echo the challenge",
                    expected=challenge, found=expect.snippet(good), where=expect.where(good))
        for wrong in ("", token + "x", secrets.token_hex(8)):
            bad = http.get(url, params={"hub.mode": "subscribe", "hub.verify_token": wrong, "hub.challenge": challenge})
            expect.true(bad.status_code >= 400 and challenge not in bad.text,
                        "the handshake answers the challenge for a wrong verify token",
                        expected="4xx without the challenge", found=f"HTTP {bad.status_code} {expect.snippet(bad)}",
                        where=expect.where(bad), fix="compare hub.verify_token with VERIFY_TOKEN; refuse otherwise")


# --- signed share links ----------------------------------------------------------------------------

@check("SEC-WEBHOOK-006", "Share links: unsigned, tampered and expired links are refused", critical=True,
       safety="probe", items=["whatsapp_tracker:SEC-02", "whatsapp_tracker:SEC-01", "whatsapp_tracker:ENV-07"])
def test_share_links_signed(profile, http, request):
    links = required(profile.share_links, "signed share links (share_links)")
    # links issued to anonymous callers (a system without logins) need no tokens
    tokens = request.getfixturevalue("tokens") if links.role else None
    service = profile.service(links.service)
    issued = http.get(service.url(links.generate_path), params={"subject": links.subject},
                      headers={**auth_headers(tokens, links.role), **links.headers})
    expect.status(issued, 200, "no share link could be generated", fix="fix share_links.generate_path or role")
    link_url = service.url(expect.json_body(issued, "the generated link")[links.url_field])
    genuine = http.get(link_url)
    expect.status(genuine, 200, "a freshly generated share link does not open")
    token = share_links.token_of(link_url)
    if links.secret:
        minted = http.get(share_links.with_token(link_url, share_links.sign_link_token(
            links.secret, links.subject, int(time.time()) + 600)))
        expect.status(minted, 200, "a fresh link signed with the profile's secret does not open",
                      fix="share_links.secret must be the target's TRACKER_SHARE_SECRET (format hmac-sha256-json)")
    findings = []
    for name, forged in share_links.forgeries(token, links.secret).items():
        response = http.get(share_links.with_token(link_url, forged))
        findings += [Finding(f.name, f.expected, f"{f.found} ({expect.where(response)})", f.fix)
                     for f in share_links.evaluate_forgery(name, response.status_code)]
    expect.no_findings(findings, "forged share links open", where=links.generate_path)
    if not links.secret:
        unverified("link expiry: share_links.secret is not given, so golive cannot mint an expired link")
