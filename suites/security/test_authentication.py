"""Authentication: every role can log in; protected endpoints refuse anonymous callers."""

from golive import check, expect, required
from golive.api_description import example_path
from golive.auth import login


@check("SEC-AUTH-001", "Each role in the profile can log in and gets an access token", critical=True,
       items=["arogya:S0-EXIT-02", "arogya:S1-EXIT-03", "consolidated:LAUNCH-WINDOW-04",
              # part of the smoke set
              "arogya:S7-TASK-03", "arogya:S7-EXIT-01", "inventory:SUCCESS-01", "consolidated:CMD-03"], gates=["S0"])
def test_role_can_log_in(profile, auth_config, role, http):
    tokens = login(http, auth_config, str(profile.service(auth_config.login.service).base_url), role)
    expect.true(tokens.access.count(".") == 2, f"{role} access token is not a JWT",
                expected="a compact JWT (header.payload.signature)", found=f"{len(tokens.access)} characters, "
                f"{tokens.access.count('.')} dots", where=auth_config.login.path)


@check("SEC-AUTH-002", "Protected endpoints refuse requests without a token", critical=True, safety="probe",
       items=["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03", "inventory:SECURITY-01", "realserv:DEP-STG-05"])
def test_protected_endpoint_requires_token(profile, auth_config, protected_endpoint, http):
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    response = http.request(protected_endpoint.method, url, intent="probe")
    expect.status(response, {401, 403}, f"{protected_endpoint.label} answers without a token",
                  fix="require a valid bearer token on this route (authentication middleware not applied)")


@check("SEC-AUTH-010", "Every read the API description secures refuses anonymous callers", critical=True,
       safety="probe", items=["realserv:SEC-AUTH-02", "realserv:TEST-SEC-03"])
def test_documented_secured_reads_require_credentials(profile, api_operations, http):
    secured = [op for op in api_operations if op.security and op.method == "GET"][: profile.openapi.max_operations]
    service = profile.service(profile.openapi.service)
    for operation in required(secured, "secured GET operations in the API description"):
        response = http.get(service.url(example_path(operation)))
        expect.status(response, {401, 403}, f"{operation.label} answers without credentials",
                      fix=f"apply the authentication the API description promises ({', '.join(operation.security)})")
