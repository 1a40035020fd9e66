"""Security on every flavor: the payment orders and signed webhooks of arogya, consolidated and
realserv, healthy and under the faults of the "security on every flavor" section."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from sandbox.faults import CATALOG
from sandbox.payments import PROBE_ORDER_ID

RAZORPAY_SECRET = "flavorsec-razorpay-webhook-secret"
WHATSAPP_SECRET = "flavorsec-whatsapp-app-secret"
VERIFY_TOKEN = "flavorsec-verify-token"
API_KEY = "flavorsec-firebase-key"
PASSWORD = "flavorsec-user-pw-1"
WEBHOOK_ENV = {"SANDBOX_RAZORPAY_WEBHOOK_SECRET": RAZORPAY_SECRET, "SANDBOX_WHATSAPP_APP_SECRET": WHATSAPP_SECRET,
               "SANDBOX_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "USER_PW": PASSWORD}
FLAVOR_ENV = {
    "arogya": {"SANDBOX_FLAVOR": "arogya", "SANDBOX_USERS": "store@flavorsec.test:store_user:USER_PW"},
    "consolidated": {"SANDBOX_FLAVOR": "consolidated", "SANDBOX_USERS": "shopper@flavorsec.test:customer:USER_PW"},
    "realserv": {"SANDBOX_FLAVOR": "realserv", "SANDBOX_USERS": "buyer@flavorsec.test:customer:USER_PW",
                 "SANDBOX_FIREBASE_PROJECT": "flavorsec", "SANDBOX_FIREBASE_API_KEY": API_KEY},
}
#: where each flavor's payment API lives (RealServ: PaymentService under /payment)
PAYMENT_PREFIX = {"arogya": "", "consolidated": "", "realserv": "/payment"}


class Flavor:
    """An in-process flavor with webhook secrets, signed in as its order-placing user."""

    def __init__(self, client: Any, flavor: str) -> None:
        self.client, self.prefix = client, PAYMENT_PREFIX[flavor]
        email = FLAVOR_ENV[flavor]["SANDBOX_USERS"].split(":")[0]
        if flavor == "realserv":
            login = client.post(f"/firebase/v1/accounts:signInWithPassword?key={API_KEY}",
                                json={"email": email, "password": PASSWORD, "returnSecureToken": True})
            token = login.json()["idToken"]
        else:
            login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
            token = login.json()["access_token"]
        assert login.status_code == 200, login.text
        self.auth = {"Authorization": f"Bearer {token}"}

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.client.get(f"{self.prefix}/api/payments/orders/{order_id}", headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def razorpay_event(self, order_id: str, amount: int, signature: str | None) -> Any:
        body = json.dumps({"event": "payment.captured", "payload": {"payment": {"entity": {
            "id": "pay_flavorsec01", "order_id": order_id, "amount": amount, "status": "captured"}}}}).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Razorpay-Signature"] = signature
        return self.client.post(f"{self.prefix}/api/webhooks/razorpay", content=body, headers=headers)


def razorpay_signature(body: bytes) -> str:
    return hmac.new(RAZORPAY_SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def flavor(make_client):  # type: ignore[no-untyped-def]
    def make(name: str, *faults: str) -> Flavor:
        return Flavor(make_client(*faults, env={**WEBHOOK_ENV, **FLAVOR_ENV[name]}), name)

    return make


def test_the_section_registers_its_faults_for_the_realserv_env() -> None:
    for name in ("flavor_razorpay_signature_skipped", "flavor_whatsapp_unsigned_events_accepted"):
        assert CATALOG[name].env == "realserv-local"


@pytest.mark.parametrize("name", ["arogya", "consolidated", "realserv"])
def test_orders_are_guarded_and_a_signed_event_pays_only_its_order(flavor, name: str) -> None:
    shop = flavor(name)
    assert shop.client.post(f"{shop.prefix}/api/payments/orders", json={"amount": 100}).status_code == 401
    created = shop.client.post(f"{shop.prefix}/api/payments/orders", json={"amount": 100}, headers=shop.auth)
    assert created.status_code == 201, created.text
    order_id = created.json()["id"]
    assert shop.razorpay_event(order_id, 100, None).status_code == 400
    assert shop.razorpay_event(order_id, 100, "0" * 64).status_code == 400
    assert shop.order(order_id)["status"] == "created"
    body = json.dumps({"event": "payment.captured", "payload": {"payment": {"entity": {
        "order_id": order_id, "amount": 100}}}}).encode()
    paid = shop.client.post(f"{shop.prefix}/api/webhooks/razorpay", content=body,
                            headers={"X-Razorpay-Signature": razorpay_signature(body), "x-razorpay-event-id": "evt_1"})
    assert paid.status_code == 200 and paid.json()["status"] == "processed"
    assert shop.order(order_id)["status"] == "paid"
    assert shop.order(PROBE_ORDER_ID)["status"] == "created"
    assert shop.client.delete(f"{shop.prefix}/api/payments/orders/{order_id}", headers=shop.auth).status_code == 204


def test_inventory_takes_no_payments(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(env={"SANDBOX_FLAVOR": "inventory", "SANDBOX_USERS": "a@flavorsec.test:admin:USER_PW",
                              **WEBHOOK_ENV})
    assert client.post("/api/webhooks/razorpay", content=b"{}").status_code == 404


def test_fault_flavor_razorpay_signature_skipped(flavor) -> None:
    shop = flavor("realserv", "flavor_razorpay_signature_skipped")
    forged = shop.razorpay_event(PROBE_ORDER_ID, 50_000, "not-a-signature")
    assert forged.status_code == 200 and forged.json()["status"] == "processed"
    assert shop.order(PROBE_ORDER_ID)["status"] == "paid"


def test_realserv_whatsapp_handshake_and_signature(flavor) -> None:
    client = flavor("realserv").client
    ok = client.get("/notification/api/webhooks/whatsapp",
                    params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"})
    assert ok.status_code == 200 and ok.text == "42"
    wrong = client.get("/notification/api/webhooks/whatsapp",
                       params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"})
    assert wrong.status_code == 403
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    signed = "sha256=" + hmac.new(WHATSAPP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert client.post("/notification/api/webhooks/whatsapp", content=body,
                       headers={"X-Hub-Signature-256": signed}).status_code == 200
    assert client.post("/notification/api/webhooks/whatsapp", content=body).status_code == 401


def test_fault_flavor_whatsapp_unsigned_events_accepted(flavor) -> None:
    client = flavor("realserv", "flavor_whatsapp_unsigned_events_accepted").client
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert client.post("/notification/api/webhooks/whatsapp", content=body).status_code == 200
    # a wrong signature is still refused: only the missing header slips through
    assert client.post("/notification/api/webhooks/whatsapp", content=body,
                       headers={"X-Hub-Signature-256": "sha256=" + "0" * 64}).status_code == 401


def test_fault_inventory_adjust_guard_names_unknown_role(make_client) -> None:  # type: ignore[no-untyped-def]
    env = {"SANDBOX_FLAVOR": "inventory", "SANDBOX_USERS": "a@flavorsec.test:admin:USER_PW", **WEBHOOK_ENV}
    unparseable = {"content": b'{"golive": ', "headers": {"Content-Type": "application/json"}}

    def admin_answer(*faults: str) -> int:
        client = make_client(*faults, env=env)
        login = client.post("/api/auth/login", json={"email": "a@flavorsec.test", "password": PASSWORD})
        token = login.json()["access_token"]
        headers = {**unparseable["headers"], "Authorization": f"Bearer {token}"}
        assert client.post("/api/inventory/adjust", content=unparseable["content"],
                           headers=unparseable["headers"]).status_code == 401
        return client.post("/api/inventory/adjust", content=unparseable["content"], headers=headers).status_code

    assert admin_answer() == 400  # healthy: the admin passes the guard and reaches validation
    assert admin_answer("inventory_adjust_guard_names_unknown_role") == 403


def reported_config(make_client, name: str, path: str, field: tuple[str, ...], *faults: str) -> Any:  # type: ignore[no-untyped-def]
    value = make_client(*faults, env={**WEBHOOK_ENV, **FLAVOR_ENV[name]}).get(path).json()
    for key in field:
        value = value[key]
    return value


def test_fault_flavor_razorpay_test_keys(make_client) -> None:  # type: ignore[no-untyped-def]
    mode = ("providers", "razorpay", "mode")
    assert reported_config(make_client, "arogya", "/api/health/config", mode) == "live"
    assert reported_config(make_client, "arogya", "/api/health/config", mode, "flavor_razorpay_test_keys") == "test"


def test_fault_consolidated_node_env_not_production(make_client) -> None:  # type: ignore[no-untyped-def]
    path, field = "/api/health/config", ("node_env",)
    assert reported_config(make_client, "consolidated", path, field) == "production"
    assert reported_config(make_client, "consolidated", path, field,
                           "consolidated_node_env_not_production") == "development"


def test_fault_realserv_razorpay_test_keys(make_client) -> None:  # type: ignore[no-untyped-def]
    path, field = "/payment/health", ("entries", "razorpay", "data", "mode")
    assert reported_config(make_client, "realserv", path, field) == "live"
    assert reported_config(make_client, "realserv", path, field, "realserv_razorpay_test_keys") == "test"


def test_inventory_config_report_shows_allow_negative_stock(make_client) -> None:  # type: ignore[no-untyped-def]
    env = {"SANDBOX_FLAVOR": "inventory", "SANDBOX_USERS": "a@flavorsec.test:admin:USER_PW", **WEBHOOK_ENV}
    assert make_client(env=env).get("/api/health/config").json() == {"flags": {"ALLOW_NEGATIVE_STOCK": False}}
    assert make_client("negative_stock_allowed", env=env).get("/api/health/config").json() == {
        "flags": {"ALLOW_NEGATIVE_STOCK": True}}


def realserv_token(client: Any, email: str) -> dict[str, str]:
    login = client.post(f"/firebase/v1/accounts:signInWithPassword?key={API_KEY}",
                        json={"email": email, "password": PASSWORD, "returnSecureToken": True})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['idToken']}"}


REALSERV_INPUT_ENV = {**WEBHOOK_ENV, **FLAVOR_ENV["realserv"],
                      "SANDBOX_USERS": "buyer@flavorsec.test:customer:USER_PW,seller@flavorsec.test:vendor:USER_PW"}


@pytest.mark.parametrize(("faults", "accepted"), [((), False), (("flavor_phone_validation_digits_only",), True)])
def test_fault_flavor_phone_validation_digits_only(make_client, faults: tuple[str, ...], accepted: bool) -> None:  # type: ignore[no-untyped-def]
    client = make_client(*faults, env=REALSERV_INPUT_ENV)
    auth = realserv_token(client, "buyer@flavorsec.test")
    valid = client.post("/identity/api/users/validate", json={"phone": "+919876543210", "email": "a@b.example"},
                        headers=auth)
    assert valid.status_code == 200 and valid.json()["stored"] is False
    local_format = client.post("/identity/api/users/validate", json={"phone": "9876543210"}, headers=auth)
    assert (local_format.status_code == 200) is accepted
    assert client.post("/identity/api/users/validate", json={"email": "not-an-email"}, headers=auth).status_code == 422


@pytest.mark.parametrize(("faults", "read_before_refusing"),
                         [((), False), (("flavor_upload_limit_after_buffering",), True)])
def test_fault_flavor_upload_limit_after_buffering(make_client, faults: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                   read_before_refusing: bool) -> None:
    client = make_client(*faults, env=REALSERV_INPUT_ENV)
    auth = realserv_token(client, "seller@flavorsec.test")

    def body():  # type: ignore[no-untyped-def]
        for _ in range(4):
            yield b"x" * 1024

    oversize = str(200 * 1024 * 1024)  # declared: 200 MB, over the 100 MB limit
    response = client.post("/vendor/api/vendors/me/documents", content=body(),
                           headers={**auth, "Content-Length": oversize, "Content-Type": "application/octet-stream"})
    # healthy: refused from the declared size; faulty: the body is read and only its real size counts
    assert response.status_code == (200 if read_before_refusing else 413)
    assert client.post("/vendor/api/vendors/me/documents", content=b"pdf", headers=auth).status_code == 200
    customer = realserv_token(client, "buyer@flavorsec.test")
    assert client.post("/vendor/api/vendors/me/documents", content=b"pdf", headers=customer).status_code == 403


CONSOLIDATED_TWO_CUSTOMERS = {**WEBHOOK_ENV, "SANDBOX_FLAVOR": "consolidated",
                              "SANDBOX_USERS": "one@flavorsec.test:customer:USER_PW,two@flavorsec.test:customer:USER_PW"}


def node_token(client: Any, email: str) -> dict[str, str]:
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.mark.parametrize(("faults", "reachable"), [((), False), (("flavor_objects_loaded_by_id_only",), True)])
def test_fault_flavor_objects_loaded_by_id_only(make_client, faults: tuple[str, ...], reachable: bool) -> None:  # type: ignore[no-untyped-def]
    client = make_client(*faults, env=CONSOLIDATED_TWO_CUSTOMERS)
    one, two = node_token(client, "one@flavorsec.test"), node_token(client, "two@flavorsec.test")
    mine = client.get("/api/orders", headers=one).json()
    assert len(mine) == 1 and mine[0]["owner"] == "one@flavorsec.test"
    order_url = f"/api/orders/{mine[0]['id']}"
    assert client.get(order_url, headers=one).status_code == 200
    assert (client.get(order_url, headers=two).status_code == 200) is reachable
    changed = client.patch(order_url, json={"note": "not yours", "amount": 1}, headers=two)
    assert (changed.status_code == 200) is reachable
    assert client.get(order_url, headers=one).json()["amount"] == 129_900  # amount is never editable


@pytest.mark.parametrize(("faults", "escalates"), [((), False), (("flavor_profile_update_mass_assignment",), True)])
def test_fault_flavor_profile_update_mass_assignment(make_client, faults: tuple[str, ...], escalates: bool) -> None:  # type: ignore[no-untyped-def]
    client = make_client(*faults, env=REALSERV_INPUT_ENV)
    auth = realserv_token(client, "buyer@flavorsec.test")
    updated = client.patch("/identity/api/users/me", json={"name": "Asha", "role": "admin", "is_admin": True},
                           headers=auth)
    assert updated.status_code == 200
    assert updated.json()["name"] == "Asha" and "is_admin" not in updated.json()
    assert (updated.json()["role"] == "admin") is escalates


def test_object_routes_refuse_unparseable_bodies_with_400(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(env=CONSOLIDATED_TWO_CUSTOMERS)
    auth = {**node_token(client, "one@flavorsec.test"), "Content-Type": "application/json"}
    assert client.patch("/api/me", content=b'{"name": ', headers=auth).status_code == 400
    assert client.patch("/api/me", content=b"[1]", headers=auth).status_code == 422
