"""Journeys through every front-end in real Chromium: each origin (admin, web shop, POS) signs in
through its own page with no CORS error or failed request, a store user bills a sale on the POS page,
a buyer goes from the shop's catalog through the cart to the payment provider's checkout page.

A failed journey attaches a screenshot, the browser console and a Playwright trace (``journey``).
The sale and the order are created through the pages with the run's reference typed in, announced
to the ledger before the click that creates them, and found by that reference and cancelled afterwards.
"""

from __future__ import annotations

import secrets
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from golive import check, expect, unverified
from golive.browser import alert_text, frame_under, sign_in, text_when_shown
from golive.ledger import Sweep
from golive.profile import Auth, Frontend

# undoing an order that is cancelled already is fine: 409 says "nothing left to cancel"
CANCEL_OK = (200, 201, 202, 204, 404, 409)
CHECKOUT_CALLS = 2


def signed_in(frontend: Frontend, auth_config: Auth, journey: Any, reachability: Any) -> None:
    """Sign in through the front-end's own page as its role; a page that never shows the signed-in
    element fails, with what the browser said."""
    credentials = auth_config.roles[frontend.role]
    if not credentials.username or not credentials.password:
        unverified(f"role {frontend.role!r} has no username and password to type into the {frontend.name} page")
    shown = sign_in(journey.page, frontend, credentials.username, credentials.password, reachability)
    expect.true(bool(shown) and frontend.signed_in_text in shown,
                f"{frontend.role} did not reach the signed-in page of the {frontend.name} front-end",
                expected=f"{frontend.signed_in_selector} showing {frontend.signed_in_text!r}",
                found=f"{shown!r} at {journey.page.url}" + shows(journey, frontend.error_selector) + said(journey),
                where=str(frontend.url),
                fix="open the page in a browser with devtools and sign in")


def shows(journey: Any, error_selector: str | None) -> str:
    alert = alert_text(journey.page, error_selector)
    return f"; the page says: {alert!r}" if alert else ""


def said(journey: Any) -> str:
    errors = journey.console.errors
    return f"; browser said: {' | '.join(errors[:3])}" if errors else ""


def no_console_errors(journey: Any, what: str, fix: str) -> None:
    calls = journey.console.cross_origin_calls
    expect.true(not journey.console.errors, f"{what} logged errors in the browser console",
                expected="no console error, uncaught exception or failed request",
                found=" | ".join(journey.console.errors[:5]), where=journey.page.url,
                fix=fix + (f" (the page's cross-origin API calls: {', '.join(calls[:5])})" if calls else ""))


def reference_for(compensate: Any) -> str:
    """The run's tag plus a suffix: what the journey types into the page, and how cleanup finds it."""
    return f"{compensate.tag}-{secrets.token_hex(3)}"


@check("BRW-ORIGIN-001", "Each front-end origin signs in through its own page with no CORS error or failed request",
       critical=True, items=["arogya:S0-TASK-03", "arogya:S0-EXIT-03", "realserv:SEC-NET-05"], gates=["S0"])
def test_frontend_signs_in_through_its_own_page(frontend, auth_config, journey, reachability):
    signed_in(frontend, auth_config, journey, reachability)
    no_console_errors(journey, f"the {frontend.name} front-end",
                      fix=f"add the {frontend.name} origin to the API's CORS allow-list, or fix the page's scripts")


@check("BRW-POS-001", "A store user mapped to a store bills a sale through the POS page", critical=True,
       safety="mutating", items=["arogya:S4-TASK-04"], gates=["S4"])
def test_store_user_bills_a_sale_on_the_pos_page(pos_sale, auth_config, journey, reachability, stock, compensate):
    sale, pos = pos_sale
    reference = reference_for(compensate)
    bills = stock.order_sweep(reference, pos.role, CANCEL_OK)  # a POS bill is an order of the store's
    if bills is None:
        unverified("the profile names no order list and cancellation (flows.paths.orders, cancel): "
                   "a bill made through the page could not be found and undone")
    signed_in(pos, auth_config, journey, reachability)
    page = journey.page
    page.fill(sale.item_selector, sale.item_code)
    if sale.quantity_selector:
        page.fill(sale.quantity_selector, "1")
    page.fill(sale.reference_selector, reference)
    compensate.intent(f"cancel the POS bill {reference} billed through the {pos.name} page", bills.list_url,
                      sweep=bills)
    page.click(sale.bill_selector)
    receipt = text_when_shown(page, sale.receipt_selector, sale.receipt_text, until=pos.error_selector)
    page.wait_for_load_state("networkidle")
    expect.true(bool(receipt) and sale.receipt_text in receipt, "the POS page did not bill the sale",
                expected=f"{sale.receipt_selector} showing {sale.receipt_text!r}",
                found=f"{receipt!r}" + shows(journey, pos.error_selector) + said(journey),
                where=page.url, fix="map every store user to a store (runbook S1 user import) and check the till")
    no_console_errors(journey, "the POS page", fix="fix the POS page's scripts or its failing API calls")


@check("BRW-SHOP-001", "A buyer goes from the shop's catalog through the cart to the Razorpay checkout page",
       critical=True, safety="mutating", items=["realserv:TEST-E2E-01"])
def test_buyer_reaches_checkout_from_the_catalog(shop_checkout, profile, auth_config, journey, reachability,
                                                 compensate):
    checkout, shop = shop_checkout
    reference = reference_for(compensate)
    service = profile.service(checkout.cleanup.service)
    orders = Sweep(f"{service.url(checkout.cleanup.list_path)}?reference={reference}", "POST",
                   service.url(checkout.cleanup.cancel_path), role=checkout.cleanup.role, ok=CANCEL_OK)
    signed_in(shop, auth_config, journey, reachability)
    page = journey.page
    page.locator(checkout.add_to_cart_selector).first.click()
    if checkout.cart_selector:
        page.click(checkout.cart_selector)
    page.fill(checkout.reference_selector, reference)
    compensate.intent(f"cancel the order {reference} placed through the {shop.name} page", orders.list_url,
                      sweep=orders)
    if checkout.payments:  # the page creates a payment order too: settled first (newest first), by the reference
        payments = checkout.payments
        ledgered = profile.service(payments.service)
        compensate.intent(f"settle the payment order of the order {reference} placed through the {shop.name} page",
                          ledgered.url(payments.list_path),
                          sweep=Sweep(f"{ledgered.url(payments.list_path)}?reference={reference}", "POST",
                                      ledgered.url(payments.settle_path), role=payments.role))
    calls_before = len(journey.console.cross_origin_calls)
    prefix = str(checkout.checkout_url)
    try:
        # the order and the payment order: two API calls, then the checkout page
        with page.expect_event("framenavigated", predicate=lambda frame: frame.url.startswith(prefix),
                               timeout=CHECKOUT_CALLS * profile.http_timeout_s * 1000):
            page.locator(checkout.checkout_selector).first.click()
    except PlaywrightTimeout:
        pass  # judged below, with what the page did instead
    reached = frame_under(page, prefix)
    calls = journey.console.cross_origin_calls[calls_before:]
    expect.true(bool(reached), "the checkout button did not lead to the Razorpay checkout page",
                expected=f"a page or frame under {prefix}",
                found=f"still at {page.url}; API calls after the click: {', '.join(calls) or 'none'}" + said(journey),
                where=page.url, fix="check the checkout button's handler and the order and payment calls it makes")
    if checkout.checkout_shown_selector:
        frame = next(frame for frame in page.frames if frame.url == reached)
        shown = text_when_shown(frame, checkout.checkout_shown_selector)
        expect.true(bool(shown), "the Razorpay checkout page did not show the order",
                    expected=f"{checkout.checkout_shown_selector} on {reached}", found=f"{shown!r}", where=reached,
                    fix="check the key id and order id the shop hands to the checkout")
    no_console_errors(journey, "the shop's pages", fix="fix the shop's scripts or its failing API calls")
