"""What an OpenAPI 3 document says about a system, as answers to a profile's questions.

``golive init`` turns a description into a first profile: how to log in (from the security
schemes), which operations need a credential, which objects users own, which parameters take
e-mail addresses, phone numbers, redirect targets or free text, and where health and docs live.
Every answer carries the evidence it was drawn from, so the written profile can say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from golive.probes import openapi

LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|sign_in|token|session|sessions|authenticate|auth)/?$", re.I)
PASSWORD_FIELD = re.compile(r"^(password|passwd|pass|pwd)$", re.I)
USERNAME_FIELDS = ("username", "email", "login", "user", "user_name", "userName", "identifier", "phone", "mobile")
SESSION_COOKIE = re.compile(r"sess|^sid$|connect\.sid|jsessionid|_session", re.I)
FREE_TEXT = re.compile(r"^(q|query|search|term|keyword|keywords|text|message|comment|title|name|s)$", re.I)
REDIRECT = re.compile(r"^(next|redirect|redirect_?uri|redirect_?url|return|return_?to|return_?url|continue|"
                      r"dest|destination|callback|goto|url)$", re.I)
PHONE_NAME = re.compile(r"phone|mobile|msisdn|whatsapp", re.I)
# an E.164-style pattern: a leading \+ and digits
PHONE_PATTERN = re.compile(r"\\\+|\[\+\]|\+\?\d|\\d\{")
# Dockerflow's names too: /__lbheartbeat__ answers while the process runs (for load balancers),
# /__heartbeat__ checks the backends
LIVE = re.compile(r"/(live|liveness|livez|healthz?/live|__lbheartbeat__)$", re.I)
READY = re.compile(r"/(ready|readiness|readyz|healthz?/ready|__heartbeat__)$", re.I)
DB = re.compile(r"/healthz?/(db|database|postgres|mysql)$", re.I)
HEALTH = re.compile(r"/(health|healthz|healthcheck|status|ping)$", re.I)
# what a commerce system's operations are about (the inventory, marketplace, commercial, tracker and
# flows sections describe such operations)
COMMERCE = re.compile(r"order|cart|checkout|product|sku|stock|inventor|warehouse|price|pricing|vendor|seller|"
                      r"refund|invoice|settlement|payment|shipment|catalog", re.I)
WEBHOOK = re.compile(r"webhook|/hooks?(/|$)|callback", re.I)
SIGNED_LINK = re.compile(r"^(sig|signature|expires|exp|share|share_?token)$", re.I)
DOCS = re.compile(r"(openapi|swagger)[^/]*\.(json|ya?ml)$|/(api-docs|v3/api-docs)$", re.I)


@dataclass(frozen=True)
class Credential:
    """Where the system reads the credential on each request."""

    location: str  # header | cookie | query
    name: str
    scheme: str = ""  # Bearer, Basic, or "" for a bare key


@dataclass(frozen=True)
class LoginPlan:
    strategy: str  # json | form | basic | session | token
    scheme: str  # the securitySchemes entry it comes from
    evidence: str  # what in the document says so
    path: str | None = None  # json/form/session: where credentials go; basic/token: a path to verify them
    username_field: str = "username"
    password_field: str = "password"
    extra_fields: dict[str, str] = field(default_factory=dict)
    session_cookie: str | None = None
    access_token_field: str = "access_token"  # where the login's answer carries the token
    credential: Credential = Credential("header", "Authorization", "Bearer")


@dataclass(frozen=True)
class OwnedCandidate:
    name: str
    list_path: str
    item_path: str  # with {id}
    items: str | None = None  # where the list answer holds its entries, when not a bare list ($.results[*])


@dataclass(frozen=True)
class ParamUse:
    method: str
    path: str
    param: str
    secured: bool


@dataclass(frozen=True)
class BodyField:
    method: str
    path: str
    field: str
    kind: str  # email | phone
    secured: bool


@dataclass(frozen=True)
class ServiceKey:
    """A second API-key scheme in a header: a service-to-service credential."""

    scheme: str
    header: str
    paths: tuple[str, ...]


@dataclass
class Draft:
    login: LoginPlan | None = None
    login_notes: list[str] = field(default_factory=list)
    protected: list[openapi.Operation] = field(default_factory=list)
    protected_with_ids: list[openapi.Operation] = field(default_factory=list)
    # need data golive does not have (required parameters) or write: for a person to list
    protected_unsafe: list[openapi.Operation] = field(default_factory=list)
    owned: list[OwnedCandidate] = field(default_factory=list)
    health: dict[str, str] = field(default_factory=dict)  # live | ready | db -> path
    docs: list[openapi.Operation] = field(default_factory=list)
    reflection: list[ParamUse] = field(default_factory=list)
    redirects: list[ParamUse] = field(default_factory=list)
    injection: list[openapi.Operation] = field(default_factory=list)
    redos: list[ParamUse] = field(default_factory=list)
    contact_fields: list[BodyField] = field(default_factory=list)
    uploads: list[openapi.Operation] = field(default_factory=list)
    service_keys: list[ServiceKey] = field(default_factory=list)
    # writes the description itself declares open to anonymous callers (logins, sign-up)
    public_writes: list[str] = field(default_factory=list)
    # sections the description shows the system has no part of: section -> the evidence
    absent: dict[str, str] = field(default_factory=dict)


def _path_of(url: str) -> str:
    return urlsplit(url).path or "/" if "://" in url else url


def _schemes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    components = document.get("components") or {}
    raw = components.get("securitySchemes") or {} if isinstance(components, dict) else {}
    resolved = {name: openapi.resolve(document, scheme) for name, scheme in raw.items()}
    return {name: scheme for name, scheme in resolved.items() if isinstance(scheme, dict)}


def _body_media(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    item = openapi.resolve(document, (document.get("paths") or {}).get(path, {}))
    spec = item.get(method.lower(), {}) if isinstance(item, dict) else {}
    body = openapi.resolve(document, spec.get("requestBody", {})) if isinstance(spec, dict) else {}
    content = body.get("content", {}) if isinstance(body, dict) else {}
    return content if isinstance(content, dict) else {}


def _body_properties(document: dict[str, Any], method: str, path: str) -> dict[str, dict[str, Any]]:
    for media in _body_media(document, method, path).values():
        schema = openapi.resolve(document, media.get("schema", {}) if isinstance(media, dict) else {})
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if isinstance(properties, dict) and properties:
            return {name: openapi.resolve(document, prop) for name, prop in properties.items()
                    if isinstance(openapi.resolve(document, prop), dict)}
    return {}


def _login_operation(document: dict[str, Any], operations: list[openapi.Operation]) -> openapi.Operation | None:
    """A public POST whose path looks like a login and whose body takes a password."""
    for op in operations:
        if op.method == "POST" and not op.security and LOGIN_PATH.search(op.path):
            fields = set(op.body_fields) | set(_body_properties(document, op.method, op.path))
            if any(PASSWORD_FIELD.match(name) for name in fields):
                return op
    return None


def _credential_fields(document: dict[str, Any], op: openapi.Operation) -> tuple[str, str]:
    fields = list(dict.fromkeys([*op.body_fields, *_body_properties(document, op.method, op.path)]))
    password = next((name for name in fields if PASSWORD_FIELD.match(name)), "password")
    username = next((name for wanted in USERNAME_FIELDS for name in fields if name.lower() == wanted.lower()),
                    next((name for name in fields if name != password), "username"))
    return username, password


TOKEN_FIELDS = ("access_token", "accessToken", "token", "jwt", "id_token", "idToken")


def _token_field(document: dict[str, Any], op: openapi.Operation) -> str:
    """The property of the login's success answer that holds the token (access_token unless it says otherwise)."""
    item = openapi.resolve(document, (document.get("paths") or {}).get(op.path, {}))
    spec = item.get(op.method.lower(), {}) if isinstance(item, dict) else {}
    responses = spec.get("responses", {}) if isinstance(spec, dict) else {}
    for status in ("200", "201"):
        response = openapi.resolve(document, responses.get(status, {})) if isinstance(responses, dict) else {}
        content = response.get("content", {}) if isinstance(response, dict) else {}
        for media in content.values() if isinstance(content, dict) else []:
            schema = openapi.resolve(document, media.get("schema", {}) if isinstance(media, dict) else {})
            properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
            found = next((name for name in TOKEN_FIELDS if name in (properties or {})), None)
            if found:
                return found
    return "access_token"


def _verify_path(operations: list[openapi.Operation], scheme: str) -> str | None:
    """A GET that needs the scheme's credential and takes no path parameter: where a credential is tried."""
    return next((op.path for op in operations if op.method == "GET" and scheme in op.security
                 and not op.params_in("path")), None)


def plan_login(document: dict[str, Any], operations: list[openapi.Operation]) -> tuple[LoginPlan | None, list[str]]:
    """The login strategy and credential placement the main security scheme implies, and notes on the rest."""
    schemes = _schemes(document)
    use = {name: sum(name in op.security for op in operations) for name in schemes}
    notes: list[str] = []
    if not schemes:
        return None, ["the description declares no securitySchemes: how to log in is not known"]
    name = max(schemes, key=lambda scheme: (use[scheme], -list(schemes).index(scheme)))
    scheme = schemes[name]
    kind, where = str(scheme.get("type", "")).lower(), f"securitySchemes.{name}"
    login_op = _login_operation(document, operations)
    verify = _verify_path(operations, name)
    if kind == "oauth2":
        flows = scheme.get("flows") or {}
        password = flows.get("password") if isinstance(flows, dict) else None
        if isinstance(password, dict) and password.get("tokenUrl"):
            return LoginPlan("form", name, f"{where}: OAuth2 password flow, tokenUrl {password['tokenUrl']}",
                             path=_path_of(str(password["tokenUrl"])), extra_fields={"grant_type": "password"}), notes
        notes.append(f"{where}: OAuth2 without a password flow ({', '.join(flows) or 'no flows'}): golive needs a "
                     "pre-issued token per role (token strategy) or a browser sign-in")
        return LoginPlan("token", name, f"{where}: OAuth2 ({', '.join(flows)})", path=verify), notes
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return LoginPlan("basic", name, f"{where}: HTTP Basic", path=verify,
                         credential=Credential("header", "Authorization", "Basic")), notes
    if kind in ("http", "openidconnect"):
        if login_op is not None:
            username, password_field = _credential_fields(document, login_op)
            media = _body_media(document, login_op.method, login_op.path)
            form = "application/x-www-form-urlencoded" in media and "application/json" not in media
            return LoginPlan("form" if form else "json", name,
                             f"{where}: bearer tokens, issued by {login_op.label}", path=login_op.path,
                             username_field=username, password_field=password_field,
                             access_token_field=_token_field(document, login_op)), notes
        notes.append(f"{where}: bearer tokens, but no login operation in the description: golive needs a "
                     "pre-issued token per role")
        return LoginPlan("token", name, f"{where}: bearer tokens, no login operation", path=verify), notes
    if kind == "apikey":
        location, key = str(scheme.get("in", "header")), str(scheme.get("name", ""))
        if location == "cookie" and SESSION_COOKIE.search(key):
            username, password_field = _credential_fields(document, login_op) if login_op else ("username", "password")
            if login_op is None:
                notes.append(f"{where}: a session cookie, but no login operation in the description")
            return LoginPlan("session", name, f"{where}: session cookie {key}",
                             path=login_op.path if login_op else None, username_field=username,
                             password_field=password_field, session_cookie=key,
                             credential=Credential("cookie", key)), notes
        scheme_word = "Bearer" if location == "header" and key.lower() == "authorization" else ""
        return LoginPlan("token", name, f"{where}: API key in {location} {key}", path=verify,
                         credential=Credential(location, key, scheme_word)), notes
    notes.append(f"{where}: security scheme type {kind or '(none)'} is not one golive knows how to log in with")
    return None, notes


def _service_keys(document: dict[str, Any], operations: list[openapi.Operation], main: str | None) -> list[ServiceKey]:
    keys = []
    for name, scheme in _schemes(document).items():
        # a key in the Authorization header is how a user's token travels (DRF's "Token <key>"), not a
        # service credential
        if (name != main and str(scheme.get("type", "")).lower() == "apikey" and scheme.get("in") == "header"
                and str(scheme.get("name", "")).lower() != "authorization"):
            paths = tuple(op.path for op in operations if name in op.security and op.method in ("GET", "HEAD")
                          and not op.params_in("path"))
            if paths:
                keys.append(ServiceKey(name, str(scheme.get("name", "")), paths))
    return keys


def _list_items(document: dict[str, Any], path: str) -> str | None:
    """Where a list answer keeps its entries, from its success schema: None for a bare array (or the
    ``items`` envelope golive reads by itself), ``$.<field>[*]`` for an object with one array field
    (DRF's ``results``, ``data``)."""
    item = openapi.resolve(document, (document.get("paths") or {}).get(path, {}))
    spec = item.get("get", {}) if isinstance(item, dict) else {}
    response = openapi.resolve(document, (spec.get("responses") or {}).get("200", {})) if isinstance(spec, dict) else {}
    content = response.get("content", {}) if isinstance(response, dict) else {}
    for media in content.values() if isinstance(content, dict) else []:
        schema = openapi.resolve(document, media.get("schema", {}) if isinstance(media, dict) else {})
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        arrays = [name for name, prop in (properties or {}).items()
                  if isinstance(openapi.resolve(document, prop), dict)
                  and openapi.resolve(document, prop).get("type") == "array"]
        if len(arrays) == 1 and arrays[0] != "items":
            return f"$.{arrays[0]}[*]"
    return None


def _owned(document: dict[str, Any], operations: list[openapi.Operation]) -> list[OwnedCandidate]:
    """Collections a credential lists (GET /things) with an item path below them (GET /things/{id})."""
    gets = {op.path: op for op in operations if op.method == "GET"}
    found = []
    for path, op in gets.items():
        if not op.security or op.params_in("path"):
            continue
        for item_path, item in gets.items():
            rest = item_path[len(path.rstrip("/")):]
            # /things/{id}, or /things/{id}/ where the collection ends in a slash too (Django's routers)
            match = re.fullmatch(r"/\{([^/{}]+)\}(/?)", rest)
            if item_path.startswith(path.rstrip("/") + "/") and match and item.security:
                name = path.rstrip("/").rsplit("/", 1)[-1] or "objects"
                found.append(OwnedCandidate(name, path, item_path[: -len(rest)] + "/{id}" + match.group(2),
                                            _list_items(document, path)))
    return found


def _health(operations: list[openapi.Operation]) -> dict[str, str]:
    public = [op.path for op in operations if op.method == "GET" and not op.security and not op.params_in("path")]
    health: dict[str, str] = {}
    for kind, pattern in (("live", LIVE), ("ready", READY), ("db", DB)):
        match = min((path for path in public if pattern.search(path)), key=len, default=None)
        if match:
            health[kind] = match
    if "live" not in health:
        generic = sorted((path for path in public if HEALTH.search(path)), key=len)
        if generic:
            health["live"] = generic[0]
    return health


def _is_free_text(parameter: openapi.Parameter) -> bool:
    return parameter.type == "string" and not parameter.format and not parameter.pattern


def _callable_as_is(document: dict[str, Any], op: openapi.Operation) -> bool:
    """A read the role checks may call without data of their own: no required query or header parameter
    (a 422 would read as a refused role). Writes are left to a person: the role matrix proves an allowed
    write with an unparseable body only where the system checks the token before the body, which the
    description does not say (elsewhere the result is unverified), and a DELETE would delete."""
    if any(p.required for p in op.parameters if p.location in ("query", "header", "cookie")):
        return False
    return op.method in ("GET", "HEAD")


def draft(document: dict[str, Any]) -> Draft:
    """The profile answers an OpenAPI 3 document gives. Raises ValueError for other documents."""
    operations = openapi.inventory(document)
    plan, notes = plan_login(document, operations)
    result = Draft(login=plan, login_notes=notes)
    login_path = plan.path if plan and plan.strategy in ("json", "form", "session") else None
    docs = {op.path for op in operations if DOCS.search(op.path)}
    for op in operations:
        # protected = needs the login's credential (a service key's operations are service endpoints)
        needs_login = plan.scheme in op.security if plan else bool(op.security)
        if not needs_login or op.path == login_path or op.path in docs:
            continue
        if op.params_in("path"):
            result.protected_with_ids.append(op)
        elif _callable_as_is(document, op):
            result.protected.append(op)
        else:
            result.protected_unsafe.append(op)
    result.owned = _owned(document, operations)
    result.health = _health(operations)
    result.docs = [op for op in operations if op.method == "GET" and DOCS.search(op.path)]
    for op in operations:
        secured = bool(op.security)
        simple_get = op.method == "GET" and not op.params_in("path")
        for parameter in op.params_in("query") if simple_get else []:
            use = ParamUse(op.method, op.path, parameter.name, secured)
            if parameter.format in ("uri", "url") or REDIRECT.match(parameter.name):
                result.redirects.append(use)
            elif _is_free_text(parameter) and FREE_TEXT.match(parameter.name):
                result.reflection.append(use)
            if parameter.pattern and parameter.type == "string":
                result.redos.append(use)
        if simple_get and any(_is_free_text(p) and FREE_TEXT.match(p.name) for p in op.params_in("query")):
            result.injection.append(op)
        if op.method in ("POST", "PUT", "PATCH"):
            for name, prop in _body_properties(document, op.method, op.path).items():
                pattern = str(prop.get("pattern", ""))
                if prop.get("format") == "email" or name.lower() == "email":
                    result.contact_fields.append(BodyField(op.method, op.path, name, "email", secured))
                elif prop.get("format") in ("phone", "tel") or PHONE_NAME.search(name) or PHONE_PATTERN.search(pattern):
                    result.contact_fields.append(BodyField(op.method, op.path, name, "phone", secured))
            if "multipart/form-data" in _body_media(document, op.method, op.path):
                result.uploads.append(op)
    result.service_keys = _service_keys(document, operations, plan.scheme if plan else None)
    result.absent = _absent(operations)
    # a write without security is declared public only by a description that secures others: one that
    # declares no security at all says nothing of who may write (Kinto's, whose writes need an account)
    if any(op.security for op in operations):
        result.public_writes = [op.label for op in operations
                                if op.method in ("POST", "PUT", "PATCH", "DELETE") and not op.security]
    return result


def _absent(operations: list[openapi.Operation]) -> dict[str, str]:
    """Sections whose operations the description would list if the system had them, and does not."""
    if not operations:
        return {}
    absent = {}
    if not any(COMMERCE.search(op.path) for op in operations):
        commerce = ("no operation on orders, carts, products, stock, prices, vendors, payments or invoices in the "
                    "description: not a commerce system")
        absent.update(dict.fromkeys(("inventory", "marketplace", "commercial", "tracker", "flows"), commerce))
    if not any(WEBHOOK.search(op.path) for op in operations):
        absent["webhooks"] = "no webhook receiver (a path with webhook, hook or callback) in the description"
    if not any(SIGNED_LINK.match(p.name) for op in operations for p in op.params_in("query")):
        absent["share_links"] = "no operation takes a signature or expiry parameter: no signed share links"
    return absent
