"""Authorization: the role x endpoint matrix, other users' objects, privileged fields, exposed
secrets and service-to-service endpoints (OWASP API1, API3, API5).

Every refusal here is judged against a control that was accepted: a forbidden role's request
beside an allowed role's, another user's read beside the owner's, a privileged update beside an
update of the user's own fields, an unauthenticated internal call beside the real service
credential. 401, 403 and 404 are all refusals; which one a system should use is SEC-AUTHZ-008.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlencode

import httpx
import pytest

from golive import check, expect, not_applicable, required, unverified
from golive.expect import snippet, where
from golive.outcomes import Blocked, CheckFailed, Prerequisite, blocked, inconclusive
from golive.profile import Authorization, OwnedObject
from golive.probes.authz import (
    UNPARSEABLE_JSON_BODY,
    control_update_body,
    evaluate_matrix_cell,
    evaluate_write_cell_by_validation,
    find_sensitive_fields,
    foreign_update_body,
    item_id,
    judge_foreign_change,
    listed_items,
    object_changes,
    owner_no_op_body,
    privileged_fields_taken,
    refusal_conformance,
    validation_proves_authorization,
)
from golive.probes.control import Outcome, judge
from golive.probes.findings import Finding
from golive.ledger import Sweep
from golive.probes.mass_assignment import (CreateTarget, create_targets, created_id, found_again_by,
                                           privileged_fields_stored)
from golive.probes.write_bodies import valid_body

RBAC_ITEMS = ["realserv:SEC-AUTH-04", "arogya:S4-EXIT-03", "whatsapp_tracker:BETA-ROLE-03",
              "realserv:TEST-SEC-04", "inventory:SECURITY-03", "consolidated:TEAM-02",
              "inventory:SECURITY-01",  # the audit trail is in inventory's auth.protected, admin only
              "inventory:MAINT-MONTH-03"]  # the monthly security audit: roles, and (below) objects
OBJECT_ITEMS = ["realserv:SEC-AUTH-04", "realserv:TEST-SEC-04", "inventory:MAINT-MONTH-03"]
READ_METHODS = ("GET", "HEAD")


def authorization_of(profile):  # type: ignore[no-untyped-def]
    return required(profile.authorization, "an authorization section (owned objects, profile update)",
                    absent="the profile says the target has no per-user data (authorization: false)")


def owned_objects(profile) -> list[OwnedObject]:  # type: ignore[no-untyped-def]
    return required(authorization_of(profile).objects, "the objects users own (authorization.objects)",
                    absent="the profile says users own no objects (authorization.objects: false)")


# --- the role matrix ---------------------------------------------------------------------------

@check("SEC-AUTHZ-001", "Every role reaches exactly its endpoints: allowed 2xx, others refused (function level)",
       critical=True, safety="probe", items=RBAC_ITEMS)
def test_role_matrix_cell(profile, auth_config, protected_endpoint, role, tokens, controls, http, write_body):
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    if role not in protected_endpoint.roles:
        # refused only counts where a role that may call the endpoint is accepted on the same request
        controls.expect_refused(
            http, protected_endpoint.method, url, genuine=tokens(protected_endpoint.roles[0]), probe=tokens(role),
            title=f"{role} reaches {protected_endpoint.label} (allowed: {', '.join(protected_endpoint.roles)})",
            tested=f"{role}'s credential (a role without the permission)",
            fix=f"add the role guard to {protected_endpoint.label}: {role} must not reach it",
            body=write_body(protected_endpoint.method, protected_endpoint.path))
        return
    if protected_endpoint.method not in READ_METHODS:
        # Proving an allowed write without writing: send a body that cannot parse. Reaching validation
        # (400/422) shows the role got past the guard, provided an anonymous caller with the same body
        # is stopped at the guard (401/403) rather than at validation.
        json_type = {"Content-Type": "application/json"}
        anonymous = http.request(protected_endpoint.method, url, content=UNPARSEABLE_JSON_BODY, headers=json_type,
                                 intent="probe")
        if not validation_proves_authorization(anonymous.status_code):
            inconclusive(f"{role} may call {protected_endpoint.label}: it answers an anonymous unparseable body "
                         f"with HTTP {anonymous.status_code}, so a validation error cannot show authorization "
                         "passed, and proving it otherwise would change data")
        response = http.request(protected_endpoint.method, url, content=UNPARSEABLE_JSON_BODY, headers=json_type,
                                auth=tokens(role), intent="probe")
        expect.no_findings(evaluate_write_cell_by_validation(role, protected_endpoint.label, anonymous.status_code,
                                                             response.status_code),
                           f"{role} on {protected_endpoint.label}", where=where(response))
        return
    response = http.request(protected_endpoint.method, url, auth=tokens(role))
    expect.no_findings(evaluate_matrix_cell(role, protected_endpoint.label, True, response.status_code),
                       f"{role} on {protected_endpoint.label}", where=where(response))


# --- other users' objects ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def found_objects() -> dict[str, tuple[object, str] | Prerequisite]:
    """Per worker: the owner's first object of each owned type (id, URL), or why there is none.
    Looked up once, so a missing object is one prerequisite, not one failure per check."""
    return {}


def object_prerequisite(owned: OwnedObject, found: str, where_: str, fix: str) -> Prerequisite:
    return Prerequisite(f"an object of {owned.owner_role} to test with ({owned.name})",
                        expected=f"{owned.owner_role}'s own {owned.name} listed by GET {owned.list_path} "
                                 f"(entries at {owned.items or 'a bare list or items'}, ids at {owned.id})",
                        found=found, where=where_, fix=fix)


def look_up_owned(profile, owned: OwnedObject, tokens, http) -> tuple[object, str] | Prerequisite:  # type: ignore[no-untyped-def]
    service = profile.service(owned.service)
    listing = http.get(service.url(owned.list_path), auth=tokens(owned.owner_role))
    shape_fix = (f"point authorization.objects[{owned.name}].items and .id at the list answer's entries and "
                 "their ids (JSONPath)")
    if not listing.is_success:
        return object_prerequisite(owned, f"HTTP {listing.status_code} {snippet(listing)[:150]}".rstrip(),
                                   where(listing), f"check authorization.objects[{owned.name}].list_path and "
                                   f"that {owned.owner_role} may list their {owned.name}")
    try:
        body = listing.json()
    except ValueError:
        return object_prerequisite(owned, f"not JSON: {snippet(listing)[:150]}", where(listing),
                                   f"list_path must answer JSON; check authorization.objects[{owned.name}]")
    entries = listed_items(body, owned.items)
    if entries is None:
        return object_prerequisite(owned, f"no list at {owned.items or 'the top level or items'}: "
                                          f"{snippet(listing)[:150]}", where(listing), shape_fix)
    if not entries:
        return object_prerequisite(owned, f"{owned.owner_role} has no {owned.name}", where(listing),
                                   f"give the {owned.owner_role} test account one {owned.name} before the run")
    object_id = item_id(entries[0], owned.id)
    if object_id is None:
        return object_prerequisite(owned, f"the first entry has no id at {owned.id}: {str(entries[0])[:150]}",
                                   where(listing), shape_fix)
    return object_id, service.url(owned.item_url_path(object_id))


def first_owned(profile, owned: OwnedObject, tokens, http, found_objects) -> tuple[object, str]:  # type: ignore[no-untyped-def]
    key = f"{owned.owner_role}:{owned.name}"
    if key not in found_objects:
        found_objects[key] = look_up_owned(profile, owned, tokens, http)
    result = found_objects[key]
    if isinstance(result, Prerequisite):
        blocked(result)
    assert not isinstance(result, Prerequisite)
    return result


@check("SEC-AUTHZ-002", "A user cannot read another user's objects (object level, BOLA)", critical=True,
       safety="probe", items=OBJECT_ITEMS)
def test_other_users_objects_unreadable(profile, auth_config, tokens, controls, http, found_objects):
    for owned in owned_objects(profile):
        object_id, url = first_owned(profile, owned, tokens, http, found_objects)
        owner, other = tokens(owned.owner_role), tokens(owned.other_role)
        # the owner reading their own object is the control; 401, 403 and 404 are all refusals
        controls.expect_refused(http, "GET", url, genuine=owner, probe=other,
                                title=f"{owned.other_role} reads {owned.owner_role}'s {owned.name} {object_id}",
                                tested=f"{owned.other_role}'s credential (not the owner's)",
                                fix="load objects by id AND owner (or check the owner after loading)")
        listing = http.get(profile.service(owned.service).url(owned.list_path), auth=other)
        if not listing.is_success:
            continue  # a list the other user cannot see shows them nothing
        listed = listed_items(expect.json_body(listing, f"{owned.other_role}'s {owned.name} list"), owned.items)
        if listed is None:
            inconclusive(f"{owned.other_role}'s {owned.name} list has no entries at "
                         f"{owned.items or 'the top level or items'} ({where(listing)}), although "
                         f"{owned.owner_role}'s has: cannot tell whether it shows other users' objects")
        ids = [item_id(item, owned.id) for item in listed]
        expect.true(object_id not in ids, f"{owned.other_role}'s {owned.name} list shows {owned.owner_role}'s objects",
                    expected=f"no {owned.name} {object_id}", found=f"ids {ids[:10]}", where=where(listing),
                    fix="filter list queries by the signed-in user")


def read_object(http, url: str, owner) -> dict | None:  # type: ignore[no-untyped-def]
    """The object as its owner reads it; None when it is gone (or no longer readable as an object)."""
    response = http.get(url, auth=owner)
    if not response.is_success:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@check("SEC-AUTHZ-003", "A user cannot change or delete another user's objects (object level, BOLA)",
       critical=True, safety="probe", items=OBJECT_ITEMS)
def test_other_users_objects_unchangeable(profile, auth_config, tokens, http, found_objects):
    attempts = [o for o in owned_objects(profile) if o.update or o.delete or o.actions]
    if not attempts:
        unverified("the profile names no owned object to attempt changes on "
                   "(authorization.objects[].update/delete/actions)")
    accepted: list[dict[str, str]] = []
    unclear: list[str] = []
    for owned in attempts:
        object_id, url = first_owned(profile, owned, tokens, http, found_objects)
        owner, other = tokens(owned.owner_role), tokens(owned.other_role)
        subject = f"{owned.owner_role}'s {owned.name} {object_id}"
        before = read_object(http, url, owner)
        if before is None:
            inconclusive(f"{owned.owner_role} cannot read their own {owned.name} {object_id} as a JSON object "
                         f"(GET {url}): no change to it could be seen")
        # (method, label, URL, body, the owner's control status or None)
        tries: list[tuple[str, str, str, dict | None, int | None]] = []
        if owned.update:
            method = owned.update_method
            # the owner's own update with the same fields, changing nothing, is the control
            control = http.request(method, url, auth=owner, json=owner_no_op_body(method, owned.update, before),
                                   intent="probe")
            before = read_object(http, url, owner) or before  # a no-op may still move updated_at
            tries.append((method, f"{method} {owned.item_path}", url,
                          foreign_update_body(method, owned.update, before), control.status_code))
        tries += [("POST", f"POST {owned.item_path}{action}", url + action, None, None) for action in owned.actions]
        if owned.delete:
            tries.append(("DELETE", f"DELETE {owned.item_path}", url, None, None))
        for method, label, target, body, owner_status in tries:
            attempt = http.request(method, target, auth=other, intent="probe",
                                   **({"json": body} if body is not None else {}))
            after = read_object(http, url, owner)
            changed = object_changes(before, after)
            judgement = judge_foreign_change(attempt.status_code, changed, owner_control=owner_status)
            if judgement.outcome is Outcome.RATE_LIMITED:
                expect.settle(judgement, attempt, attempt, label, tested="another user's credential")
            if judgement.outcome is Outcome.INCONCLUSIVE:
                unclear.append(f"{label} on {subject}: {judgement.reason}")
                continue
            if judgement.outcome is Outcome.REFUSED:
                continue
            restored = restore(http, url, owner, owned, before, after, changed)
            accepted.append({"name": f"{owned.other_role} {label} on {subject}",
                             "expected": "a refusal (401, 403 or 404) and the object unchanged",
                             "found": f"{judgement.reason} {restored}".strip(), "where": where(attempt),
                             "fix": "authorize every write by the object's owner, not just by a valid token"})
            if after is None:
                break  # gone: nothing further to attempt on it
    if accepted:
        raise CheckFailed(f"another user changes objects they do not own: {', '.join(f['name'] for f in accepted)}",
                          expected=accepted[0]["expected"], found="; ".join(f["found"] for f in accepted),
                          where=accepted[0]["where"], fix=accepted[0]["fix"], findings=accepted)
    if unclear:
        inconclusive("; ".join(unclear))


def restore(http, url: str, owner, owned: OwnedObject, before: dict, after: dict | None,  # type: ignore[no-untyped-def]
            changed: list[str]) -> str:
    """Compensation of an accepted probe: the owner puts their own values back (what it says about it)."""
    if after is None:
        return "(deleted: cannot be restored by golive)"
    restorable = [name for name in changed if name in before and owned.update and name in owned.update]
    if not restorable:
        return "(not restorable by golive: restore it by hand)" if changed else ""
    body = before if owned.update_method == "PUT" else {name: before[name] for name in restorable}
    http.request(owned.update_method, url, auth=owner, json=body, intent="probe")
    return "(restored)"


# --- privileged fields -------------------------------------------------------------------------

def read_own_profile(http, url: str, credential, when: str) -> dict:  # type: ignore[no-untyped-def]
    response = http.get(url, auth=credential)
    body = response.json() if response.is_success and "json" in response.headers.get("content-type", "") else None
    if not isinstance(body, dict):
        inconclusive(f"the user's own profile {when} is not readable as a JSON object ({where(response)}: "
                     f"HTTP {response.status_code}): a privileged field taken could not be seen")
    return body


@check("SEC-AUTHZ-004", "Profile updates cannot set privileged fields (role, admin, price, balance)",
       critical=True, safety="probe", items=OBJECT_ITEMS)
def test_privileged_fields_not_assignable(profile, auth_config, tokens, http):
    authorization = authorization_of(profile)
    update = required(authorization.profile_update, "a self-service profile update endpoint "
                      "(authorization.profile_update)", absent="the profile says users cannot update themselves")
    service = profile.service(update.service)
    url, read_url = service.url(update.path), service.url(update.read_path or update.path)
    credential = tokens(update.role)
    privileged = dict(authorization.privileged_fields)
    before = read_own_profile(http, read_url, credential, "before the update")
    # the control: an update of the user's own fields that changes nothing must be accepted
    allowed = control_update_body(update.method, update.sample, before, privileged)
    control = http.request(update.method, url, auth=credential, json=allowed, intent="probe")
    if not control.is_success:
        inconclusive(f"the update of {update.role}'s own fields {sorted(allowed)} (no change) answered HTTP "
                     f"{control.status_code} ({where(control)}): give the fields the endpoint accepts in "
                     "authorization.profile_update.sample")
    before = read_own_profile(http, read_url, credential, "after the control update")
    response = http.request(update.method, url, auth=credential, json={**allowed, **privileged}, intent="probe")
    # the update's own answer (the stored user, as many APIs return it) and a fresh read are both evidence
    answered = response.json() if response.is_success and "json" in response.headers.get("content-type", "") else {}
    after = read_own_profile(http, read_url, credential, "after the privileged update")
    findings = (privileged_fields_taken(privileged, before, answered if isinstance(answered, dict) else {})
                or privileged_fields_taken(privileged, before, after))
    if findings:
        # compensation of an accepted probe: put the user's own previous values back
        http.request(update.method, url, auth=credential, intent="probe",
                     json={**allowed, **{name: before[name] for name in privileged if name in before}})
    expect.no_findings(findings, f"{update.role} escalates through {update.method} {update.path}",
                       where=where(response))


def json_object(response: httpx.Response) -> dict:
    """The answer's JSON object ({} when it has none)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def create_once(http, compensate, target: CreateTarget, url: str, body: dict, caller, undoer: str,  # type: ignore[no-untyped-def]
                item_url: Callable[[str], str], what: str) -> tuple[httpx.Response, str | None]:
    """One create through the ledger: announced before it is sent (with how to find it by the list's
    filter where the description documents one), its DELETE recorded once the answer names the id
    (undone at teardown); (the answer, the created object's URL or None)."""
    found = found_again_by(target, body)
    sweep = None if found is None else Sweep(f"{url}?{urlencode({found[0]: found[1]})}", "DELETE", item_url("{id}"),
                                             role=undoer, match=(found,))
    intent = compensate.intent(f"delete {what} created by {target.label} ({compensate.tag})", url, sweep=sweep)
    response = http.request("POST", url, json=body, auth=caller, intent="write")
    compensate.refused(intent, response.status_code)
    if not response.is_success:
        return response, None
    object_id = created_id(json_object(response), response.headers.get("location"), target.id_name)
    if object_id is None:
        return response, None  # the intent stays open: cleanup reports it for a look by hand
    created = item_url(object_id)
    compensate.undo(f"delete {what} {object_id} created by {target.label}", "DELETE", created, role=undoer,
                    intent=intent)
    return response, created


@check("SEC-AUTHZ-009", "Create endpoints (sign-up) cannot set privileged fields (role, admin, verified, balance)",
       critical=True, safety="mutating", items=OBJECT_ITEMS)
def test_privileged_fields_not_assignable_on_create(profile, api_operations, tokens, http, compensate):
    spec = profile.openapi
    privileged = (profile.authorization or Authorization()).privileged_fields
    targets, left_out = create_targets(api_operations, privileged)
    if not targets and not left_out:
        not_applicable(f"the API description documents no create (POST on a collection) whose request or answer "
                       f"names a privileged field ({', '.join(privileged)})")
    if not targets:
        unverified("; ".join(left_out))
    role = required(spec.role, "a role that reads and deletes what the creates make (openapi.role)")
    service = profile.service(spec.service)
    findings: list[Finding] = []
    unclear: list[str] = list(left_out)
    evidence: httpx.Response | None = None
    for target in targets[: spec.max_operations]:
        url = service.url(target.operation.path)
        caller = tokens(role) if target.operation.security else None  # sign-up: anonymous, as documented
        item_url = lambda object_id, t=target: service.url(t.item_path.replace("{" + t.id_name + "}", object_id))
        body, source = valid_body(target.label, spec.samples, target.operation.body_schema)
        if body is None:
            unclear.append(source)
            continue
        allowed = {name: value for name, value in body.items() if name not in target.privileged}
        # the control: the same create without the privileged fields must be accepted
        control, control_url = create_once(http, compensate, target, url, allowed, caller, role, item_url,
                                           "the control object")
        if not control.is_success or control_url is None:
            why = ("no id of the created object in the answer or its Location header" if control.is_success
                   else "give a body the endpoint accepts in openapi.samples")
            unclear.append(f"{target.label} without privileged fields (body {source}) answered HTTP "
                           f"{control.status_code} ({where(control)}): {why}")
            continue
        stored_control = read_object(http, control_url, tokens(role)) if target.readable else None
        # the probe: the same create (fresh unique values) with the privileged fields added
        fresh = valid_body(target.label, spec.samples, target.operation.body_schema)[0] or allowed
        attempt = {**{name: value for name, value in fresh.items() if name not in target.privileged},
                   **target.privileged}
        response, created_url = create_once(http, compensate, target, url, attempt, caller, role, item_url,
                                            "the probe object")
        if not response.is_success:
            continue  # refused with the privileged fields where the control was accepted: nothing stored
        # the create's own answer (the stored object, as most APIs return it) and a fresh read are evidence
        stored = read_object(http, created_url, tokens(role)) if created_url and target.readable else None
        found = (privileged_fields_stored(target.label, target.privileged, stored_control or json_object(control),
                                          json_object(response))
                 or privileged_fields_stored(target.label, target.privileged,
                                             stored_control or json_object(control), stored or {}))
        if found:
            findings += found
            evidence = evidence or response
    if findings:
        expect.no_findings(findings, "create endpoints store privileged fields the caller sends",
                           where=where(evidence) if evidence is not None else service.url("/"))
    if unclear and len(unclear) >= len(targets) + len(left_out):
        inconclusive("no create could be probed: " + "; ".join(unclear[:5]))


# --- secrets in answers ------------------------------------------------------------------------

@check("SEC-AUTHZ-005", "Responses expose no password hashes, secrets or tokens", critical=True,
       items=["realserv:TEST-SEC-04"])
def test_no_sensitive_fields_exposed(profile, auth_config, protected_endpoint, tokens, http):
    if protected_endpoint.method not in READ_METHODS:
        not_applicable(f"{protected_endpoint.label} is not a read: only GET answers are scanned")
    # the profile's list, or the defaults when it says nothing about authorization
    names = (profile.authorization or Authorization()).sensitive_fields
    url = profile.service(protected_endpoint.service).url(protected_endpoint.path)
    response = http.get(url, auth=tokens(protected_endpoint.roles[0]))
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
    credential = tokens(spec.role) if spec.role else None
    scanned = 0
    for operation in required(reads, "GET operations without path parameters in the API description"):
        response = http.get(profile.service(spec.service).url(operation.path), auth=credential)
        if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
            scanned += 1
            expect.no_findings(find_sensitive_fields(response.json(), names),
                               f"{operation.label} exposes sensitive fields", where=where(response))
    if not scanned:
        unverified(f"none of the {len(reads)} documented reads answered 200 with JSON to {spec.role or 'anonymous'}")


# --- service-to-service endpoints --------------------------------------------------------------

@check("SEC-AUTHZ-006", "Service-to-service endpoints refuse callers without the service credential",
       safety="probe", items=["realserv:SEC-AUTH-05"])
def test_service_endpoints_need_credentials(profile, auth_config, tokens, http):
    endpoints = required(profile.service_endpoints, "the service-to-service endpoints (service_endpoints)",
                         absent="the profile says the target has no service-to-service endpoints")
    user = tokens(next(iter(auth_config.roles)))
    findings: list[dict[str, str]] = []
    for endpoint in endpoints:
        url = profile.service(endpoint.service).url(endpoint.path)
        label = f"{endpoint.method} {endpoint.path}"
        # the control: the genuine service credential is accepted on this very request
        genuine = http.request(endpoint.method, url, headers={endpoint.header: endpoint.credential})
        if not genuine.is_success and genuine.status_code not in (429, 503):
            inconclusive(f"{label} answered the real service credential ({endpoint.header} from the env) with HTTP "
                         f"{genuine.status_code} ({where(genuine)}), so no refusal of other callers proves anything; "
                         "check the credential in the env file and the endpoint's method and path")
        callers: dict[str, dict[str, object]] = {
            "no credential": {},
            "a wrong credential": {"headers": {endpoint.header: f"golive-wrong-{secrets.token_hex(8)}"}},
            "a user's credential": {"auth": user},
        }
        for caller, how in callers.items():
            probe = http.request(endpoint.method, url, intent="probe", **how)  # type: ignore[arg-type]
            judgement = judge(genuine.status_code, probe.status_code)
            if judgement.outcome is not Outcome.ACCEPTED:
                # refused; inconclusive and rate limited end the check with their reason
                if judgement.outcome is not Outcome.REFUSED:
                    expect.settle(judgement, genuine, probe, f"{label} answers {caller}",
                                  tested=f"{caller} instead of the service credential")
                continue
            findings.append({"name": f"{label} answers {caller}", "expected": "a refusal (401, 403 or 404)",
                             "found": f"{judgement.reason} {snippet(probe)[:120]}".rstrip(), "where": where(probe),
                             "fix": f"require {endpoint.header} on every internal route"})
    if findings:
        raise CheckFailed(f"service endpoints answer without the service credential: "
                          f"{', '.join(f['name'] for f in findings)}", expected=findings[0]["expected"],
                          found="; ".join(f["found"] for f in findings), where=findings[0]["where"],
                          fix=findings[0]["fix"], findings=findings)


# --- which refusal: a conformance question -------------------------------------------------------

@check("SEC-AUTHZ-008", "Refusals use the status the profile's policy names (401, 403 or 404)",
       safety="probe", items=["realserv:SEC-AUTH-04", "realserv:TEST-SEC-04"])
def test_refusal_status_follows_policy(profile, auth_config, tokens, controls, http, found_objects):
    authorization = authorization_of(profile)
    policy = required(authorization.refusal_status, "the refusal status policy (authorization.refusal_status)",
                      absent="the profile sets no refusal status policy (authorization.refusal_status: false)")
    findings: list[Finding] = []
    evidence: dict[str, httpx.Response] = {}
    judged = 0
    if policy.forbidden_role:
        for endpoint in auth_config.protected:
            url = profile.service(endpoint.service).url(endpoint.path)
            for role in sorted(set(auth_config.roles) - set(endpoint.roles)):
                judgement, _, answer = controls.pair(http, endpoint.method, url, genuine=tokens(endpoint.roles[0]),
                                                     probe=tokens(role))
                if judgement.outcome is Outcome.REFUSED:
                    judged += 1
                    found = refusal_conformance(f"{endpoint.label} as {role}", answer.status_code,
                                                policy.forbidden_role)
                    findings += found
                    evidence.update({finding.name: answer for finding in found})
    missing: Blocked | None = None  # an object to test with is missing: the role refusals still count
    if policy.foreign_object:
        for owned in authorization.owned:
            try:
                _, url = first_owned(profile, owned, tokens, http, found_objects)
            except Blocked as block:
                missing = missing or block
                continue
            judgement, _, answer = controls.pair(http, "GET", url, genuine=tokens(owned.owner_role),
                                                 probe=tokens(owned.other_role))
            if judgement.outcome is Outcome.REFUSED:
                judged += 1
                found = refusal_conformance(f"{owned.other_role} reading {owned.owner_role}'s {owned.name}",
                                            answer.status_code, policy.foreign_object)
                findings += found
                evidence.update({finding.name: answer for finding in found})
    if findings:
        first = evidence[findings[0].name]
        raise CheckFailed(", ".join(finding.name for finding in findings),
                          expected="; ".join(dict.fromkeys(f.expected for f in findings)),
                          found="; ".join(f"{f.name.rsplit(': rejected', 1)[0]}: {f.found}" for f in findings),
                          where=where(first), fix=findings[0].fix,
                          findings=[{"name": f.name, "expected": f.expected, "found": f.found,
                                     "where": where(evidence[f.name]), "fix": f.fix} for f in findings])
    if missing:
        raise missing
    if not judged:
        inconclusive("no refusal to compare with the policy: no forbidden-role request or other user's object "
                     "was refused beside an accepted control")
