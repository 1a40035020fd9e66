"""Webhook endpoints take deliveries over HTTPS only: plain HTTP is redirected or refused, never processed."""

from urllib.parse import urlsplit

from golive import check, expect, required
from golive.outcomes import TargetUnreachable
from golive.probes.transport import evaluate_https_redirect

#: answers that refuse a plain-HTTP delivery without processing it
REFUSED = {403, 426}


@check("SEC-WEBHOOK-007", "Webhook endpoints answer only over HTTPS (plain HTTP redirected or refused)",
       safety="probe", items=["realserv:SEC-WEBHOOK-03"])
def test_webhooks_https_only(profile, transport_policy, http):
    hooks = required(profile.webhooks, "webhooks (name, scheme, path, secret)")
    http_url = str(required(transport_policy.http_url, "plain-HTTP origin (transport.http_url)")).rstrip("/")
    for hook in hooks:
        # the webhook's path on the public host, sent to its plain-HTTP port
        url = http_url + urlsplit(profile.service(hook.service).url(hook.path)).path
        try:
            response = http.post(url, json={"event": "golive.https-only-probe"}, intent="probe")
        except TargetUnreachable:
            continue  # port 80 closed: plain HTTP is refused outright
        if response.status_code in REFUSED:
            continue
        expect.no_findings(evaluate_https_redirect(url, response.status_code, response.headers.get("location"),
                                                   str(transport_policy.https_url)),
                           f"the {hook.name} webhook answers over plain HTTP", where=expect.where(response))
