"""CORS allow-list: allowed origins echoed with Vary: Origin; every other origin refused."""

from golive import check, expect
from golive.probes.cors import (
    EVIL_ORIGIN,
    evaluate_allowed_origin,
    evaluate_credentials_with_wildcard,
    evaluate_preflight_granted,
    evaluate_preflight_refused,
    evaluate_refused_origin,
    lookalike_origins,
)

ITEMS = ["realserv:SEC-NET-05", "arogya:S0-TASK-03"]


def ask(http, url, origin, policy):
    """A simple request and a preflight from ``origin``; both answers are judged."""
    simple = http.get(url, headers={"Origin": origin})
    preflight = http.options(url, headers={
        "Origin": origin,
        "Access-Control-Request-Method": policy.methods[0],
        "Access-Control-Request-Headers": ", ".join(policy.request_headers),
    })
    return simple, preflight


@check("SEC-CORS-001", "Allowed origins are echoed, with credentials and Vary: Origin", critical=True,
       items=ITEMS, gates=["S0"])
def test_allowed_origins_echoed(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for origin in cors_policy.allowed_origins:
        for response in ask(http, url, origin, cors_policy):
            expect.no_findings(evaluate_allowed_origin(origin, response.headers, credentials=cors_policy.credentials),
                               f"allowed origin {origin} not served", where=expect.where(response))


@check("SEC-CORS-002", "An untrusted origin is never reflected", critical=True, items=ITEMS, gates=["S0"])
def test_untrusted_origin_refused(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for response in ask(http, url, EVIL_ORIGIN, cors_policy):
        expect.no_findings(evaluate_refused_origin(EVIL_ORIGIN, response.headers, kind="untrusted"),
                           "untrusted origin accepted", where=expect.where(response))


@check("SEC-CORS-003", "The null origin is refused", critical=True, items=ITEMS, gates=["S0"])
def test_null_origin_refused(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for response in ask(http, url, "null", cors_policy):
        expect.no_findings(evaluate_refused_origin("null", response.headers, kind="null"),
                           "null origin accepted", where=expect.where(response))


@check("SEC-CORS-004", "Look-alike origins (suffix, prefix, scheme tricks) are refused", critical=True,
       items=ITEMS, gates=["S0"])
def test_lookalike_origins_refused(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for allowed in cors_policy.allowed_origins:
        for trick, origin in lookalike_origins(allowed).items():
            for response in ask(http, url, origin, cors_policy):
                expect.no_findings(evaluate_refused_origin(origin, response.headers, kind=trick),
                                   f"{trick} look-alike of {allowed} accepted", where=expect.where(response))


def preflight(http, url, origin, method, request_headers):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = ", ".join(request_headers)
    return http.options(url, headers=headers)


@check("SEC-CORS-005", "Preflights grant the API's methods and headers to allowed origins, and nothing else",
       items=ITEMS, gates=["S0"])
def test_preflight_matrix(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for origin in cors_policy.allowed_origins:
        for method in cors_policy.methods:
            response = preflight(http, url, origin, method, cors_policy.request_headers)
            expect.no_findings(evaluate_preflight_granted(origin, method, cors_policy.request_headers, response.headers,
                                                          credentials=cors_policy.credentials),
                               f"preflight for {method} from {origin} not granted", where=expect.where(response))
        for method in cors_policy.refused_methods:
            response = preflight(http, url, origin, method, cors_policy.refused_headers)
            expect.no_findings(evaluate_preflight_refused(method, cors_policy.refused_headers, response.headers),
                               f"preflight from {origin} grants what the API does not use", where=expect.where(response))


@check("SEC-CORS-006", "Credentials are never allowed together with a wildcard origin", critical=True,
       items=ITEMS, gates=["S0"])
def test_no_credentials_with_wildcard(profile, cors_policy, http):
    url = profile.service(cors_policy.service).url(cors_policy.path)
    for origin in [*cors_policy.allowed_origins, EVIL_ORIGIN, "null"]:
        for response in ask(http, url, origin, cors_policy):
            expect.no_findings(evaluate_credentials_with_wildcard(response.headers),
                               f"wildcard origin with credentials for {origin}", where=expect.where(response))
