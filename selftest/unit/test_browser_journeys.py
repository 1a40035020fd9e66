"""The browser journeys' own logic: the profile's front-ends and journeys (roles, names, references),
and the Playwright trace a failed journey attaches, with every secret masked."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from pydantic import ValidationError

from golive.browser import frame_under, redact_trace
from golive.profile import Profile
from golive.redaction import MASK, Redactor

PASSWORD = "cashier-pw-5678"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYXNoaWVyIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def frontend(name: str, role: str = "cashier") -> dict[str, str]:
    return {"name": name, "url": f"https://{name}.shop.test/login", "role": role,
            "signed_in_selector": "[data-testid=signed-in]"}


SALE = {"frontend": "pos", "item_selector": "#code", "item_code": "8907654321012", "reference_selector": "#ref",
        "bill_selector": "#bill", "receipt_selector": "#receipt"}
CHECKOUT = {"frontend": "shop", "add_to_cart_selector": ".add", "reference_selector": "#note",
            "checkout_selector": "#checkout", "checkout_url": "https://api.razorpay.com/v1/checkout/embedded",
            "cleanup": {"service": "api", "list_path": "/api/admin/orders", "cancel_path": "/api/orders/{id}/cancel",
                        "role": "admin"}}


def test_frontends_and_journeys_load_and_are_found_by_name(profile_data):
    browser = {"frontends": [frontend("shop"), frontend("pos")], "pos_sale": SALE, "shop_checkout": CHECKOUT}
    profile = Profile.model_validate(profile_data(browser=browser))
    assert profile.browser.frontend("pos").role == "cashier"
    assert profile.browser.frontend("admin") is None
    assert profile.browser.frontends[0].error_selector == "[role=alert]"  # a LoginPage like the admin's


def test_front_end_roles_must_be_auth_roles_and_names_unique(profile_data):
    browser = {"frontends": [frontend("shop", role="buyer"), frontend("shop")]}
    with pytest.raises(ValidationError) as raised:
        Profile.model_validate(profile_data(browser=browser))
    assert "browser.frontends names must be unique" in str(raised.value)
    assert "browser.frontends[shop].role 'buyer' is not in auth.roles" in str(raised.value)


def test_journeys_must_start_on_a_named_front_end_and_clean_up_on_a_known_service(profile_data):
    checkout = {**CHECKOUT, "cleanup": {**CHECKOUT["cleanup"], "service": "orders", "role": "auditor"}}
    browser = {"frontends": [frontend("web")], "pos_sale": SALE, "shop_checkout": checkout}
    with pytest.raises(ValidationError) as raised:
        Profile.model_validate(profile_data(browser=browser))
    message = str(raised.value)
    assert "browser.pos_sale.frontend 'pos' is not one of browser.frontends ['web']" in message
    assert "browser.shop_checkout.frontend 'shop' is not one of browser.frontends ['web']" in message
    assert "browser.shop_checkout.cleanup.role 'auditor' is not in auth.roles" in message
    assert "browser.shop_checkout.cleanup.service names service 'orders'" in message


def test_false_says_there_is_no_front_end_and_missing_says_nothing(profile_data):
    assert Profile.model_validate(profile_data(browser={"frontends": False})).browser.frontends is False
    assert Profile.model_validate(profile_data()).browser.frontends is None


def trace_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_trace_keeps_its_shape_and_loses_every_secret():
    # what Playwright records: the typed password, the bearer header, a token in an answer body
    actions = [{"type": "before", "callId": "call@7", "method": "fill", "params": {"selector": "#password",
                                                                                      "value": PASSWORD}},
               {"type": "after", "callId": "call@7"}]
    network = [{"type": "resource-snapshot", "snapshot": {"request": {"url": "https://api.shop.test/api/me",
               "headers": [{"name": "Authorization", "value": f"Bearer {TOKEN}"}]}}}]
    answer = json.dumps({"access_token": TOKEN, "refreshToken": "opaque-refresh-value-77", "email": "a@shop.test"})
    original = trace_zip({"trace.trace": "\n".join(json.dumps(a) for a in actions).encode() + b"\n",
                          "trace.network": "\n".join(json.dumps(n) for n in network).encode(),
                          "resources/0a1b2c.json": answer.encode(), "resources/page@1.jpeg": PNG})

    cleaned = zipfile.ZipFile(io.BytesIO(redact_trace(original, Redactor([PASSWORD]))))

    everything = b"".join(cleaned.read(name) for name in cleaned.namelist())
    for secret in (PASSWORD, TOKEN, "opaque-refresh-value-77"):
        assert secret.encode() not in everything, secret
    assert cleaned.namelist() == ["trace.trace", "trace.network", "resources/0a1b2c.json", "resources/page@1.jpeg"]
    assert cleaned.read("resources/page@1.jpeg") == PNG  # screenshots are kept as they are
    lines = cleaned.read("trace.trace").decode().split("\n")
    assert [json.loads(line)["callId"] for line in lines if line] == ["call@7", "call@7"]  # still JSON lines
    assert json.loads(lines[0])["params"] == {"selector": "#password", "value": MASK}
    assert json.loads(cleaned.read("resources/0a1b2c.json"))["email"] == "a@shop.test"


class Frame:
    def __init__(self, url: str) -> None:
        self.url = url


class Page:
    def __init__(self, *urls: str) -> None:
        self.frames = [Frame(url) for url in urls]


def test_the_checkout_is_reached_as_the_page_or_as_a_frame():
    checkout = "https://api.razorpay.com/v1/checkout/embedded"
    assert frame_under(Page(f"{checkout}?order_id=order_1"), checkout) == f"{checkout}?order_id=order_1"
    assert frame_under(Page("https://shop.test/cart", f"{checkout}?x=1"), checkout) == f"{checkout}?x=1"
    assert frame_under(Page("https://shop.test/cart"), checkout) == ""

