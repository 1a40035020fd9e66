"""Provider answers judged as data: credentials accepted, key modes, checkout signatures, OTP
states, mail acceptance, WhatsApp numbers, geocodes. Pure functions, no HTTP."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from typing import Any

from golive.probes.findings import Finding

EARTH_RADIUS_KM = 6371.0


# --- credentials and modes -------------------------------------------------------------------------

def razorpay_key_mode(key_id: str) -> str:
    """``live`` / ``test`` from the key id's prefix, ``unknown`` for anything else."""
    if key_id.startswith("rzp_live_"):
        return "live"
    if key_id.startswith("rzp_test_"):
        return "test"
    return "unknown"


def evaluate_key_mode(provider: str, found_mode: str, expected_mode: str) -> list[Finding]:
    if found_mode == expected_mode:
        return []
    return [Finding(f"{provider}-key-mode", f"{provider} credentials in {expected_mode} mode",
                    f"{found_mode} mode credentials",
                    f"configure the {provider} {expected_mode} credentials for this environment")]


def evaluate_authenticated(provider: str, status: int, detail: str = "") -> list[Finding]:
    """A provider call made with the deployment's credentials must not be refused as unauthenticated."""
    if status < 400:
        return []
    what = {401: "credentials refused (401)", 403: "credentials lack permission (403)",
            404: "a configured account object does not exist (404)"}.get(status, f"HTTP {status}")
    return [Finding(f"{provider}-credentials-refused", f"{provider} accepts the configured credentials",
                    f"{what}{': ' + detail if detail else ''}",
                    f"rotate in the current {provider} credentials (secrets manager) and redeploy")]


def evaluate_scopes(provider: str, granted: list[str], needed: list[str]) -> list[Finding]:
    missing = [scope for scope in needed if scope not in granted]
    if not missing:
        return []
    return [Finding(f"{provider}-scope-missing", f"the {provider} key grants {', '.join(needed)}",
                    f"missing {', '.join(missing)}", f"create a {provider} key with the {', '.join(missing)} scope")]


# --- Razorpay ----------------------------------------------------------------------------------------

def checkout_signature(key_secret: str, order_id: str, payment_id: str) -> str:
    """Razorpay's checkout signature: hex HMAC-SHA256(key_secret, order_id|payment_id)."""
    return hmac.new(key_secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


def evaluate_checkout_signature(key_secret: str, order_id: str, payment_id: str, signature: str) -> list[Finding]:
    expected = checkout_signature(key_secret, order_id, payment_id)
    if hmac.compare_digest(expected, signature or ""):
        return []
    return [Finding("razorpay-checkout-signature-mismatch",
                    f"razorpay_signature = HMAC-SHA256(key_secret, {order_id}|{payment_id})",
                    f"{(signature or 'no signature')[:16]}… does not match the configured key secret",
                    "the key secret the deployment verifies with does not belong to the key id it pays with")]


def evaluate_refund(payment: dict[str, Any], refund: dict[str, Any], amount: int) -> list[Finding]:
    findings = []
    if refund.get("status") not in ("processed", "pending") or refund.get("amount") != amount:
        findings.append(Finding("razorpay-refund-not-accepted", f"a refund of {amount} pending or processed",
                                f"status {refund.get('status')}, amount {refund.get('amount')}",
                                "check the account's refund settings and balance"))
    if payment.get("amount_refunded") != amount:
        findings.append(Finding("razorpay-payment-not-refunded", f"payment amount_refunded {amount}",
                                f"amount_refunded {payment.get('amount_refunded')}, status {payment.get('status')}",
                                "the refund did not reach the payment"))
    return findings


# --- Twilio Verify -----------------------------------------------------------------------------------

def evaluate_verification_states(after_wrong: str | None, after_right: str | None) -> list[Finding]:
    findings = []
    if after_wrong != "pending":
        findings.append(Finding("otp-wrong-code-not-pending", "a wrong code leaves the verification pending",
                                f"status {after_wrong}", "never approve a code that does not match"))
    if after_right != "approved":
        findings.append(Finding("otp-right-code-not-approved", "the right code approves the verification",
                                f"status {after_right}", "check the Verify service and the test number's code"))
    return findings


# --- SendGrid ------------------------------------------------------------------------------------------

def evaluate_mail_accepted(status: int, message_id: str | None) -> list[Finding]:
    if status == 202 and message_id:
        return []
    if status == 200:
        return [Finding("sendgrid-sandbox-mode", "202 Accepted: the mail is queued for delivery",
                        "200: sandbox mode, nothing is delivered", "remove mail_settings.sandbox_mode in production")]
    if status == 202:
        return [Finding("sendgrid-no-message-id", "an X-Message-Id for the queued mail", "no X-Message-Id", "")]
    return [Finding("sendgrid-mail-refused", "202 Accepted", f"HTTP {status}",
                    "give the key the Mail Send scope and verify the sender identity")]


# --- WhatsApp ------------------------------------------------------------------------------------------

def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def evaluate_business_number(described: dict[str, Any], expected_number: str) -> list[Finding]:
    shown = str(described.get("display_phone_number") or "")
    if shown and digits(shown) == digits(expected_number):
        return []
    return [Finding("whatsapp-number-of-another-business", f"the phone-number id resolves to {expected_number}",
                    f"{shown or 'no number'} ({described.get('verified_name', 'no verified name')})",
                    "configure WHATSAPP_PHONE_NUMBER_ID of the production business number in WhatsApp Manager")]


def wamid_of(body: Any) -> str | None:
    messages = body.get("messages") if isinstance(body, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        wamid = messages[0].get("id")
        return wamid if isinstance(wamid, str) and wamid.startswith("wamid.") else None
    return None


# --- Google Maps ----------------------------------------------------------------------------------------

def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def evaluate_geocode(body: Any, latitude: float, longitude: float, tolerance_km: float) -> list[Finding]:
    status = body.get("status") if isinstance(body, dict) else None
    if status != "OK":
        message = body.get("error_message", "") if isinstance(body, dict) else ""
        return [Finding("maps-geocode-not-ok", "status OK with a result", f"status {status} {message}".strip(),
                        "enable the Geocoding API for the key's project and allow server-side use of the key")]
    try:
        location = body["results"][0]["geometry"]["location"]
        found = distance_km(latitude, longitude, float(location["lat"]), float(location["lng"]))
    except (KeyError, IndexError, TypeError, ValueError):
        return [Finding("maps-geocode-malformed", "results[0].geometry.location", "no location in the answer", "")]
    if found > tolerance_km:
        return [Finding("maps-geocode-wrong-place", f"within {tolerance_km} km of {latitude},{longitude}",
                        f"{found:.1f} km away", "check the address in the profile and the key's project")]
    return []


# --- Firebase Authentication ----------------------------------------------------------------------------

def evaluate_firebase_project(claims: dict[str, Any], project_id: str) -> list[Finding]:
    """A Firebase ID token of the production project: iss securetoken.google.com/<project>, aud <project>."""
    issuer = f"https://securetoken.google.com/{project_id}"
    found_iss, found_aud = claims.get("iss"), claims.get("aud")
    if found_iss == issuer and found_aud == project_id and claims.get("sub"):
        return []
    return [Finding("firebase-wrong-project", f"iss {issuer}, aud {project_id}, a subject",
                    f"iss {found_iss}, aud {found_aud}, sub {'set' if claims.get('sub') else 'missing'}",
                    "point the apps' Firebase config (apiKey, projectId) and the services' token validation "
                    "at the production Firebase project")]


def evaluate_other_project_refused(genuine_status: int, other_status: int) -> list[Finding]:
    findings = []
    if genuine_status >= 400:
        findings.append(Finding("firebase-own-token-refused", "the production project's ID token accepted",
                                f"HTTP {genuine_status}", "validate iss/aud against the production project id"))
    if other_status != 401:
        findings.append(Finding("firebase-other-project-accepted", "HTTP 401 for another project's ID token",
                                f"HTTP {other_status}", "check aud == production project id and iss == "
                                "https://securetoken.google.com/<project> on every service"))
    return findings


# --- a system's own checkout ----------------------------------------------------------------------------

def evaluate_checkout_records(order: dict[str, Any], status: str, amount: int,
                              documents: dict[str, int]) -> list[Finding]:
    """The order's own records after a payment (or refund): the status, exactly one payment of the
    amount, and exactly the expected number of each document kind (invoice, credit_note)."""
    findings = []
    if order.get("status") != status:
        findings.append(Finding("checkout-order-status", f"order status {status}", f"status {order.get('status')}",
                                "update the order when the payment (refund) is confirmed"))
    payments = order.get("payments") or []
    if len(payments) != 1 or payments[0].get("amount") != amount:
        findings.append(Finding("checkout-payment-booked-wrong", f"one payment of {amount}",
                                f"{len(payments)} payments: {[p.get('amount') for p in payments]}",
                                "book a payment once per razorpay_payment_id (unique key; ignore repeats)"))
    kinds = [str(document.get("kind")) for document in order.get("invoices") or []]
    found = {kind: kinds.count(kind) for kind in sorted(set(kinds) | set(documents))}
    if any(found.get(kind, 0) != count for kind, count in documents.items()) or set(kinds) - set(documents):
        findings.append(Finding("checkout-documents-booked-wrong",
                                ", ".join(f"{count} {kind}" for kind, count in documents.items()),
                                ", ".join(f"{count} {kind}" for kind, count in found.items()),
                                "issue each invoice and credit note once per payment and refund"))
    return findings
