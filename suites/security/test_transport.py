"""Transport: HTTP redirects to HTTPS, HSTS on HTTPS answers, TLS (sslyze), cookie flags."""

from urllib.parse import urlsplit

from golive import check, expect, required
from golive.outcomes import TargetUnreachable
from golive.probes.headers import evaluate_hsts
from golive.probes.tls import (
    evaluate_expiry,
    evaluate_mozilla_intermediate,
    evaluate_modern_protocol,
    evaluate_protocols,
    evaluate_trust,
)
from golive.probes.transport import evaluate_cookie, evaluate_https_redirect, parse_set_cookie
from golive.tls_scan import TlsScanError, scan

HTTPS_ITEMS = ["realserv:SEC-NET-01", "consolidated:ENV-TLS-02", "inventory:SECURITY-04"]
TLS_ITEMS = ["realserv:SEC-NET-02", "consolidated:ENV-TLS-01", "realserv:INF-LB-04", "inventory:SECURITY-04"]


def tls_facts(policy, reachability):
    url = urlsplit(str(policy.https_url))
    reachability.check(str(policy.https_url))
    try:
        return scan(url.hostname, url.port or 443, ip_address=policy.ip_address, ca_file=policy.ca_file,
                    timeout_s=policy.scan_timeout_s)
    except TlsScanError as error:
        # no handshake at all: nothing about the certificate or protocols is known (broken, not failed)
        reachability.mark(str(policy.https_url), "no TLS handshake")
        raise TargetUnreachable(f"unreachable: https://{url.netloc} ({error})") from None


@check("SEC-HTTPS-001", "Plain HTTP redirects to HTTPS on the same host with 301/308", critical=True,
       items=HTTPS_ITEMS)
def test_http_redirects_to_https(transport_policy, http):
    http_url = required(transport_policy.http_url, "plain-HTTP origin (transport.http_url)")
    for path in transport_policy.paths:
        url = str(http_url).rstrip("/") + path
        response = http.get(url)
        expect.no_findings(evaluate_https_redirect(url, response.status_code, response.headers.get("location"),
                                                   str(transport_policy.https_url)),
                           f"HTTP is not sent to HTTPS on {path}", where=expect.where(response))


@check("SEC-HTTPS-002", "HTTPS answers carry HSTS with max-age of at least a year", items=HTTPS_ITEMS)
def test_hsts_on_https(transport_policy, https):
    for path in transport_policy.paths:
        response = https.get(str(transport_policy.https_url).rstrip("/") + path)
        expect.no_findings(evaluate_hsts(response.headers, transport_policy.hsts_min_age),
                           f"HSTS too weak on {path}", where=expect.where(response))


@check("SEC-TLS-001", "Only TLS 1.2 and 1.3 are accepted (SSL, TLS 1.0 and 1.1 refused)", items=TLS_ITEMS)
def test_tls_protocols(transport_policy, reachability):
    facts = tls_facts(transport_policy, reachability)
    expect.no_findings(evaluate_protocols(facts), "legacy TLS protocols accepted", where=facts.where)


@check("SEC-TLS-005", "HTTPS accepts TLS 1.2 or TLS 1.3, so today's browsers can connect", critical=True,
       items=TLS_ITEMS)
def test_tls_modern_protocol(transport_policy, reachability):
    # critical whatever the profile promotes: an endpoint no browser can reach is down for every user
    facts = tls_facts(transport_policy, reachability)
    expect.no_findings(evaluate_modern_protocol(facts), "no browser can connect over HTTPS", where=facts.where)


# realserv INF-GW-02: the transport https_url is the API Gateway custom domain (api.realserv...)
@check("SEC-TLS-002", "The certificate chain is trusted and names the host", critical=True,
       items=[*TLS_ITEMS, "realserv:INF-GW-02"])
def test_tls_chain_and_hostname(transport_policy, reachability):
    facts = tls_facts(transport_policy, reachability)
    expect.no_findings(evaluate_trust(facts), "certificate not trusted for this host", where=facts.where)


@check("SEC-TLS-003", "The certificate is valid for at least the profile's minimum days", critical=True,
       items=TLS_ITEMS)
def test_tls_expiry(transport_policy, reachability):
    facts = tls_facts(transport_policy, reachability)
    expect.no_findings(evaluate_expiry(facts, transport_policy.min_days_to_expiry), "certificate expires soon",
                       where=facts.where)


@check("SEC-TLS-004", "TLS configuration complies with Mozilla's intermediate profile", items=TLS_ITEMS)
def test_tls_mozilla_intermediate(transport_policy, reachability):
    facts = tls_facts(transport_policy, reachability)
    expect.no_findings(evaluate_mozilla_intermediate(facts), "not Mozilla intermediate compliant", where=facts.where)


@check("SEC-COOKIE-001", "Cookies are Secure, HttpOnly and SameSite", items=["realserv:TEST-SEC-05"])
def test_cookie_flags(cookie_policy, http):
    seen = []
    for url in cookie_policy.urls:
        response = http.get(str(url))
        expect.status(response, 200, f"{url} does not answer", fix="point cookies.urls at pages that set cookies")
        for header in response.headers.get_list("set-cookie"):
            name, _ = parse_set_cookie(header)
            seen.append(name)
            expect.no_findings(evaluate_cookie(header, script_readable=name in cookie_policy.script_readable),
                               f"cookie {name} lacks protection", where=expect.where(response))
    required(seen, "a page that sets a cookie (none of cookies.urls set one)")
