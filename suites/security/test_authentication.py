"""Authentication: every role can log in; protected endpoints refuse anonymous callers."""

from dataclasses import replace

from golive import check, expect, required
from golive.api_description import example_path
from golive.auth import LoginFailed, login
from golive.controls import request_shape
from golive.outcomes import inconclusive
from golive.probes.anonymous_writes import WRITE_METHODS, AnonymousWrite, declared_public, evaluate_anonymous_write


@check("SEC-AUTH-001", "Each role in the profile can log in and gets a credential the system accepts",
       critical=True,
       items=["arogya:S0-EXIT-02", "arogya:S1-EXIT-03", "consolidated:LAUNCH-WINDOW-04",
              # part of the smoke set
              "arogya:S7-TASK-03", "arogya:S7-EXIT-01", "inventory:SUCCESS-01", "consolidated:CMD-03"], gates=["S0"])
def test_role_can_log_in(profile, auth_config, role, http, issued_tokens):
    try:
        credential = login(http, auth_config, str(profile.service(auth_config.login.service).base_url), role)
    except LoginFailed as failure:
        issued_tokens.setdefault(role, failure.prerequisite)  # the checks that need the role are blocked by it
        raise
    issued_tokens.setdefault(role, credential)
    # the credential must open what the role may read: a login that answers 200 with a useless token fails
    readable = [e for e in auth_config.protected if role in e.roles and e.method == "GET"]
    if readable:
        endpoint = readable[0]
        response = http.get(profile.service(endpoint.service).url(endpoint.path), auth=credential)
        expect.true(response.is_success, f"{role}'s credential from login is not accepted by {endpoint.label}",
                    expected=f"2xx for {role} with {credential.kind} in {credential.where}",
                    found=f"HTTP {response.status_code} {expect.snippet(response)[:150]}".rstrip(),
                    where=expect.where(response),
                    fix="check auth.credential in the profile (where the system reads the credential)")


@check("SEC-AUTH-002", "Protected endpoints refuse requests without a token", critical=True, safety="probe",
       items=["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03", "inventory:SECURITY-01", "realserv:DEP-STG-05"])
def test_protected_endpoint_requires_token(profile, auth_config, protected_endpoint, tokens, controls, http,
                                           write_body):
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    controls.expect_refused(http, protected_endpoint.method, url, genuine=tokens(protected_endpoint.roles[0]),
                            probe=None, title=f"{protected_endpoint.label} answers without a credential",
                            tested="no credential at all",
                            fix="require a valid credential on this route (authentication middleware not applied)",
                            body=write_body(protected_endpoint.method, protected_endpoint.path))


@check("SEC-AUTH-010", "Every read the API description secures refuses anonymous callers", critical=True,
       safety="probe", items=["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03"])
def test_documented_secured_reads_require_credentials(profile, api_operations, tokens, controls, http):
    secured = [op for op in api_operations if op.security and op.method == "GET"][: profile.openapi.max_operations]
    service = profile.service(profile.openapi.service)
    role = profile.openapi.role
    required(role, "a role whose credential is the control of the anonymous sweep (openapi.role)")
    requests = [("GET", service.url(example_path(op)), op.label)
                for op in required(secured, "secured GET operations in the API description")]
    controls.sweep_refused(http, requests, genuine=tokens(role), probe=None,
                           title="secured reads answer without credentials", tested="no credential at all",
                           fix="apply the authentication the API description promises to each of them")


@check("SEC-AUTH-011", "Operations that create or change data refuse anonymous callers unless declared public",
       critical=True, safety="probe", items=["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03"])
def test_anonymous_writes_refused(profile, api_operations, http):
    spec = profile.openapi
    service = profile.service(spec.service)
    writes = [op for op in api_operations if op.method in WRITE_METHODS
              and not declared_public(op.label, spec.public_writes)][: spec.max_operations]
    findings, inconclusive_ones = [], []
    for operation in required(writes, "write operations in the API description that are not declared public"):
        # an unparseable body: nothing can be written, whatever the guard does
        answer = http.request(operation.method, service.url(example_path(operation)), intent="probe",
                              **request_shape(operation.method))
        outcome = evaluate_anonymous_write(AnonymousWrite(operation.label, not operation.security,
                                                          answer.status_code))
        if isinstance(outcome, str):
            inconclusive_ones.append(outcome)
        elif outcome is not None:
            findings.append(replace(outcome, found=f"{outcome.found} ({expect.where(answer)})"))
    expect.no_findings(findings, "anonymous callers can create or change data", where=service.url("/"))
    documented_open = [op for op in writes if not op.security]
    if documented_open and len(inconclusive_ones) == len(documented_open):
        inconclusive("no write the description leaves open answered conclusively: " + "; ".join(inconclusive_ones[:5]))
