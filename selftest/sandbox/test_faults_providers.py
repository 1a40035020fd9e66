"""The provider emulators speak the providers' API shapes, and each provider fault changes what
the deployment's configured account gets from them."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

PROVIDER_ENV = {
    "SANDBOX_RAZORPAY_KEY_ID": "rzp_test_Selftest01",
    "SANDBOX_RAZORPAY_KEY_SECRET": "selftest-razorpay-secret",
    "SANDBOX_TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "SANDBOX_TWILIO_AUTH_TOKEN": "selftest-twilio-token",
    "SANDBOX_TWILIO_VERIFY_SERVICE_SID": "VA" + "2" * 32,
    "SANDBOX_TWILIO_TEST_NUMBER": "+919800000001",
    "SANDBOX_TWILIO_TEST_CODE": "246810",
    "SANDBOX_SENDGRID_API_KEY": "SG.selftest.key",
    "SANDBOX_WHATSAPP_ACCESS_TOKEN": "selftest-whatsapp-token",
    "SANDBOX_WHATSAPP_PHONE_NUMBER_ID": "1098765",
    "SANDBOX_WHATSAPP_BUSINESS_NUMBER": "+91 80 4000 1234",
    "SANDBOX_SHIPROCKET_EMAIL": "api@selftest.test",
    "SANDBOX_SHIPROCKET_PASSWORD": "selftest-shiprocket-pw",
    "SANDBOX_SHIPROCKET_PICKUP_LOCATION": "Primary Warehouse",
    "SANDBOX_MAPS_API_KEY": "selftest-maps-key",
}
RZP = "/_emulators/razorpay/v1"
TWILIO = f"/_emulators/twilio/v2/Services/{PROVIDER_ENV['SANDBOX_TWILIO_VERIFY_SERVICE_SID']}"
WA = f"/_emulators/whatsapp/v21.0/{PROVIDER_ENV['SANDBOX_WHATSAPP_PHONE_NUMBER_ID']}"
SHIP = "/_emulators/shiprocket/v1/external"
MAIL = {"personalizations": [{"to": [{"email": "a@x.test"}]}], "from": {"email": "noreply@x.test"},
        "subject": "Hi", "content": [{"type": "text/plain", "value": "Body"}]}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


RZP_AUTH = basic(PROVIDER_ENV["SANDBOX_RAZORPAY_KEY_ID"], PROVIDER_ENV["SANDBOX_RAZORPAY_KEY_SECRET"])
TWILIO_AUTH = basic(PROVIDER_ENV["SANDBOX_TWILIO_ACCOUNT_SID"], PROVIDER_ENV["SANDBOX_TWILIO_AUTH_TOKEN"])
SG_AUTH = {"Authorization": f"Bearer {PROVIDER_ENV['SANDBOX_SENDGRID_API_KEY']}"}
WA_AUTH = {"Authorization": f"Bearer {PROVIDER_ENV['SANDBOX_WHATSAPP_ACCESS_TOKEN']}"}


@pytest.fixture
def provider_client(make_client):
    return lambda *faults: make_client(*faults, env=PROVIDER_ENV)


# --- Razorpay ------------------------------------------------------------------------------------------

def test_razorpay_order_payment_signature_refund(provider_client):
    client = provider_client()
    order = client.post(f"{RZP}/orders", json={"amount": 100, "currency": "INR", "receipt": "r1"}, headers=RZP_AUTH)
    assert order.status_code == 200 and order.json()["status"] == "created"
    assert client.post(f"{RZP}/orders", json={"amount": 99}, headers=RZP_AUTH).status_code == 400
    paid = client.post(f"{RZP}/payments/create/json", json={"order_id": order.json()["id"], "amount": 100},
                       headers=RZP_AUTH).json()
    message = f"{order.json()['id']}|{paid['razorpay_payment_id']}".encode()
    expected = hmac.new(PROVIDER_ENV["SANDBOX_RAZORPAY_KEY_SECRET"].encode(), message, hashlib.sha256).hexdigest()
    assert paid["razorpay_signature"] == expected
    assert client.get(f"{RZP}/orders/{order.json()['id']}", headers=RZP_AUTH).json()["status"] == "paid"
    refund = client.post(f"{RZP}/payments/{paid['razorpay_payment_id']}/refund", json={"amount": 100},
                         headers=RZP_AUTH)
    assert refund.status_code == 200 and refund.json()["status"] == "processed"
    payment = client.get(f"{RZP}/payments/{paid['razorpay_payment_id']}", headers=RZP_AUTH).json()
    assert (payment["status"], payment["amount_refunded"]) == ("refunded", 100)
    assert client.get(f"{RZP}/orders", headers=basic("rzp_test_other", "x")).status_code == 401


def test_fault_razorpay_key_revoked(provider_client):
    response = provider_client("razorpay_key_revoked").get(f"{RZP}/orders", headers=RZP_AUTH)
    assert response.status_code == 401
    assert response.json()["error"]["description"] == "Authentication failed"


# --- Twilio Verify -------------------------------------------------------------------------------------

def test_twilio_verify_wrong_code_pending_right_code_approved(provider_client):
    client = provider_client()
    to = PROVIDER_ENV["SANDBOX_TWILIO_TEST_NUMBER"]
    sent = client.post(f"{TWILIO}/Verifications", data={"To": to, "Channel": "sms"}, headers=TWILIO_AUTH)
    assert sent.status_code == 201 and sent.json()["status"] == "pending"
    wrong = client.post(f"{TWILIO}/VerificationCheck", data={"To": to, "Code": "000000"}, headers=TWILIO_AUTH)
    assert wrong.json()["status"] == "pending"
    right = client.post(f"{TWILIO}/VerificationCheck", data={"To": to, "Code": "246810"}, headers=TWILIO_AUTH)
    assert right.json()["status"] == "approved"
    # a number that is not the test number never gets the fixed code
    client.post(f"{TWILIO}/Verifications", data={"To": "+919811111111", "Channel": "sms"}, headers=TWILIO_AUTH)
    other = client.post(f"{TWILIO}/VerificationCheck", data={"To": "+919811111111", "Code": "246810"},
                        headers=TWILIO_AUTH)
    assert other.json()["status"] == "pending"


def test_fault_twilio_verify_service_deleted(provider_client):
    response = provider_client("twilio_verify_service_deleted").post(
        f"{TWILIO}/Verifications", data={"To": "+919800000001", "Channel": "sms"}, headers=TWILIO_AUTH)
    assert response.status_code == 404 and response.json()["code"] == 20404


# --- SendGrid ------------------------------------------------------------------------------------------

def test_sendgrid_mail_send_202_sandbox_200(provider_client):
    client = provider_client()
    accepted = client.post("/_emulators/sendgrid/v3/mail/send", json=MAIL, headers=SG_AUTH)
    assert accepted.status_code == 202 and accepted.headers["x-message-id"]
    sandboxed = client.post("/_emulators/sendgrid/v3/mail/send", headers=SG_AUTH,
                            json={**MAIL, "mail_settings": {"sandbox_mode": {"enable": True}}})
    assert sandboxed.status_code == 200 and "x-message-id" not in sandboxed.headers
    assert client.post("/_emulators/sendgrid/v3/mail/send", json=MAIL,
                       headers={"Authorization": "Bearer SG.wrong"}).status_code == 401


def test_fault_sendgrid_key_without_mail_send(provider_client):
    client = provider_client("sendgrid_key_without_mail_send")
    assert client.post("/_emulators/sendgrid/v3/mail/send", json=MAIL, headers=SG_AUTH).status_code == 403
    assert "mail.send" not in client.get("/_emulators/sendgrid/v3/scopes", headers=SG_AUTH).json()["scopes"]


# --- WhatsApp -------------------------------------------------------------------------------------------

def test_whatsapp_number_and_send(provider_client):
    client = provider_client()
    assert client.get(WA, headers=WA_AUTH).json()["display_phone_number"] == "+91 80 4000 1234"
    sent = client.post(f"{WA}/messages", headers=WA_AUTH, json={
        "messaging_product": "whatsapp", "to": "919800000001", "type": "text", "text": {"body": "hi"}})
    assert sent.status_code == 200 and sent.json()["messages"][0]["id"].startswith("wamid.")


def test_fault_whatsapp_phone_number_of_other_business(provider_client):
    described = provider_client("whatsapp_phone_number_of_other_business").get(WA, headers=WA_AUTH).json()
    assert described["display_phone_number"] != "+91 80 4000 1234"


def test_fault_whatsapp_token_expired(provider_client):
    response = provider_client("whatsapp_token_expired").post(f"{WA}/messages", headers=WA_AUTH, json={
        "messaging_product": "whatsapp", "to": "919800000001", "type": "text", "text": {"body": "hi"}})
    assert response.status_code == 401 and response.json()["error"]["code"] == 190


# --- Shiprocket -----------------------------------------------------------------------------------------

def shiprocket_order(pickup: str) -> dict[str, object]:
    return {"order_id": "golive-1", "order_date": "2026-11-21 10:00", "pickup_location": pickup,
            "billing_customer_name": "g", "billing_address": "a", "billing_city": "c", "billing_pincode": "560001",
            "billing_state": "s", "billing_country": "India", "billing_phone": "9999999999",
            "order_items": [{"name": "x", "sku": "x", "units": 1, "selling_price": 1}], "payment_method": "Prepaid",
            "sub_total": 1, "length": 1, "breadth": 1, "height": 1, "weight": 0.5}


def shiprocket_login(client) -> dict[str, str]:
    token = client.post(f"{SHIP}/auth/login", json={"email": "api@selftest.test",
                                                    "password": "selftest-shiprocket-pw"}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_shiprocket_create_track_cancel(provider_client):
    client = provider_client()
    auth = shiprocket_login(client)
    order = client.post(f"{SHIP}/orders/create/adhoc", json=shiprocket_order("Primary Warehouse"), headers=auth).json()
    awb = client.post(f"{SHIP}/courier/assign/awb", json={"shipment_id": order["shipment_id"]},
                      headers=auth).json()["response"]["data"]["awb_code"]
    assert client.get(f"{SHIP}/courier/track/awb/{awb}", headers=auth).json()["tracking_data"]["track_status"] == 1
    assert client.post(f"{SHIP}/orders/cancel", json={"ids": [order["order_id"]]}, headers=auth).status_code == 200
    assert client.get(f"{SHIP}/orders/show/{order['order_id']}", headers=auth).json()["data"]["status"] == "CANCELED"


def test_fault_shiprocket_pickup_location_missing(provider_client):
    client = provider_client("shiprocket_pickup_location_missing")
    response = client.post(f"{SHIP}/orders/create/adhoc", json=shiprocket_order("Primary Warehouse"),
                           headers=shiprocket_login(client))
    assert response.status_code == 422 and "Pickup location" in response.json()["message"]


# --- Google Maps ----------------------------------------------------------------------------------------

def test_maps_geocode(provider_client):
    body = provider_client().get("/_emulators/maps/maps/api/geocode/json",
                                 params={"address": "MG Road, Bengaluru", "key": "selftest-maps-key"}).json()
    assert body["status"] == "OK" and round(body["results"][0]["geometry"]["location"]["lat"], 2) == 12.98


def test_fault_maps_key_restricted(provider_client):
    body = provider_client("maps_key_restricted").get(
        "/_emulators/maps/maps/api/geocode/json",
        params={"address": "MG Road, Bengaluru", "key": "selftest-maps-key"}).json()
    assert body["status"] == "REQUEST_DENIED"


# --- Firebase projects (realserv flavor) ----------------------------------------------------------------

FIREBASE_ENV = {
    "SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "realserv-selftest",
    "SANDBOX_FIREBASE_API_KEY": "prod-key",
    "SANDBOX_FIREBASE_OTHER_PROJECT": "realserv-selftest-dev", "SANDBOX_FIREBASE_OTHER_API_KEY": "dev-key",
    "SANDBOX_USERS": "customer@flavor.test:customer:PW_CUSTOMER", "PW_CUSTOMER": "flavor-customer-pw",
}


def firebase_token(client, key: str) -> str:
    response = client.post(f"/firebase/v1/accounts:signInWithPassword?key={key}", json={
        "email": "customer@flavor.test", "password": "flavor-customer-pw", "returnSecureToken": True})
    assert response.status_code == 200, response.text
    return response.json()["idToken"]


def claims_of(token: str) -> dict[str, object]:
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_firebase_other_project_tokens_are_refused(make_client):
    client = make_client(env=FIREBASE_ENV)
    prod, dev = firebase_token(client, "prod-key"), firebase_token(client, "dev-key")
    assert claims_of(prod)["aud"] == "realserv-selftest"
    assert claims_of(dev)["iss"] == "https://securetoken.google.com/realserv-selftest-dev"
    assert client.get("/order/api/orders", headers={"Authorization": f"Bearer {prod}"}).status_code == 200
    assert client.get("/order/api/orders", headers={"Authorization": f"Bearer {dev}"}).status_code == 401


def test_fault_firebase_accepts_other_projects(make_client):
    client = make_client("firebase_accepts_other_projects", env=FIREBASE_ENV)
    dev = firebase_token(client, "dev-key")
    assert client.get("/order/api/orders", headers={"Authorization": f"Bearer {dev}"}).status_code == 200


def test_fault_firebase_staging_project(make_client):
    client = make_client("firebase_staging_project", env=FIREBASE_ENV)
    token = firebase_token(client, "prod-key")
    assert claims_of(token)["aud"] == "realserv-selftest-staging"
    assert client.get("/order/api/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- the consolidated shop's checkout (a real child process: the shop calls its own Razorpay emulator) ---

CHECKOUT_ENV = {
    "SANDBOX_FLAVOR": "consolidated", "SANDBOX_USERS": "shopper@flavor.test:customer:PW_SHOPPER",
    "PW_SHOPPER": "flavor-shopper-pw", "SANDBOX_RAZORPAY_KEY_ID": PROVIDER_ENV["SANDBOX_RAZORPAY_KEY_ID"],
    "SANDBOX_RAZORPAY_KEY_SECRET": PROVIDER_ENV["SANDBOX_RAZORPAY_KEY_SECRET"],
}


def rupee_checkout(base: str) -> tuple[dict[str, object], dict[str, object]]:
    """Order, test payment, the callback twice, then the refund: (order after refund, payment at Razorpay)."""
    import httpx

    with httpx.Client(base_url=base, trust_env=False, timeout=10) as http:
        login = http.post("/api/auth/login", json={"email": "shopper@flavor.test", "password": "flavor-shopper-pw"})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        order = http.post("/api/checkout/orders", json={"amount": 100, "receipt": "selftest"}, headers=auth).json()
        checkout = http.post(f"{RZP}/payments/create/json", headers=RZP_AUTH,
                             json={"order_id": order["razorpay_order_id"], "amount": 100}).json()
        for _ in range(2):
            assert http.post(f"/api/checkout/orders/{order['id']}/verify", json=checkout,
                             headers=auth).status_code == 200
        assert http.post(f"/api/checkout/orders/{order['id']}/refund", headers=auth).status_code == 200
        after = http.get(f"/api/checkout/orders/{order['id']}", headers=auth).json()
        payment = http.get(f"{RZP}/payments/{checkout['razorpay_payment_id']}", headers=RZP_AUTH).json()
        return after, payment


def test_checkout_books_once_and_refunds_at_razorpay(spawn_sandbox):
    child = spawn_sandbox(env=CHECKOUT_ENV)
    child.wait_live()
    order, payment = rupee_checkout(child.base)
    assert order["status"] == "refunded" and len(order["payments"]) == 1
    assert sorted(document["kind"] for document in order["invoices"]) == ["credit_note", "invoice"]
    assert payment["amount_refunded"] == 100


def test_fault_checkout_verify_books_twice(spawn_sandbox):
    child = spawn_sandbox("checkout_verify_books_twice", env=CHECKOUT_ENV)
    child.wait_live()
    order, _ = rupee_checkout(child.base)
    assert len(order["payments"]) == 2


def test_fault_checkout_refund_not_sent(spawn_sandbox):
    child = spawn_sandbox("checkout_refund_not_sent", env=CHECKOUT_ENV)
    child.wait_live()
    order, payment = rupee_checkout(child.base)
    assert order["status"] == "refunded" and payment["amount_refunded"] == 0


# --- the shop's checkout webhook: a payment link's payment (live keys) reaches the shop only this way ---

CHECKOUT_WEBHOOK_SECRET = "flavor-checkout-webhook-secret-0042"
LIVE_CHECKOUT_ENV = {**CHECKOUT_ENV, "SANDBOX_RAZORPAY_WEBHOOK_SECRET": CHECKOUT_WEBHOOK_SECRET}


def signed_event(event: str, entity: dict[str, object]) -> tuple[bytes, str]:
    import json

    raw = json.dumps({"entity": "event", "event": event, "contains": ["payment"],
                      "payload": {"payment": {"entity": entity}}}).encode()
    return raw, hmac.new(CHECKOUT_WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()


def paid_by_link(base: str, *, deliveries: int = 1, signature: str | None = None) -> tuple[int, dict[str, object]]:
    """Order through the shop, then Razorpay's payment.captured for a link whose notes name its Razorpay
    order, delivered ``deliveries`` times with one event id: (the webhook's last status, the order)."""
    import httpx

    with httpx.Client(base_url=base, trust_env=False, timeout=10) as http:
        login = http.post("/api/auth/login", json={"email": "shopper@flavor.test", "password": "flavor-shopper-pw"})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        order = http.post("/api/checkout/orders", json={"amount": 100, "receipt": "selftest"}, headers=auth).json()
        raw, signed = signed_event("payment.captured", {
            "id": "pay_LinkSelftest01", "amount": 100, "status": "captured", "order_id": "order_OfTheLink0001",
            "notes": {"razorpay_order_id": order["razorpay_order_id"], "order_id": order["id"]}})
        status = 0
        for _ in range(deliveries):
            status = http.post("/api/checkout/webhooks/razorpay", content=raw,
                               headers={"x-razorpay-signature": signature or signed,
                                        "x-razorpay-event-id": "evt_Selftest000001"}).status_code
        return status, http.get(f"/api/checkout/orders/{order['id']}", headers=auth).json()


def test_checkout_webhook_books_a_link_payment_once(spawn_sandbox):
    child = spawn_sandbox(env=LIVE_CHECKOUT_ENV)
    child.wait_live()
    status, order = paid_by_link(child.base, deliveries=2)
    assert status == 200 and order["status"] == "paid" and len(order["payments"]) == 1
    assert [event["event"] for event in order["webhook_events"]] == ["payment.captured"]
    assert [document["kind"] for document in order["invoices"]] == ["invoice"]
    refused, unpaid = paid_by_link(child.base, signature="0" * 64)  # control: the same event, badly signed
    assert refused == 400 and unpaid["status"] == "created" and unpaid["webhook_events"] == []


def test_checkout_cancels_an_unpaid_order_and_refunds_a_paid_one(spawn_sandbox):
    import httpx

    child = spawn_sandbox(env=LIVE_CHECKOUT_ENV)
    child.wait_live()
    with httpx.Client(base_url=child.base, trust_env=False, timeout=10) as http:
        login = http.post("/api/auth/login", json={"email": "shopper@flavor.test", "password": "flavor-shopper-pw"})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        order = http.post("/api/checkout/orders", json={"amount": 100, "receipt": "selftest"}, headers=auth).json()
        assert http.post(f"/api/checkout/orders/{order['id']}/cancel", headers=auth).json()["status"] == "cancelled"
        again = http.post(f"/api/checkout/orders/{order['id']}/cancel", headers=auth)  # settled: left as it is
        assert again.status_code == 200 and again.json()["status"] == "cancelled"
        order = http.post("/api/checkout/orders", json={"amount": 100, "receipt": "selftest"}, headers=auth).json()
        checkout = http.post(f"{RZP}/payments/create/json", headers=RZP_AUTH,
                             json={"order_id": order["razorpay_order_id"], "amount": 100}).json()
        assert http.post(f"/api/checkout/orders/{order['id']}/verify", json=checkout, headers=auth).status_code == 200
        settled = http.post(f"/api/checkout/orders/{order['id']}/cancel", headers=auth).json()
        assert settled["status"] == "refunded" and settled["payments"][0]["refund_id"].startswith("rfnd_")


def test_fault_checkout_webhook_ignored(spawn_sandbox):
    child = spawn_sandbox("checkout_webhook_ignored", env=LIVE_CHECKOUT_ENV)
    child.wait_live()
    status, order = paid_by_link(child.base)
    assert status == 200 and order["status"] == "created" and order["webhook_events"] == []


def test_fault_checkout_webhook_not_idempotent(spawn_sandbox):
    child = spawn_sandbox("checkout_webhook_not_idempotent", env=LIVE_CHECKOUT_ENV)
    child.wait_live()
    _, order = paid_by_link(child.base, deliveries=2)
    assert len(order["payments"]) == 2 and len(order["webhook_events"]) == 2
