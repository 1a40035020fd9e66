"""Driving a RealServ-style marketplace through its public APIs: test accounts, vendor KYC,
catalog, orders, Razorpay checkout, refunds and notifications.

Every call goes through the check's ``HttpClient`` (its safety class, redaction, budget); every
thing created is handed to the check's compensator first, so teardown undoes it even when a
later step fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from golive import expect
from golive.http import HttpClient
from golive.ledger import Sweep
from golive.outcomes import CheckFailed
from golive.probes.records import Deletion, RecordTrip
from golive.probes.signatures import razorpay_payment_signature
from golive.profile import Auth, Profile
from golive.profile_marketplace import Marketplace


LIVE_KEY_PREFIX = "rzp_live_"


class Compensates(Protocol):
    tag: str

    def undo(self, description: str, method: str, url: str, *, role: str | None = None, json: Any = None,
             ok: tuple[int, ...] = ..., intent: Any = None) -> Any: ...

    def intent(self, description: str, url: str, *, sweep: Sweep | None = None) -> Any: ...

    def refused(self, intent: Any, status: int) -> None: ...


@dataclass(frozen=True)
class Account:
    email: str
    headers: dict[str, str]


@dataclass(frozen=True)
class StoredRecord:
    """A tagged record one service stored: what it must read back as, how to read and delete it."""

    service: str
    record: str
    expected: dict[str, Any]
    read: Callable[[], dict[str, Any] | None]  # None: the service does not return it
    delete: Callable[[], int]  # the delete's HTTP status
    deletion: Deletion = "gone"

    def round_trip(self) -> RecordTrip:
        """Read back, delete, read again."""
        read_back = self.read()
        delete_status = self.delete()
        return RecordTrip(self.service, self.record, self.expected, read_back, delete_status, self.read(),
                          self.deletion)


def answer(response: httpx.Response, expected: int | tuple[int, ...], step: str, fix: str) -> Any:
    """The JSON body of a step that must answer ``expected``; a failed step says which and why."""
    expect.status(response, expected, f"{step} failed", fix=fix)
    return expect.json_body(response, f"{step} answered no JSON") if response.content else None


class MarketplaceFlows:
    def __init__(self, http: HttpClient, profile: Profile, auth: Auth, spec: Marketplace,
                 compensate: Compensates, role_headers: Any, payer: Any = None) -> None:
        self.http, self.profile, self.auth, self.spec = http, profile, auth, spec
        self.compensate, self.role_headers = compensate, role_headers
        # a live key: a person pays (golive/adapters/assisted_payment.py); None: golive signs the callback
        self.payer = payer

    @property
    def live_key(self) -> bool:
        """A live Razorpay key: no code can pay, a person must (golive forges no live payment)."""
        return self.spec.checkout.key_id.startswith(LIVE_KEY_PREFIX)

    def url(self, part: str, path: str) -> str:
        return self.profile.service(getattr(self.spec.services, part)).url(path)

    def login_url(self, path: str) -> str:
        return self.profile.service(self.auth.login.service).url(path)

    @property
    def admin(self) -> dict[str, str]:
        return self.role_headers(self.spec.admin_role)

    def test_email(self, kind: str) -> str:
        return f"golive+{kind}-{self.compensate.tag}-{secrets.token_hex(3)}@{self.spec.test_email_domain}".lower()

    def existing(self, role: str) -> Account:
        """One of the profile's own accounts (its login is cached per run)."""
        return Account(role, self.role_headers(role))

    # --- accounts ----------------------------------------------------------------------------------
    def _forget_account(self, email: str) -> None:
        self.compensate.undo(f"delete test account {email}", "DELETE",
                             self.url("identity", f"/api/admin/users/{email}"), role=self.spec.admin_role)

    def sign_in(self, email: str, password: str) -> Account:
        login = self.auth.login
        self.http.redactor.add(password)
        body = {login.username_field: email, login.password_field: password, **login.extra_fields}
        token = answer(self.http.post(self.login_url(login.path), json=body, intent="login"), 200,
                       f"sign-in of test account {email}", "the account was just created: check the auth provider")
        return Account(email, {"Authorization": f"Bearer {token[login.access_token_field]}"})

    def sign_up_buyer(self) -> Account:
        email, password = self.test_email("buyer"), secrets.token_urlsafe(18)
        self.http.redactor.add(password)
        self._forget_account(email)  # before the sign-up: the e-mail is golive's choice
        response = self.http.post(self.login_url(self.spec.signup_path),
                                  json={"email": email, "password": password, "returnSecureToken": True})
        body = answer(response, 200, "buyer sign-up", "new buyers must be able to create an account")
        return Account(email, {"Authorization": f"Bearer {body[self.auth.login.access_token_field]}"})

    def create_user(self, role: str) -> tuple[str, str]:
        email, password = self.test_email(role), secrets.token_urlsafe(18)
        self.http.redactor.add(password)
        self._forget_account(email)  # before the request: the e-mail is golive's choice
        response = self.http.post(self.url("identity", "/api/admin/users"), headers=self.admin,
                                  json={"email": email, "password": password, "role": role})
        answer(response, 201, f"the admin creates a {role} user", "IdentityService's user management must work")
        return email, password

    def assign_role(self, email: str, role: str) -> None:
        answer(self.http.patch(self.url("identity", f"/api/admin/users/{email}"), headers=self.admin, json={"role": role}),
               200, f"the admin assigns role {role}", "IdentityService must write the role claim")

    # --- vendors ---------------------------------------------------------------------------------------
    def register_vendor(self, vendor: Account) -> dict[str, Any]:
        return answer(self.http.post(self.url("vendor", "/api/vendors/register"), headers=vendor.headers,
                                     json={"business_name": f"golive test vendor {self.compensate.tag}",
                                           "gstin": "29ABCDE1234F1Z5"}),
                      201, "vendor registration", "VendorService must register vendors")

    def submit_kyc(self, vendor: Account) -> dict[str, Any]:
        return answer(self.http.post(self.url("vendor", "/api/vendors/me/kyc"), headers=vendor.headers,
                                     json={"document": f"kyc/{self.compensate.tag}.pdf"}),
                      200, "KYC submission", "VendorService must accept KYC documents")

    def approve_kyc(self, vendor: Account) -> dict[str, Any]:
        return answer(self.http.patch(self.url("vendor", f"/api/admin/vendors/{vendor.email}/kyc"), headers=self.admin,
                                      json={"status": "approved"}), 200, "KYC approval", "the admin's KYC decision must save")

    def vendor_record(self, vendor: Account) -> dict[str, Any]:
        return answer(self.http.get(self.url("vendor", "/api/vendors/me"), headers=vendor.headers), 200,
                      "vendor profile", "VendorService must show a vendor its own record")

    def vendor_record_status(self, who: Account) -> int:
        return self.http.get(self.url("vendor", "/api/vendors/me"), headers=who.headers).status_code

    def list_product(self, vendor: Account, price_paise: int) -> dict[str, Any]:
        url, sku = self.url("catalog", "/api/vendor/products"), f"GOLIVE-{secrets.token_hex(3).upper()}"
        # the SKU is golive's choice: the admin's product search finds a listing whose answer was lost
        found = Sweep(f"{self.url('catalog', '/api/admin/products')}?{urlencode({'sku': sku})}", "DELETE",
                      self.url("catalog", "/api/admin/products/{id}"), role=self.spec.admin_role)
        intent = self.compensate.intent(f"delete test product {sku} of {vendor.email}", url, sweep=found)
        response = self.http.post(url, headers=vendor.headers,
                                  json={"sku": sku, "name": f"golive test item {self.compensate.tag}",
                                        "price_paise": price_paise})
        self.compensate.refused(intent, response.status_code)
        product = answer(response, 201, "the vendor lists a product", "an approved vendor must be able to list products")
        self.compensate.undo(f"delete test product {product['id']}", "DELETE",
                             self.url("catalog", f"/api/admin/products/{product['id']}"), role=self.spec.admin_role,
                             intent=intent)
        return product

    def ship(self, vendor: Account, order: dict[str, Any]) -> dict[str, Any]:
        return answer(self.http.patch(self.url("order", f"/api/vendor/orders/{order['id']}"), headers=vendor.headers,
                                      json={"status": "shipped"}), 200, "the vendor ships the order",
                      "OrderService must let the product's vendor ship a paid order")

    # --- buying -----------------------------------------------------------------------------------------
    def catalog(self, buyer: Account) -> list[dict[str, Any]]:
        body = answer(self.http.get(self.url("catalog", "/api/products"), headers=buyer.headers), 200,
                      "catalog listing", "CatalogService must list products to buyers")
        return body["items"]

    def order_reference(self) -> str:
        """One reference per order, starting with the run tag: the admin's order search finds the one
        order whose answer was lost, never an order another check is still using."""
        return f"{self.compensate.tag}-{secrets.token_hex(3)}"

    def place_order(self, buyer: Account, product: dict[str, Any], quantity: int,
                    reference: str | None = None) -> dict[str, Any]:
        url = self.url("order", "/api/orders")
        reference = reference or self.order_reference()
        found = Sweep(f"{self.url('order', '/api/admin/orders')}?{urlencode({'reference': reference})}", "POST",
                      self.url("order", "/api/admin/orders/{id}/cancel"), role=self.spec.admin_role)
        intent = self.compensate.intent(f"cancel test order of {buyer.email} (reference {reference})", url, sweep=found)
        response = self.http.post(url, headers=buyer.headers,
                                  json={"product_id": product["id"], "quantity": quantity, "reference": reference})
        self.compensate.refused(intent, response.status_code)
        order = answer(response, 201, "order placement", "OrderService must accept a buyer's order")
        self.compensate.undo(f"cancel test order {order['id']}", "POST",
                             self.url("order", f"/api/admin/orders/{order['id']}/cancel"), role=self.spec.admin_role,
                             intent=intent)
        return order

    def payment_order(self, buyer: Account, order: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """A Razorpay order for ``order`` and the payment PaymentService stored for it (None: not
        stored), its undo in the ledger first: an admin settles it (refunds what was paid, voids what
        was not). A crash before its id came back is found by the order's id."""
        create_url, settle = self.url("payment", "/api/checkout/orders"), "/api/admin/checkout/{id}/refund"
        found = Sweep(f"{self.url('payment', '/api/admin/checkout')}?{urlencode({'order_id': order['id']})}", "POST",
                      self.url("payment", settle), role=self.spec.admin_role)
        intent = self.compensate.intent(f"settle the test payment order of order {order['id']}", create_url,
                                        sweep=found)
        response = self.http.post(create_url, headers=buyer.headers, json={"order_id": order["id"]})
        self.compensate.refused(intent, response.status_code)
        checkout = answer(response, 201, "Razorpay order creation",
                          "PaymentService must create a Razorpay order for the order total")
        stored = self._read(self.url("payment", f"/api/checkout/by-order/{order['id']}"), buyer.headers,
                            "reading the payment order back")
        if stored is not None:  # otherwise the intent's sweep looks for it at teardown
            self.compensate.undo(f"settle test payment order {stored['id']}", "POST",
                                 self.url("payment", settle.replace("{id}", str(stored["id"]))),
                                 role=self.spec.admin_role, intent=intent)
        return checkout, stored

    def open_checkout(self, buyer: Account, order: dict[str, Any]) -> dict[str, Any]:
        """The system's own checkout: the Razorpay order it creates for the order total (in the ledger)."""
        return self.payment_order(buyer, order)[0]

    def pay(self, buyer: Account, order: dict[str, Any]) -> dict[str, Any]:
        """Pay like Razorpay's checkout: its callback fields, signed with the key secret (test keys); with a
        live key a person pays the order's payment link."""
        if self.payer is not None:
            return dict(self.payer.pay(self, buyer, order))
        checkout = self.open_checkout(buyer, order)
        payment_id = f"pay_{secrets.token_hex(7)}"
        signature = razorpay_payment_signature(self.spec.checkout.key_secret, checkout["razorpay_order_id"], payment_id)
        return answer(self.http.post(self.url("payment", "/api/checkout/verify"), headers=buyer.headers,
                                     json={"razorpay_order_id": checkout["razorpay_order_id"],
                                           "razorpay_payment_id": payment_id, "razorpay_signature": signature}),
                      200, "payment verification", "PaymentService must verify the checkout signature and capture")

    def order(self, who: Account, order_id: int) -> dict[str, Any]:
        return answer(self.http.get(self.url("order", f"/api/orders/{order_id}"), headers=who.headers), 200,
                      "reading the order back", "OrderService must return the buyer's order")

    def payment_of(self, who: Account, order_id: int) -> dict[str, Any]:
        return answer(self.http.get(self.url("payment", f"/api/checkout/by-order/{order_id}"), headers=who.headers),
                      200, "reading the payment back", "PaymentService must return the order's payment")

    def cancel_response(self, order: dict[str, Any]) -> httpx.Response:
        """The admin's cancel (which refunds a paid order), answered as it is."""
        return self.http.post(self.url("order", f"/api/admin/orders/{order['id']}/cancel"), headers=self.admin)

    def cancel(self, order: dict[str, Any]) -> dict[str, Any]:
        return answer(self.http.post(self.url("order", f"/api/admin/orders/{order['id']}/cancel"), headers=self.admin),
                      200, "cancelling the paid order", "OrderService must cancel and refund")

    def notifications(self, who: Account, order_id: int) -> list[dict[str, Any]]:
        body = answer(self.http.get(self.url("notification", f"/api/notifications?order_id={order_id}"),
                                    headers=who.headers), 200, "reading the notifications",
                      "NotificationService must list a user's notifications")
        return body["items"]

    # --- records: each service stores, returns and deletes a tagged record ---------------------------
    def _read(self, url: str, headers: dict[str, str], step: str) -> dict[str, Any] | None:
        response = self.http.get(url, headers=headers)
        if response.status_code == 404:
            return None
        return answer(response, 200, step, "the service must return the records it stores")

    def _delete(self, method: str, url: str) -> int:
        return self.http.request(method, url, headers=self.admin).status_code

    def stored_user(self) -> StoredRecord:
        email, _ = self.create_user(self.spec.customer_role)
        url = self.url("identity", f"/api/admin/users/{email}")
        return StoredRecord("identity", f"user {email}", {"email": email, "role": self.spec.customer_role},
                            lambda: self._read(url, self.admin, "reading the test user back"),
                            lambda: self._delete("DELETE", url))

    def stored_vendor(self) -> StoredRecord:
        """A vendor registration; deleting the vendor's account deletes its record."""
        email, password = self.create_user(self.spec.vendor_role)
        self.register_vendor(self.sign_in(email, password))
        url = self.url("vendor", f"/api/admin/vendors/{email}")
        return StoredRecord("vendor", f"vendor registration {email}",
                            {"email": email, "business_name": f"golive test vendor {self.compensate.tag}"},
                            lambda: self._read(url, self.admin, "reading the vendor registration back"),
                            lambda: self._delete("DELETE", self.url("identity", f"/api/admin/users/{email}")))

    def stored_product(self, vendor: Account, price_paise: int) -> tuple[StoredRecord, dict[str, Any]]:
        product = self.list_product(vendor, price_paise)

        def listed() -> dict[str, Any] | None:
            return next((item for item in self.catalog(vendor) if item.get("id") == product["id"]), None)

        record = StoredRecord("catalog", f"product {product['id']}", {"sku": product["sku"], "name": product["name"],
                                                                       "price_paise": price_paise}, listed,
                              lambda: self._delete("DELETE", self.url("catalog", f"/api/admin/products/{product['id']}")))
        return record, product

    def stored_order(self, buyer: Account, product: dict[str, Any]) -> tuple[StoredRecord, dict[str, Any]]:
        """An order; orders are kept for the books, so its deletion is the admin's cancel."""
        reference = self.order_reference()
        order = self.place_order(buyer, product, quantity=1, reference=reference)
        url = self.url("order", f"/api/orders/{order['id']}")
        record = StoredRecord("order", f"order {order['id']}", {"reference": reference, "status": "created"},
                              lambda: self._read(url, buyer.headers, "reading the test order back"),
                              lambda: self._delete("POST", self.url("order", f"/api/admin/orders/{order['id']}/cancel")),
                              deletion="cancelled")
        return record, order

    def stored_payment_order(self, buyer: Account, order: dict[str, Any]) -> StoredRecord:
        """A Razorpay order for the test order (nothing is paid); an admin voids it."""
        checkout, stored = self.payment_order(buyer, order)
        url = self.url("payment", f"/api/checkout/by-order/{order['id']}")
        if stored is None:  # without its id it can be neither read nor voided
            raise CheckFailed("the payment order was not stored", expected=f"a payment for order {order['id']}",
                              found="HTTP 404", where=url, fix="PaymentService must save the Razorpay orders it creates")
        void_url = self.url("payment", f"/api/admin/checkout/{stored['id']}")
        return StoredRecord("payment", f"payment order {checkout['razorpay_order_id']}",
                            {"razorpay_order_id": checkout["razorpay_order_id"], "order_id": order["id"],
                             "status": "created"},
                            lambda: self._read(url, buyer.headers, "reading the payment order back"),
                            lambda: self._delete("DELETE", void_url))

    def order_confirmations(self, buyer: Account, order: dict[str, Any]) -> list[dict[str, Any]]:
        """The confirmations (one per channel) placing the test order recorded, each deleted at teardown."""
        placed = [note for note in self.notifications(buyer, order["id"]) if note.get("template") == "order_placed"]
        for note in placed:
            self.compensate.undo(f"delete test notification {note['id']}", "DELETE",
                                 self.url("notification", f"/api/admin/notifications/{note['id']}"),
                                 role=self.spec.admin_role)
        return placed

    def stored_order_confirmation(self, buyer: Account, order: dict[str, Any]) -> StoredRecord:
        """The confirmation NotificationService recorded for the test order (every channel is deleted)."""
        placed = self.order_confirmations(buyer, order)
        if not placed:
            raise CheckFailed("placing an order recorded no confirmation", expected="an order_placed notification",
                              found=f"none for order {order['id']}", where="NotificationService",
                              fix="NotificationService must record the order confirmation it sends")
        first = placed[0]

        def recorded() -> dict[str, Any] | None:
            return next((note for note in self.notifications(buyer, order["id"]) if note.get("id") == first["id"]), None)

        return StoredRecord("notification", f"notification {first['id']}",
                            {"order_id": order["id"], "template": "order_placed"}, recorded,
                            lambda: self._delete("DELETE", self.url("notification",
                                                                    f"/api/admin/notifications/{first['id']}")))

    def stored_subscription(self) -> StoredRecord:
        """A partner webhook subscription in IntegrationService, aimed at the test domain (never a real partner)."""
        name = f"golive {self.compensate.tag}"
        sent = {"name": name, "event": "order.created",
                "target_url": f"https://{self.spec.test_email_domain}/golive/{self.compensate.tag}"}
        create_url = self.url("integration", "/api/admin/integrations/subscriptions")
        # the name is golive's choice: the admin's search by name finds one whose answer was lost
        found = Sweep(f"{create_url}?{urlencode({'name': name})}", "DELETE",
                      self.url("integration", "/api/admin/integrations/subscriptions/{id}"), role=self.spec.admin_role)
        intent = self.compensate.intent(f"delete test subscription {name}", create_url, sweep=found)
        response = self.http.post(create_url, headers=self.admin, json=sent)
        self.compensate.refused(intent, response.status_code)
        created = answer(response, 201, "the admin adds a webhook subscription",
                         "IntegrationService must store partner subscriptions")
        self.compensate.undo(f"delete test subscription {created['id']}", "DELETE",
                             self.url("integration", f"/api/admin/integrations/subscriptions/{created['id']}"),
                             role=self.spec.admin_role, intent=intent)
        url = self.url("integration", f"/api/admin/integrations/subscriptions/{created['id']}")
        return StoredRecord("integration", f"subscription {created['id']}", sent,
                            lambda: self._read(url, self.admin, "reading the subscription back"),
                            lambda: self._delete("DELETE", url))
