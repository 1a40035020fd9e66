"""Authorization: the role x endpoint matrix, other users' objects, privileged fields, exposed
secrets and service-to-service endpoints (OWASP API1, API3, API5)."""

from __future__ import annotations

import secrets

from golive import check, expect, not_applicable, required, unverified
from golive.expect import where
from golive.outcomes import CheckFailed
from golive.profile import Authorization
from golive.probes.authz import (
    UNPARSEABLE_JSON_BODY,
    evaluate_matrix_cell,
    evaluate_write_cell_by_validation,
    find_sensitive_fields,
    listed_items,
    object_changes,
    privileged_fields_taken,
    validation_proves_authorization,
)

RBAC_ITEMS = ["realserv:SEC-AUTH-04", "arogya:S4-EXIT-03", "whatsapp_tracker:BETA-ROLE-03",
              "realserv:TEST-SEC-04", "inventory:SECURITY-03", "consolidated:TEAM-02",
              "inventory:SECURITY-01",  # the audit trail is in inventory's auth.protected, admin only
              "inventory:MAINT-MONTH-03"]  # the monthly security audit: roles, and (below) objects
OBJECT_ITEMS = ["realserv:SEC-AUTH-04", "realserv:TEST-SEC-04", "inventory:MAINT-MONTH-03"]
READ_METHODS = ("GET", "HEAD")


def authorization_of(profile):  # type: ignore[no-untyped-def]
    return required(profile.authorization, "an authorization section (owned objects, profile update)",
                    absent="the profile says the target has no per-user data (authorization: false)")


@check("SEC-AUTHZ-001", "Every role reaches exactly its endpoints: allowed 2xx, others 403 (function level)",
       critical=True, safety="probe", items=RBAC_ITEMS)
def test_role_matrix_cell(profile, auth_config, protected_endpoint, role, tokens, http):
    allowed = role in protected_endpoint.roles
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    if allowed and protected_endpoint.method not in READ_METHODS:
        # Proving an allowed write without writing: send a body that cannot parse. Reaching validation
        # (400/422) shows the role got past the guard, provided an anonymous caller with the same body
        # is stopped at the guard (401/403) rather than at validation.
        json_type = {"Content-Type": "application/json"}
        anonymous = http.request(protected_endpoint.method, url, content=UNPARSEABLE_JSON_BODY, headers=json_type,
                                 intent="probe")
        if not validation_proves_authorization(anonymous.status_code):
            unverified(f"{role} may call {protected_endpoint.label}: it answers an anonymous unparseable body with "
                       f"HTTP {anonymous.status_code}, so a validation error cannot show authorization passed, and "
                       "proving it otherwise would change data")
        response = http.request(protected_endpoint.method, url, content=UNPARSEABLE_JSON_BODY,
                                headers={**tokens(role).headers(), **json_type}, intent="probe")
        expect.no_findings(evaluate_write_cell_by_validation(role, protected_endpoint.label, anonymous.status_code,
                                                             response.status_code),
                           f"{role} on {protected_endpoint.label}", where=where(response))
        return
    response = http.request(protected_endpoint.method, url, headers=tokens(role).headers(),
                            intent=None if allowed else "probe")
    expect.no_findings(evaluate_matrix_cell(role, protected_endpoint.label, allowed, response.status_code),
                       f"{role} on {protected_endpoint.label}", where=where(response))


def _first_owned(profile, owned, tokens, http):  # type: ignore[no-untyped-def]
    """The owner's first object (id, body) from the owner's own list."""
    service = profile.service(owned.service)
    listing = http.get(service.url(owned.list_path), headers=tokens(owned.owner_role).headers())
    expect.status(listing, 200, f"{owned.owner_role} cannot list their {owned.name}")
    items = listed_items(expect.json_body(listing, f"the {owned.name} list"))  # a bare list or {"items": [...]}
    if not items or not isinstance(items[0], dict) or owned.id_field not in items[0]:
        unverified(f"{owned.owner_role} owns no {owned.name} to test other users' access with")
    object_id = items[0][owned.id_field]
    return object_id, service.url(owned.item_path.replace("{id}", str(object_id)))


@check("SEC-AUTHZ-002", "A user cannot read another user's objects (object level, BOLA)", critical=True,
       items=OBJECT_ITEMS)
def test_other_users_objects_unreadable(profile, auth_config, tokens, http):
    authorization = authorization_of(profile)
    if not authorization.objects:
        unverified("the profile names no owned objects (authorization.objects)")
    for owned in authorization.objects:
        object_id, url = _first_owned(profile, owned, tokens, http)
        other = tokens(owned.other_role).headers()
        response = http.get(url, headers=other)
        expect.status(response, {403, 404}, f"{owned.other_role} reads {owned.owner_role}'s {owned.name} {object_id}",
                      fix="load objects by id AND owner (or check the owner after loading)")
        listing = http.get(profile.service(owned.service).url(owned.list_path), headers=other)
        listed = listed_items(expect.json_body(listing, f"the {owned.name} list")) \
            if listing.status_code == 200 else []
        if listed is None:
            unverified(f"{owned.other_role}'s {owned.name} list is neither a JSON list nor {{\"items\": [...]}}")
        ids = [item.get(owned.id_field) for item in listed if isinstance(item, dict)]
        expect.true(object_id not in ids, f"{owned.other_role}'s {owned.name} list shows {owned.owner_role}'s objects",
                    expected=f"no {owned.name} {object_id}", found=f"ids {ids[:10]}", where=where(listing),
                    fix="filter list queries by the signed-in user")


@check("SEC-AUTHZ-003", "A user cannot change or delete another user's objects (object level, BOLA)",
       critical=True, safety="probe", items=OBJECT_ITEMS)
def test_other_users_objects_unchangeable(profile, auth_config, tokens, http):
    authorization = authorization_of(profile)
    attempts = [o for o in authorization.objects if o.patch or o.delete or o.actions]
    if not attempts:
        unverified("the profile names no owned object to attempt changes on "
                   "(authorization.objects[].patch/delete/actions)")
    for owned in attempts:
        object_id, url = _first_owned(profile, owned, tokens, http)
        owner, other = tokens(owned.owner_role).headers(), tokens(owned.other_role).headers()
        before = expect.json_body(http.get(url, headers=owner), f"{owned.name} {object_id}")
        if owned.patch:
            attempt = http.patch(url, headers=other, json=owned.patch, intent="probe")
            _verify_untouched(http, url, owner, before, attempt, owned, object_id, "changes")
        for action in owned.actions:
            # an action (cancel, refund, ...) changes the object as surely as a PATCH does
            attempt = http.post(url + action, headers=other, intent="probe")
            _verify_untouched(http, url, owner, before, attempt, owned, object_id, f"runs POST {action} on")
        if owned.delete:
            attempt = http.delete(url, headers=other, intent="probe")
            _verify_untouched(http, url, owner, before, attempt, owned, object_id, "deletes")


def _verify_untouched(http, url, owner, before, attempt, owned, object_id, verb):  # type: ignore[no-untyped-def]
    after_response = http.get(url, headers=owner)
    after = after_response.json() if after_response.status_code == 200 else None
    changed = object_changes(before, after)
    restorable = [k for k in changed if k in before and owned.patch and k in owned.patch]
    if restorable and after is not None:
        # compensation of an accepted probe: the owner puts their own values back
        http.patch(url, headers=owner, json={k: before[k] for k in restorable}, intent="probe")
    if changed or attempt.status_code not in (403, 404):
        raise CheckFailed(
            f"{owned.other_role} {verb} {owned.owner_role}'s {owned.name} {object_id}",
            expected="HTTP 403 or 404 and the object unchanged",
            found=f"HTTP {attempt.status_code}; changed: {', '.join(changed) or 'nothing'}"
                  + (" (deleted: cannot be restored)" if after is None else " (restored)" if restorable
                     else " (not restorable by golive: restore it by hand)" if changed else ""),
            where=where(attempt),
            fix="authorize every write by the object's owner, not just by a valid token",
        )


@check("SEC-AUTHZ-004", "Profile updates cannot set privileged fields (role, admin, price, balance)",
       critical=True, safety="probe", items=OBJECT_ITEMS)
def test_privileged_fields_not_assignable(profile, auth_config, tokens, http):
    authorization = authorization_of(profile)
    update = required(authorization.profile_update, "a self-service profile update endpoint "
                      "(authorization.profile_update)", absent="the profile says users cannot update themselves")
    url = profile.service(update.service).url(update.path)
    headers = tokens(update.role).headers()
    before = expect.json_body(http.get(url, headers=headers), "the user's own profile")
    sent = dict(authorization.privileged_fields)
    response = http.request(update.method, url, headers=headers, json=sent, intent="probe")
    after = response.json() if 200 <= response.status_code < 300 and "json" in response.headers.get(
        "content-type", "") else {}
    findings = privileged_fields_taken(sent, before if isinstance(before, dict) else {},
                                       after if isinstance(after, dict) else {})
    if findings:
        # compensation of an accepted probe: put the user's own previous values back
        http.request(update.method, url, headers=headers,
                     json={name: before[name] for name in sent if name in before}, intent="probe")
    expect.no_findings(findings, f"{update.role} escalates through {update.method} {update.path}",
                       where=where(response))


@check("SEC-AUTHZ-005", "Responses expose no password hashes, secrets or tokens", critical=True,
       items=["realserv:TEST-SEC-04"])
def test_no_sensitive_fields_exposed(profile, auth_config, protected_endpoint, tokens, http):
    if protected_endpoint.method not in READ_METHODS:
        not_applicable(f"{protected_endpoint.label} is not a read: only GET answers are scanned")
    # the profile's list, or the defaults when it says nothing about authorization
    names = (profile.authorization or Authorization()).sensitive_fields
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    response = http.get(url, headers=tokens(protected_endpoint.roles[0]).headers())
    expect.status(response, 200, f"{protected_endpoint.roles[0]} cannot read {protected_endpoint.label}")
    if "json" not in response.headers.get("content-type", ""):
        not_applicable(f"{protected_endpoint.label} answers {response.headers.get('content-type')}, not JSON")
    expect.no_findings(find_sensitive_fields(response.json(), names),
                       f"{protected_endpoint.label} exposes sensitive fields", where=where(response))


@check("SEC-AUTHZ-007", "Reads the API description documents expose no password hashes, secrets or tokens",
       critical=True, items=["realserv:TEST-SEC-04"])
def test_documented_reads_expose_no_sensitive_fields(profile, api_operations, tokens, http):
    spec = profile.openapi
    names = (profile.authorization or Authorization()).sensitive_fields
    # The description itself names fields (password, refresh_token) in its schemas: not a leak.
    reads = [op for op in api_operations
             if op.method == "GET" and not op.params_in("path") and op.path != spec.source][: spec.max_operations]
    headers = tokens(spec.role).headers() if spec.role else {}
    scanned = 0
    for operation in required(reads, "GET operations without path parameters in the API description"):
        response = http.get(profile.service(spec.service).url(operation.path), headers=headers)
        if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
            scanned += 1
            expect.no_findings(find_sensitive_fields(response.json(), names),
                               f"{operation.label} exposes sensitive fields", where=where(response))
    if not scanned:
        unverified(f"none of the {len(reads)} documented reads answered 200 with JSON to {spec.role or 'anonymous'}")


@check("SEC-AUTHZ-006", "Service-to-service endpoints refuse callers without the service credential",
       safety="probe", items=["realserv:SEC-AUTH-05"])
def test_service_endpoints_need_credentials(profile, auth_config, tokens, http):
    endpoints = required(profile.service_endpoints, "the service-to-service endpoints (service_endpoints)",
                         absent="the profile says the target has no service-to-service endpoints")
    if not endpoints:
        unverified("service_endpoints is empty")
    user_credential = tokens(next(iter(auth_config.roles))).headers()
    for endpoint in endpoints:
        url = profile.service(endpoint.service).url(endpoint.path)
        callers = {
            "no credential": {},
            "a wrong credential": {endpoint.header: f"golive-wrong-{secrets.token_hex(8)}"},
            "a user's credential": user_credential,
        }
        for caller, headers in callers.items():
            response = http.request(endpoint.method, url, headers=headers, intent="probe")
            expect.status(response, {401, 403}, f"{endpoint.method} {endpoint.path} answers {caller}",
                          fix=f"require {endpoint.header} on every internal route")
        genuine = http.request(endpoint.method, url, headers={endpoint.header: endpoint.credential})
        expect.status(genuine, 200, f"{endpoint.method} {endpoint.path} refuses the real service credential",
                      fix="check the credential in the env file")
