"""Browser-facing response headers: the OWASP set present, nothing that discloses versions."""

from golive import check, expect
from golive.probes.headers import evaluate_security_headers, evaluate_version_disclosure

NOT_A_ROUTE = "/golive-404-probe"


@check("SEC-HEADERS-001", "OWASP security headers are set (HSTS, CSP, nosniff, framing, referrer)",
       items=["realserv:TEST-SEC-05"])
def test_security_headers(profile, header_policy, http):
    service = profile.service(header_policy.service)
    for path in header_policy.paths:
        response = http.get(service.url(path))
        expect.no_findings(evaluate_security_headers(response.headers, require_hsts=header_policy.require_hsts),
                           f"security headers missing on {path}", where=expect.where(response))


@check("SEC-HEADERS-002", "No header discloses server software or versions, not even on error pages",
       items=["realserv:TEST-SEC-05"])
def test_no_version_disclosure(profile, header_policy, http):
    service = profile.service(header_policy.service)
    for path in [*header_policy.paths, NOT_A_ROUTE]:
        response = http.get(service.url(path))
        expect.no_findings(evaluate_version_disclosure(response.headers),
                           f"{path} discloses the server software", where=expect.where(response))
