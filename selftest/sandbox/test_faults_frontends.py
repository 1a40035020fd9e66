"""The front-end apps' own pages (Arogya's web shop and POS, RealServ's web app) on origins of their
own, the Razorpay emulator's hosted checkout page, and the faults of the browser journeys. The
journeys themselves run in Chromium in golive's runs (the fault matrix)."""

from __future__ import annotations

import re

from sandbox.routes.app_pages import SCRIPT_PATH
from selftest.sandbox.conftest import PORT

AROGYA = {"SANDBOX_FLAVOR": "arogya"}
REALSERV = {"SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "pages-selftest",
            "SANDBOX_FIREBASE_API_KEY": "pages-selftest-key",
            "SANDBOX_RAZORPAY_KEY_ID": "rzp_test_PagesSelftest", "SANDBOX_RAZORPAY_KEY_SECRET": "pages-selftest-secret"}
POS_ORIGIN = f"http://pos.localhost:{PORT}"
SHOP_ORIGIN = f"http://shop.localhost:{PORT}"


def allowed_origin(client, origin: str) -> str | None:
    preflight = client.options("/api/pos/login", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                          "Access-Control-Request-Headers": "content-type"})
    return preflight.headers.get("access-control-allow-origin")


def meta(page: str, name: str) -> str:
    found = re.search(rf'<meta name="{name}" content="([^"]*)">', page)
    assert found, name
    return found.group(1)


def test_each_app_is_allowed_from_its_own_origin_only(make_client) -> None:
    client = make_client(env=AROGYA)
    assert allowed_origin(client, POS_ORIGIN) == POS_ORIGIN
    assert allowed_origin(client, SHOP_ORIGIN) == SHOP_ORIGIN
    assert allowed_origin(client, f"http://evil.localhost:{PORT}") is None


def test_the_apps_pages_call_the_api_on_another_origin(make_client) -> None:
    client = make_client(env=AROGYA)
    login = client.get("/pos/login").text
    assert meta(login, "api-base") == f"http://127.0.0.1:{PORT}"
    assert (meta(login, "login-path"), meta(login, "home-page")) == ("/api/pos/login", "/pos/till")
    till = client.get("/pos/till").text
    assert 'id="bill-reference"' in till and 'data-testid="receipt"' in till
    shop = client.get("/web/shop").text
    assert 'data-testid="catalog"' in shop and 'id="checkout"' not in shop  # Arogya's shop takes no online payment
    script = client.get(SCRIPT_PATH)
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "<script>" not in login  # no inline script: the CSP forbids it


def test_realserv_web_app_signs_in_with_firebase_through_the_gateway(make_client) -> None:
    page = make_client(env=REALSERV).get("/web/shop").text
    assert meta(page, "login-path") == "/firebase/v1/accounts:signInWithPassword?key=pages-selftest-key"
    assert meta(page, "me-path") == "/gateway/identity/api/users/me"
    assert meta(page, "checkout-url") == f"http://127.0.0.1:{PORT}/_emulators/razorpay/v1/checkout/embedded"
    assert 'id="checkout"' in page and 'id="greeting"' in page


def test_razorpay_hosted_checkout_shows_the_order_for_the_accounts_key(make_client) -> None:
    client = make_client(env=REALSERV)
    path = "/_emulators/razorpay/v1/checkout/embedded"
    shown = client.get(path, params={"key_id": "rzp_test_PagesSelftest", "order_id": "order_Abc123", "amount": 24900})
    assert shown.status_code == 200
    assert 'data-testid="razorpay-checkout"' in shown.text and "order_Abc123" in shown.text and "INR 249.00" in shown.text
    wrong_key = client.get(path, params={"key_id": "rzp_test_Other", "order_id": "order_Abc123", "amount": 24900})
    assert wrong_key.status_code == 400 and "razorpay-checkout" not in wrong_key.text


def test_fault_pos_origin_not_allowed(make_client) -> None:
    client = make_client("pos_origin_not_allowed", env=AROGYA)
    assert allowed_origin(client, POS_ORIGIN) is None
    assert allowed_origin(client, SHOP_ORIGIN) == SHOP_ORIGIN  # only the POS origin was left out


def test_fault_web_page_script_error(make_client) -> None:
    page = make_client("web_page_script_error", env=REALSERV).get("/web/shop").text
    assert 'data-testid="signed-in"' in page
    assert 'id="greeting"' not in page  # the script writes into it unguarded after sign-in


def test_fault_shop_checkout_button_dead(make_client) -> None:
    client = make_client("shop_checkout_button_dead", env=REALSERV)
    page = client.get("/web/shop").text
    assert ">Checkout</button>" in page and 'id="checkout"' not in page
    assert 'byId("checkout")' in client.get(SCRIPT_PATH).text  # the script still binds the old id
