"""SendGrid v3 with the configured key: a transactional mail is accepted for delivery (202)."""

from golive import check, expect
from golive.ledger import run_tag
from golive.probes.providers import evaluate_mail_accepted
from golive.providers.sendgrid import SendGridClient


@check("INT-SENDGRID-001", "SendGrid v3 accepts a transactional mail with 202 and an X-Message-Id (not sandbox mode)",
       safety="mutating", items=["arogya:S5-TASK-03", "realserv:CFG-EXT-06"], gates=["S5"])
def test_transactional_mail_accepted(http, sendgrid_config):
    response = SendGridClient(http, sendgrid_config).send(
        f"go-live check {run_tag()}", "A transactional test mail sent by the go-live checks. No action needed.")
    expect.no_findings(evaluate_mail_accepted(response.status_code, response.headers.get("x-message-id")),
                       "SendGrid does not accept the transactional mail", where=expect.where(response))
