"""Input handling: validation, size limits, injection, reflection, redirects, ReDoS, error pages.

Every request here is built to be refused or is answered without changing anything (dry-run
validation, oversize bodies, injection strings in searches): probe class throughout.
"""

import time

import httpx
import pytest

from golive import check, expect, required, unverified
from golive.profile_inputs import Endpoint, InjectionTarget
from golive import api_description
from golive.probes import errors, injection, inputs, openapi, uploads
from golive.probes.findings import Finding

ITEMS_VALIDATION = ["realserv:SEC-INPUT-01"]
OWASP = ["realserv:TEST-SEC-05"]


# --- helpers: the profile's inputs section, URLs and tokens ------------------------------------

@pytest.fixture
def input_config(profile):
    return required(profile.inputs, "inputs section (fields, limits and parameters to probe)",
                    absent="the profile says this system takes no input worth probing (inputs: false)")


@pytest.fixture
def call(profile, http, request):
    """``call(endpoint, path=None, **kwargs)``: the endpoint's method and URL, with its role's token.

    Tokens are fetched only for endpoints with a role: a system without logins (auth: false) still
    has anonymous endpoints to probe."""

    def send(endpoint, path=None, headers=None, **kwargs):
        url = profile.service(endpoint.service).url(path or endpoint.path)
        credential = request.getfixturevalue("tokens")(endpoint.role) if endpoint.role else None
        intent = None if endpoint.method == "GET" else "probe"
        return http.request(endpoint.method, url, headers=headers, auth=credential, intent=intent, **kwargs)

    return send


def fill_path(path, values):
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


# --- validation ----------------------------------------------------------------------------------

def validate_fields(call, validation, kind, fields):
    findings = []
    cases = inputs.validation_cases(fields if kind == "phone" else [], fields if kind == "email" else [])
    for case in cases:
        response = call(validation, json={**validation.valid, case.field: case.value})
        findings += [Finding(f.name, f.expected, f"{f.found} ({expect.where(response)})", f.fix)
                     for f in inputs.evaluate_validation(case, response.status_code)]
    return findings


@check("SEC-INPUT-001", "Phone numbers are validated as E.164 (invalid refused with 4xx, valid accepted)",
       critical=True, safety="probe", items=["realserv:SEC-INPUT-03", *ITEMS_VALIDATION])
def test_phone_numbers_validated(input_config, call):
    validation = required(input_config.validation, "a validation endpoint (inputs.validation)")
    fields = required(validation.phone_fields, "phone fields (inputs.validation.phone_fields)")
    expect.no_findings(validate_fields(call, validation, "phone", fields), "phone validation",
                       where=validation.label)


@check("SEC-INPUT-002", "Email addresses are validated per RFC 5322 (invalid refused with 4xx, valid accepted)",
       critical=True, safety="probe", items=["realserv:SEC-INPUT-04", *ITEMS_VALIDATION])
def test_email_addresses_validated(input_config, call):
    validation = required(input_config.validation, "a validation endpoint (inputs.validation)")
    fields = required(validation.email_fields, "email fields (inputs.validation.email_fields)")
    expect.no_findings(validate_fields(call, validation, "email", fields), "email validation",
                       where=validation.label)


# --- size limits ---------------------------------------------------------------------------------

@check("SEC-INPUT-003", "Uploads over the size limit are refused with 413 before the body is read",
       critical=True, safety="probe", items=["realserv:SEC-INPUT-02"])
def test_upload_limit_enforced_before_reading(input_config, call):
    upload = required(input_config.upload, "the upload endpoint and its limit (inputs.upload)")
    declared = uploads.declared_size(upload.limit_mb)
    headers = {"Content-Length": str(declared), "Content-Type": "application/octet-stream",
               "Expect": "100-continue"}
    status, closed_early = None, False
    # A server that refuses early closes the connection while we still send; when the close
    # races our bytes, its answer can be lost: try again (at most three times).
    for _ in range(3):
        body = uploads.TrickleBody(max_bytes=upload.max_probe_mb * 1024 * 1024)
        try:
            status, closed_early = call(upload, content=body, headers=headers).status_code, False
            break
        except uploads.BodyNotRefused:
            status, closed_early = None, False
            break
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            closed_early = True
    findings = uploads.evaluate_upload(status, body.sent, declared, upload.limit_mb, closed_early=closed_early)
    expect.no_findings(findings, "upload size limit", where=upload.label)


@check("SEC-INPUT-004", "JSON bodies over the configured limit (MAX_JSON_BODY_KB) are refused with 413",
       safety="probe", items=["whatsapp_tracker:HARD-02"])
def test_json_body_limit(input_config, call):
    limit = required(input_config.json_body, "the JSON body limit (inputs.json_body)")
    padding = "x" * (limit.limit_kb * 1024 + 64 * 1024)
    response = call(limit, json={**limit.base, "golive_padding": padding})
    expect.status(response, 413, f"a {len(padding) // 1024} KB JSON body is not refused (limit {limit.limit_kb} KB)",
                  fix="limit JSON bodies in the body parser (express.json({limit}), MAX_JSON_BODY_KB) and answer 413")


# --- SQL injection -------------------------------------------------------------------------------

def injection_targets(input_config, profile, http, tokens):
    """The profile's targets, and, when the profile names an OpenAPI document, its GET operations.

    Boolean probes run on the profile's targets only: the profile says those parameters filter
    data; a discovered parameter may change the answer legitimately (a link signed over it).
    """
    declared = list(required(input_config.injection, "parameters that reach the database (inputs.injection)"))
    discovered = openapi_targets(profile, http, tokens, known={t.label for t in declared}) if profile.openapi else []
    return declared, discovered


def openapi_targets(profile, http, tokens, known):
    spec = profile.openapi
    found = []
    documented = api_description.operations(profile, http, tokens)
    for operation in openapi.injectable(documented)[: spec.max_operations]:
        if operation.label in known:
            continue
        path_params = {p.name: str(p.example or "golive1") for p in operation.params_in("path")}
        query = [p.name for p in operation.params_in("query") if p.type == "string"]
        if not (query or path_params):
            continue
        found.append(InjectionTarget(service=spec.service, path=operation.path, role=spec.role,
                                     query=query, path_params=path_params))
    return found


def send_value(call, target, location, name, value):
    """One request with ``value`` in the named parameter; the others keep harmless values."""
    path_values = dict(target.path_params)
    query = {k: v for k, v in target.fixed.items()} if target.method == "GET" else {}
    body = {k: v for k, v in target.fixed.items()} if target.method != "GET" else None
    if location == "path":
        path_values[name] = value
    elif location == "query":
        query[name] = value
    else:
        body = {**(body or {}), name: value}
    response = call(target, path=fill_path(target.path, path_values), params=query or None,
                    **({"json": body} if body is not None else {}))
    # the answer's own time: not the client's waits for a rate limit's Retry-After or its pacing
    seen = injection.Observation(response.status_code, response.text, response.elapsed.total_seconds(),
                                 expect.where(response))
    return seen


def parameters_of(target):
    return ([("query", name) for name in target.query] + [("body", name) for name in target.body]
            + [("path", name) for name in target.path_params])


@check("SEC-INPUT-005", "SQL-injection probes (error, boolean, time based) cause no 5xx, no SQL text, "
       "no data or timing difference", safety="probe", items=["realserv:SEC-INPUT-05", "realserv:TEST-SEC-01",
                                                                "realserv:DEP-STG-05"])
def test_sql_injection_refused(input_config, profile, http, tokens, call):
    findings = []
    declared, discovered = injection_targets(input_config, profile, http, tokens)
    targets = declared + discovered
    for target in targets:
        for location, name in parameters_of(target):
            for payload in injection.ERROR_PAYLOADS:
                findings += injection.evaluate_error_probe(payload, send_value(call, target, location, name, payload))
            if target not in declared:
                continue
            for true_payload, false_payload in injection.BOOLEAN_PAIRS:
                findings += injection.evaluate_boolean_probe(
                    true_payload, false_payload, send_value(call, target, location, name, true_payload),
                    send_value(call, target, location, name, false_payload))
    expect.no_findings(findings, "SQL injection (error and boolean based)", where=", ".join(t.label for t in targets))
    # Time-based last, within a strict overall budget: each payload asks for a bounded sleep.
    deadline = time.monotonic() + input_config.injection_time_budget_s
    for target in targets:
        for location, name in parameters_of(target):
            baseline = send_value(call, target, location, name, injection.NEEDLE)
            for payload in injection.TIME_PAYLOADS:
                if time.monotonic() + injection.SLEEP_S * 2 > deadline:
                    expect.no_findings(findings, "SQL injection (time based)", where=target.label)
                    unverified(f"time-based SQL probes did not fit inputs.injection_time_budget_s "
                               f"({input_config.injection_time_budget_s:g} s): stopped at {target.label} {name}")
                findings += injection.evaluate_time_probe(payload, send_value(call, target, location, name, payload),
                                                          baseline.elapsed_s)
    expect.no_findings(findings, "SQL injection (time based)", where=", ".join(t.label for t in targets))


# --- reflected XSS, open redirects, ReDoS ------------------------------------------------------

@check("SEC-INPUT-006", "Reflected input comes back HTML-encoded (no reflected XSS)", safety="probe",
       items=["realserv:SEC-INPUT-06", "realserv:TEST-SEC-02"])
def test_reflected_input_encoded(input_config, call):
    findings = []
    endpoints = required(input_config.reflection, "parameters that are echoed into pages (inputs.reflection)")
    for endpoint in endpoints:
        for payload in inputs.xss_payloads():
            response = call(endpoint, params={endpoint.param: payload})
            findings += inputs.evaluate_reflection(payload, response.status_code,
                                                   response.headers.get("content-type", ""), response.text)
    expect.no_findings(findings, "reflected XSS", where=", ".join(e.label for e in endpoints))


@check("SEC-INPUT-007", "Pathological inputs do not make a pattern validator take seconds (ReDoS)",
       safety="probe", items=[*ITEMS_VALIDATION, *OWASP])
def test_pathological_inputs_answered_fast(input_config, call):
    for endpoint in required(input_config.redos, "pattern-validated parameters (inputs.redos)"):
        placeholder = "{" + endpoint.param + "}"
        for value in inputs.redos_inputs(range(12, 41)):
            if placeholder in endpoint.path:
                response = call(endpoint, path=endpoint.path.replace(placeholder, value))
            else:
                response = call(endpoint, params={endpoint.param: value})
            elapsed_ms = response.elapsed.total_seconds() * 1000
            # shortest first: stop at the first slow answer (the next one would take twice as long)
            expect.no_findings(inputs.evaluate_duration(value, elapsed_ms, endpoint.budget_ms),
                               "pattern validation is slow on near-miss input", where=expect.where(response))


@check("SEC-INPUT-008", "Redirect parameters refuse other hosts (no open redirect)", safety="probe",
       items=["realserv:TEST-SEC-03", *OWASP])
def test_open_redirect_refused(input_config, profile, call):
    findings = []
    endpoints = required(input_config.redirects, "redirect parameters (inputs.redirects)")
    for endpoint in endpoints:
        own_host = profile.service(endpoint.service).base_url.host or "localhost"
        for payload in inputs.redirect_payloads(own_host):
            response = call(endpoint, params={endpoint.param: payload})
            findings += inputs.evaluate_redirect(str(response.request.url), payload, response.status_code,
                                                 response.headers.get("location"))
    expect.no_findings(findings, "open redirect", where=", ".join(e.label for e in endpoints))


# --- error answers -------------------------------------------------------------------------------

MALFORMED_BODIES = (
    ("truncated JSON", b'{"name": "golive', "application/json"),
    ("a JSON array for an object", b"[1, 2, 3]", "application/json"),
    ("a JSON string", b'"golive"', "application/json"),
    ("invalid UTF-8", b'{"name": "\xff\xfe"}', "application/json"),
    ("a deeply nested value", b'{"a":' * 64 + b"1" + b"}" * 64, "application/json"),
    ("form data for a JSON endpoint", b"name=golive&phone=%00", "application/x-www-form-urlencoded"),
)
#: the one malformed body sent to documented writes nobody vetted: no parser can read it as a valid write
UNPARSEABLE_BODY = MALFORMED_BODIES[0][1]


def documented_json_writes(profile, http, tokens, known):  # type: ignore[no-untyped-def]
    """The API description's POST/PUT/PATCH operations with a documented JSON body, as endpoints."""
    spec = profile.openapi
    documented = api_description.operations(profile, http, tokens)
    return [Endpoint(service=spec.service, path=api_description.example_path(op), method=op.method,
                     role=spec.role if op.security else None)
            for op in openapi.json_body_operations(documented, known=known, limit=spec.max_operations)]


MALFORMED_QUERIES = ({"limit": "abc"}, {"limit": "-1e309"}, {"q": "%00'\"<>"}, {"page": "[]"}, {"q": "\udcff"})


@check("SEC-INPUT-009", "Error answers show no stack trace, SQL, debugger or internal path", safety="probe",
       items=OWASP)
def test_error_answers_disclose_nothing(profile, input_config, call, http, tokens):
    findings = []
    if input_config.malformed is False:
        required(False, "endpoints to send malformed input to (inputs.malformed)")
    declared = list(input_config.malformed or [])
    # the API description's JSON-body writes too; they only ever get a body that cannot parse
    discovered = documented_json_writes(profile, http, tokens, {e.label for e in declared}) if profile.openapi else []
    endpoints = required(declared + discovered, "endpoints to send malformed input to (inputs.malformed, or "
                         "JSON-body operations in the API description)")
    provoked = 0
    for endpoint in endpoints:
        if endpoint in discovered:
            attempts = [{"content": UNPARSEABLE_BODY, "headers": {"Content-Type": "application/json"}}]
        elif endpoint.method == "GET":
            attempts = [{"params": {k: v.encode("utf-8", "surrogateescape").decode("latin-1") for k, v in q.items()}}
                        for q in MALFORMED_QUERIES]
        else:
            attempts = [{"content": body, "headers": {"Content-Type": kind}} for _, body, kind in MALFORMED_BODIES]
        for attempt in attempts:
            response = call(endpoint, **attempt)
            provoked += response.status_code >= 400
            findings += errors.evaluate_error_body(response.status_code, response.text, where=expect.where(response))
    expect.no_findings(findings, "error answers disclose internals", where=", ".join(e.label for e in endpoints))
    expect.true(provoked > 0, "malformed input provoked no error answer to inspect",
                expected="at least one 4xx/5xx answer to malformed input", found="only 2xx answers",
                where=", ".join(e.label for e in endpoints),
                fix="name endpoints in inputs.malformed that parse input (JSON bodies, typed parameters)")
