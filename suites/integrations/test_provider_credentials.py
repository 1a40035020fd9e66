"""Every provider the system uses accepts the credentials the deployment holds, in the right mode."""

from golive import check, expect, not_applicable, unverified
from golive.probes.findings import Finding
from golive.probes.providers import (
    evaluate_authenticated,
    evaluate_key_mode,
    evaluate_scopes,
    razorpay_key_mode,
)
from golive.providers.maps import MapsClient
from golive.providers.razorpay import RazorpayClient
from golive.providers.sendgrid import SendGridClient
from golive.providers.shiprocket import ShiprocketClient
from golive.providers.twilio import TwilioVerifyClient
from golive.providers.whatsapp import WhatsAppClient

ITEMS = ["arogya:S5-EXIT-01", "inventory:PRE-ENV-03", "consolidated:ENV-VARS-04", "realserv:DEP-STG-06"]


def located(findings: list[Finding], response) -> list[Finding]:
    return [Finding(f.name, f.expected, f"{f.found} ({expect.where(response)})", f.fix) for f in findings]


def razorpay_findings(http, config, expected_mode) -> list[Finding]:
    response = RazorpayClient(http, config).list_orders()
    findings = evaluate_authenticated("razorpay", response.status_code, expect.snippet(response))
    return located(findings, response) + evaluate_key_mode("razorpay", razorpay_key_mode(config.key_id),
                                                           expected_mode(config))


def twilio_findings(http, config, expected_mode) -> list[Finding]:
    response = TwilioVerifyClient(http, config).service_info()
    return located(evaluate_authenticated("twilio", response.status_code, expect.snippet(response)), response)


def sendgrid_findings(http, config, expected_mode) -> list[Finding]:
    response = SendGridClient(http, config).scopes()
    findings = evaluate_authenticated("sendgrid", response.status_code, expect.snippet(response))
    if not findings:
        findings = evaluate_scopes("sendgrid", list(response.json().get("scopes", [])), ["mail.send"])
    return located(findings, response)


def whatsapp_findings(http, config, expected_mode) -> list[Finding]:
    response = WhatsAppClient(http, config).phone_number()
    return located(evaluate_authenticated("whatsapp", response.status_code, expect.snippet(response)), response)


def shiprocket_findings(http, config, expected_mode) -> list[Finding]:
    response = ShiprocketClient(http, config).login()
    # Shiprocket answers a wrong login with 400/403, not 401
    status = 401 if response.status_code in (400, 403) else response.status_code
    return located(evaluate_authenticated("shiprocket", status, expect.snippet(response)), response)


def maps_findings(http, config, expected_mode) -> list[Finding]:
    response = MapsClient(http, config).geocode()
    body = response.json() if response.status_code == 200 else {}
    # Google answers 200 with status REQUEST_DENIED for a bad or restricted key
    status = 403 if body.get("status") == "REQUEST_DENIED" else response.status_code
    return located(evaluate_authenticated("maps", status, str(body.get("error_message", ""))), response)


PROBES = {"razorpay": razorpay_findings, "twilio": twilio_findings, "sendgrid": sendgrid_findings,
          "whatsapp": whatsapp_findings, "shiprocket": shiprocket_findings, "maps": maps_findings}


@check("INT-PROVIDERS-001", "Every provider in use accepts the deployment's credentials, in the expected mode",
       critical=True, items=ITEMS, gates=["S5"])
def test_providers_accept_credentials(integrations, http, expected_mode):
    declared = integrations.declared()
    if not declared and not integrations.unsaid():
        not_applicable("the profile marks every provider as unused")
    findings = []
    for name, config in declared.items():
        findings += PROBES[name](http, config, expected_mode)
    expect.no_findings(findings, "provider credentials not accepted", where=", ".join(declared) or "integrations")
    if integrations.unsaid():
        unverified(f"the profile does not say whether {', '.join(integrations.unsaid())} are used "
                   "(declare them under integrations or set them to false)")
