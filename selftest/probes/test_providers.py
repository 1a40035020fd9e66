"""Provider probes against fixed vectors, and the provider clients against respx-mocked APIs."""

from __future__ import annotations

import base64

import httpx
import pytest
import respx

from golive.http import HttpClient
from golive.probes.findings import names
from golive.probes.providers import (
    checkout_signature,
    distance_km,
    evaluate_authenticated,
    evaluate_business_number,
    evaluate_checkout_records,
    evaluate_checkout_signature,
    evaluate_firebase_project,
    evaluate_other_project_refused,
    evaluate_geocode,
    evaluate_key_mode,
    evaluate_mail_accepted,
    evaluate_refund,
    evaluate_scopes,
    evaluate_verification_states,
    razorpay_key_mode,
    wamid_of,
)
from golive.profile_integrations import Integrations, Razorpay, TwilioVerify
from golive.providers.razorpay import RazorpayClient
from golive.providers.twilio import TwilioVerifyClient

# reference/providers.md: secret test_secret, message order_test123|pay_test456
CHECKOUT_VECTOR = "80c5e4f6be6e2acc8efac61036a58f99b47ead0f6b93feff0ca5cfd41054f0f0"


def test_checkout_signature_matches_the_reference_vector():
    assert checkout_signature("test_secret", "order_test123", "pay_test456") == CHECKOUT_VECTOR
    assert evaluate_checkout_signature("test_secret", "order_test123", "pay_test456", CHECKOUT_VECTOR) == []
    assert names(evaluate_checkout_signature("other", "order_test123", "pay_test456", CHECKOUT_VECTOR)) == [
        "razorpay-checkout-signature-mismatch"]
    assert names(evaluate_checkout_signature("test_secret", "order_test123", "pay_test456", "")) == [
        "razorpay-checkout-signature-mismatch"]


@pytest.mark.parametrize(("key_id", "mode"), [("rzp_live_Abc", "live"), ("rzp_test_Abc", "test"), ("key", "unknown")])
def test_razorpay_key_mode(key_id, mode):
    assert razorpay_key_mode(key_id) == mode


def test_key_mode_and_authentication_findings():
    assert evaluate_key_mode("razorpay", "live", "live") == []
    assert names(evaluate_key_mode("razorpay", "test", "live")) == ["razorpay-key-mode"]
    assert evaluate_authenticated("twilio", 200) == []
    assert names(evaluate_authenticated("twilio", 401)) == ["twilio-credentials-refused"]
    assert "404" in evaluate_authenticated("twilio", 404)[0].found
    assert evaluate_scopes("sendgrid", ["mail.send"], ["mail.send"]) == []
    assert names(evaluate_scopes("sendgrid", ["messages.read"], ["mail.send"])) == ["sendgrid-scope-missing"]


def test_refund_and_otp_states():
    assert evaluate_refund({"amount_refunded": 100}, {"status": "processed", "amount": 100}, 100) == []
    assert names(evaluate_refund({"amount_refunded": 0}, {"status": "failed", "amount": 100}, 100)) == [
        "razorpay-refund-not-accepted", "razorpay-payment-not-refunded"]
    assert evaluate_verification_states("pending", "approved") == []
    assert names(evaluate_verification_states("approved", "approved")) == ["otp-wrong-code-not-pending"]
    assert names(evaluate_verification_states("pending", "pending")) == ["otp-right-code-not-approved"]


def test_mail_acceptance():
    assert evaluate_mail_accepted(202, "abc") == []
    assert names(evaluate_mail_accepted(200, None)) == ["sendgrid-sandbox-mode"]
    assert names(evaluate_mail_accepted(202, None)) == ["sendgrid-no-message-id"]
    assert names(evaluate_mail_accepted(403, None)) == ["sendgrid-mail-refused"]


def test_business_number_compares_digits_only():
    assert evaluate_business_number({"display_phone_number": "+91 80 4000 1234"}, "+918040001234") == []
    assert names(evaluate_business_number({"display_phone_number": "+1 555-025-3483", "verified_name": "Test Number"},
                                          "+91 80 4000 1234")) == ["whatsapp-number-of-another-business"]
    assert wamid_of({"messages": [{"id": "wamid.HBgL"}]}) == "wamid.HBgL"
    assert wamid_of({"messages": []}) is None and wamid_of({"error": {}}) is None


def test_geocode_distance_and_status():
    # Bengaluru MG Road to Connaught Place, New Delhi: about 1,740 km
    assert 1700 < distance_km(12.9756, 77.6050, 28.6315, 77.2167) < 1780
    ok = {"status": "OK", "results": [{"geometry": {"location": {"lat": 12.9757, "lng": 77.6051}}}]}
    assert evaluate_geocode(ok, 12.9756, 77.6050, 1.0) == []
    assert names(evaluate_geocode(ok, 28.6315, 77.2167, 1.0)) == ["maps-geocode-wrong-place"]
    assert names(evaluate_geocode({"status": "REQUEST_DENIED", "results": []}, 0, 0, 1)) == ["maps-geocode-not-ok"]
    assert names(evaluate_geocode({"status": "OK", "results": []}, 0, 0, 1)) == ["maps-geocode-malformed"]


def test_integrations_declared_and_unsaid():
    integrations = Integrations(razorpay=Razorpay(base_url="https://api.razorpay.com/v1", key_id="rzp_live_x",
                                                  key_secret="s"), twilio=False)
    assert list(integrations.declared()) == ["razorpay"]
    assert integrations.unsaid() == ["sendgrid", "whatsapp", "shiprocket", "maps"]


@respx.mock
def test_razorpay_client_sends_basic_auth_and_rupee_orders():
    route = respx.post("https://api.razorpay.com/v1/orders").mock(return_value=httpx.Response(200, json={"id": "o"}))
    config = Razorpay(base_url="https://api.razorpay.com/v1", key_id="rzp_test_k", key_secret="s3cret")
    with HttpClient(safety="money", retries=0) as http:
        RazorpayClient(http, config).create_order("golive-run", {"purpose": "check"})
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"rzp_test_k:s3cret").decode()
    assert httpx.Response(200, content=sent.content).json() == {
        "amount": 100, "currency": "INR", "receipt": "golive-run", "notes": {"purpose": "check"}}


@respx.mock
def test_twilio_client_posts_form_encoded_checks():
    service = "VA" + "0" * 32
    route = respx.post(f"https://verify.twilio.com/v2/Services/{service}/VerificationCheck").mock(
        return_value=httpx.Response(200, json={"status": "approved"}))
    config = TwilioVerify(base_url="https://verify.twilio.com/v2", account_sid="AC1", auth_token="t",
                          service_sid=service, test_number="+15005550006")
    with HttpClient(safety="mutating", retries=0) as http:
        TwilioVerifyClient(http, config).check("123456")
    sent = route.calls.last.request
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.content == b"To=%2B15005550006&Code=123456"


def test_firebase_project_claims():
    claims = {"iss": "https://securetoken.google.com/realserv-prod", "aud": "realserv-prod", "sub": "u1"}
    assert evaluate_firebase_project(claims, "realserv-prod") == []
    assert names(evaluate_firebase_project({**claims, "aud": "realserv-staging"}, "realserv-prod")) == [
        "firebase-wrong-project"]
    assert names(evaluate_firebase_project({**claims, "sub": ""}, "realserv-prod")) == ["firebase-wrong-project"]
    assert evaluate_other_project_refused(200, 401) == []
    assert names(evaluate_other_project_refused(200, 200)) == ["firebase-other-project-accepted"]
    assert names(evaluate_other_project_refused(401, 401)) == ["firebase-own-token-refused"]


def test_checkout_records_booked_once():
    paid = {"status": "paid", "payments": [{"amount": 100}], "invoices": [{"kind": "invoice"}]}
    assert evaluate_checkout_records(paid, "paid", 100, {"invoice": 1}) == []
    twice = {**paid, "payments": [{"amount": 100}] * 2, "invoices": [{"kind": "invoice"}] * 2}
    assert names(evaluate_checkout_records(twice, "paid", 100, {"invoice": 1})) == [
        "checkout-payment-booked-wrong", "checkout-documents-booked-wrong"]
    refunded = {"status": "refunded", "payments": [{"amount": 100}],
                "invoices": [{"kind": "invoice"}, {"kind": "credit_note"}]}
    assert evaluate_checkout_records(refunded, "refunded", 100, {"invoice": 1, "credit_note": 1}) == []
    assert names(evaluate_checkout_records(paid, "refunded", 100, {"invoice": 1, "credit_note": 1})) == [
        "checkout-order-status", "checkout-documents-booked-wrong"]
