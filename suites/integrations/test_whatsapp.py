"""WhatsApp Cloud API with the configured number: it is the production business number, and it sends."""

from golive import check, expect
from golive.ledger import run_tag
from golive.probes.providers import evaluate_business_number, wamid_of
from golive.providers.whatsapp import WhatsAppClient


@check("INT-WHATSAPP-001", "The WhatsApp phone-number id resolves to the production business number",
       critical=True, items=["realserv:CFG-EXT-03", "whatsapp_tracker:ENV-03", "whatsapp_tracker:ENV-04"])
def test_phone_number_is_the_business_number(http, whatsapp_config):
    response = WhatsAppClient(http, whatsapp_config).phone_number()
    expect.status(response, 200, "the WhatsApp phone-number id cannot be read with the configured token",
                  fix="configure a permanent system-user token with whatsapp_business_management")
    expect.no_findings(evaluate_business_number(expect.json_body(response, "the phone number"),
                                                whatsapp_config.business_number),
                       "WhatsApp sends from another number", where=expect.where(response))


@check("INT-WHATSAPP-002", "WhatsApp Cloud API send to the test number returns a wamid", safety="mutating",
       items=["realserv:TEST-INT-04", "whatsapp_tracker:ENV-03"])
def test_send_to_test_number(http, whatsapp_config):
    response = WhatsAppClient(http, whatsapp_config).send_text(f"go-live check {run_tag()}: no action needed.")
    expect.status(response, 200, "WhatsApp refuses the message to the test number",
                  fix="check the access token, the phone-number id and the test recipient list")
    wamid = wamid_of(expect.json_body(response, "the send answer"))
    expect.true(wamid is not None, "the send answer carries no message id", expected="messages[0].id = wamid.…",
                found=expect.snippet(response), where=expect.where(response))
