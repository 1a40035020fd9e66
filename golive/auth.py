"""Logging in as a profile role: the one place that knows how a target issues credentials (JSON or form
login, HTTP Basic, a session cookie with CSRF, a pre-issued token, a browser sign-in) and where
requests carry them."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pyotp

from golive.browser import QUIET_CHROMIUM_ARGS, chromium_executable
from golive.expect import snippet, where
from golive.http import HttpClient
from golive.outcomes import CheckFailed, Prerequisite, blocked, not_applicable, unverified
from golive.probes.jwks import KeySetError, PublishedKey, key_confusion_candidates, known_kids, parse_key_set
from golive.probes.login_answer import diagnose, lookup
from golive.probes.tokens import ForgeryContext, MalformedToken, decode_unverified
from golive.profile import Auth, CredentialPlacement, Login, Mfa, Profile


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True, eq=False)
class Credential(httpx.Auth):
    """What a role's login gave golive, and the one seam that puts it on a request.

    Pass it as ``auth=`` to any ``HttpClient`` call: it travels where the system reads it (a header
    with its scheme, a cookie, a query parameter), with the CSRF token on unsafe methods. Forgery
    and expiry checks swap the value with :meth:`forged`, keeping the place.
    """

    role: str
    strategy: str
    placement: CredentialPlacement
    value: str  # the token, session id or Basic user:pass (base64) that the system checks
    refresh: str | None = None
    # every cookie the login set (the session cookie among them) when the credential is a cookie
    cookies: tuple[tuple[str, str], ...] = ()
    csrf: tuple[str, str] | None = None  # (header, token) echoed on unsafe requests
    issued_at: float = 0.0  # epoch seconds measured at login: the lifetime's start when the token has no iat
    # the lifetime the login answer states (OAuth2 ``expires_in``, seconds): an opaque token's only one
    expires_in: float | None = None

    @classmethod
    def bearer(cls, role: str, token: str) -> "Credential":
        """A bearer token in the Authorization header (the default placement)."""
        return cls(role, "token", CredentialPlacement(), token, issued_at=time.time())

    @property
    def access(self) -> str:
        return self.value

    @property
    def is_jwt(self) -> bool:
        return self.placement.scheme.lower() != "basic" and is_compact_jwt(self.value)

    @property
    def kind(self) -> str:
        """How a report names it: 'a JWT', 'an opaque session cookie', 'HTTP Basic credentials'."""
        if self.placement.scheme.lower() == "basic":
            return "HTTP Basic credentials"
        if self.is_jwt:
            return "a JWT"
        return f"an opaque {'session cookie' if self.placement.location == 'cookie' else 'token'}"

    @property
    def where(self) -> str:
        place = self.placement
        if place.location == "header":
            return f"the {place.name} header" + (f" ({place.scheme})" if place.scheme else "")
        return f"the {place.name} {place.location}" + (" parameter" if place.location == "query" else "")

    def forged(self, value: str) -> "Credential":
        """The same credential in the same place, with another value (a forged or expired token)."""
        return replace(self, value=value)

    def headers(self, method: str = "POST") -> dict[str, str]:
        """The credential as headers, for callers that build their own request (a header or cookie
        credential; the CSRF token too, unless ``method`` is a safe one)."""
        request = httpx.Request(method, "http://credential.invalid/")
        before = set(request.headers.raw)
        self._apply(request)
        return {name.decode(): value.decode() for name, value in request.headers.raw if (name, value) not in before}

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        self._apply(request)
        yield request

    def _apply(self, request: httpx.Request) -> None:
        place = self.placement
        if place.location == "header":
            request.headers[place.name] = f"{place.scheme} {self.value}" if place.scheme else self.value
        elif place.location == "query":
            request.url = request.url.copy_merge_params({place.name: self.value})
        else:
            jar = dict(self.cookies)
            jar[place.name] = self.value
            existing = request.headers.get("cookie")
            pairs = "; ".join(f"{name}={value}" for name, value in jar.items())
            request.headers["Cookie"] = f"{existing}; {pairs}" if existing else pairs
        if self.csrf and request.method not in SAFE_METHODS:
            request.headers[self.csrf[0]] = self.csrf[1]


def is_compact_jwt(value: str) -> bool:
    parts = value.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return False
    try:
        decode_unverified(value)
    except MalformedToken:
        return False
    return True


def placement_of(auth: Auth) -> CredentialPlacement:
    """Where requests carry the credential: the profile's word, else the strategy's convention."""
    if auth.credential is not None:
        return auth.credential
    strategy = auth.login.strategy
    if strategy == "basic":
        return CredentialPlacement(location="header", name="Authorization", scheme="Basic")
    if strategy in ("session", "browser"):
        return CredentialPlacement(location="cookie", name=auth.login.session_cookie or "", scheme="")
    return CredentialPlacement()


def login_prerequisite(role: str) -> str:
    return f"login as {role}"


def password_login(http: HttpClient, auth: Auth, service_url: str, role: str, *,
                   username: str | None = None, password: str | None = None,
                   intent: str = "login", expect_rate_limit: bool = False) -> httpx.Response:
    """The first (password) step only, as the target answers it, in the profile's strategy.

    ``username``/``password`` replace the role's (probes that try wrong or default credentials
    send exactly what a real login sends, so only the credentials differ from the control).
    """
    credentials = auth.roles[role]
    spec = auth.login
    fields: dict[str, Any] = {
        **spec.extra_fields,
        spec.username_field: credentials.username if username is None else username,
        spec.password_field: credentials.password if password is None else password,
    }
    url = service_url.rstrip("/") + (spec.path or "/")
    # the attempt-limit probe must see the 429 itself, not have it waited out
    options: dict[str, Any] = {"intent": intent, **({"expect_rate_limit": True} if expect_rate_limit else {})}
    if spec.strategy == "json":
        return http.post(url, json=fields, **options)
    if spec.strategy == "form":
        fields.setdefault("grant_type", "password")
        return http.post(url, data=_form_values(fields), **options)
    if spec.strategy == "session":
        cookies, headers = _csrf_preflight(http, spec, service_url, fields)
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return http.post(url, data=_form_values(fields), headers=headers, **options)
    raise ValueError(f"the {spec.strategy} strategy has no password step")


PASSWORD_STRATEGIES = ("json", "form", "session", "basic")


def attempt_login(http: HttpClient, auth: Auth, service_url: str, role: str, *, username: str | None = None,
                  password: str | None = None, intent: str = "probe", expect_rate_limit: bool = False) -> httpx.Response:
    """One login attempt as a real login makes it, with other credentials where given: a probe of
    wrong, unknown or default credentials differs from its control (the role's own) only there.

    HTTP Basic has no login endpoint: the attempt is a GET of ``login.path`` with those credentials.
    """
    spec = auth.login
    if spec.strategy not in PASSWORD_STRATEGIES:
        not_applicable(f"the system signs in with {spec.strategy!r}: there is no password login golive can probe")
    if spec.strategy != "basic":
        return password_login(http, auth, service_url, role, username=username, password=password, intent=intent,
                              expect_rate_limit=expect_rate_limit)
    credentials = auth.roles[role]
    pair = f"{credentials.username if username is None else username}:{credentials.password if password is None else password}"
    if not spec.path:
        unverified("auth.login.path names no page that needs the Basic credentials (to try logins against)")
    return http.get(service_url.rstrip("/") + spec.path, intent=intent, expect_rate_limit=expect_rate_limit,
                    headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")})


def login_succeeded(auth: Auth, response: httpx.Response) -> bool:
    """Did this attempt sign in — an issued token or session, not just a 2xx page?"""
    spec = auth.login
    if spec.strategy == "basic":
        return response.is_success
    if spec.strategy == "session":
        set_now = cookies_set_by(response)
        csrf_cookie = spec.csrf.cookie if spec.csrf else None
        wanted = spec.session_cookie
        return response.status_code < 400 and (wanted in set_now if wanted else
                                               any(name != csrf_cookie for name in set_now))
    body = _json_or_none(response)
    token = lookup(body, spec.access_token_field) if response.is_success else None
    challenge = auth.mfa and response.is_success and mfa_challenge(response, auth.mfa)
    return bool(isinstance(token, str) and token) or bool(challenge)


def _form_values(fields: dict[str, Any]) -> dict[str, str]:
    return {key: ("true" if value is True else "false" if value is False else str(value)) for key, value in fields.items()}


def _csrf_preflight(http: HttpClient, spec: Login, service_url: str,
                    fields: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """GET the login page for its CSRF cookie (or hidden input) and put the token where the form wants it."""
    csrf = spec.csrf
    if csrf is None:
        return {}, {}
    page = http.get(service_url.rstrip("/") + (csrf.page or spec.path or "/"), intent="login")
    cookies = cookies_set_by(page)
    token = cookies.get(csrf.cookie) if csrf.cookie else None
    if token is None and csrf.field:
        token = hidden_input(page.text, csrf.field)
    if token is None:
        return cookies, {}
    http.redactor.add(token)
    if csrf.field:
        fields[csrf.field] = token
    return cookies, ({csrf.header: token} if csrf.header else {})


def hidden_input(html: str, name: str) -> str | None:
    match = re.search(r"<input[^>]*name=[\"']" + re.escape(name) + r"[\"'][^>]*>", html, re.IGNORECASE)
    if not match:
        return None
    value = re.search(r"value=[\"']([^\"']*)[\"']", match.group(0), re.IGNORECASE)
    return value.group(1) if value else None


def cookies_set_by(response: httpx.Response) -> dict[str, str]:
    """The cookies a response sets (name -> value), also on a redirect; deleted ones left out."""
    jar: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        pair = header.split(";", 1)[0]
        if "=" not in pair:
            continue
        name, value = (part.strip() for part in pair.split("=", 1))
        lowered = header.lower()
        if value in ("", '""') or "max-age=0" in lowered or "01 jan 1970" in lowered:
            continue
        jar[name] = value
    return jar


def mfa_challenge(response: httpx.Response, mfa: Mfa) -> str | None:
    """The challenge id of a password login that asks for a second factor, else None."""
    try:
        body: Any = response.json()
    except ValueError:
        return None
    challenge = body.get(mfa.challenge_field) if isinstance(body, dict) else None
    return challenge if isinstance(challenge, str) and challenge else None


def totp_now(seed: str) -> str:
    return pyotp.TOTP(seed).now()


def complete_mfa(http: HttpClient, auth: Auth, service_url: str, role: str, challenge: str) -> httpx.Response:
    """Answer the second-factor challenge with the role's current TOTP code (profile seed)."""
    mfa = auth.mfa
    if not mfa or role not in mfa.totp_secrets:
        unverified(f"{role} must complete a second factor and the profile gives golive no TOTP seed for it "
                   "(auth.mfa.totp_secrets)")
    assert mfa  # unverified() raised otherwise
    code = totp_now(mfa.totp_secrets[role])
    # A live one-time code and its challenge are credentials under any field name: mask them by value.
    http.redactor.add(code, challenge)
    return http.post(
        service_url.rstrip("/") + mfa.path,
        json={mfa.challenge_field: challenge, mfa.code_field: code},
        intent="login",
    )


class LoginFailed(CheckFailed):
    """A role's login gave no credential; ``prerequisite`` is the root cause other checks are blocked by."""

    def __init__(self, prerequisite: Prerequisite) -> None:
        self.prerequisite = prerequisite
        super().__init__(f"{prerequisite.name} failed: {prerequisite.found}", expected=prerequisite.expected,
                         found=prerequisite.found, where=prerequisite.where, fix=prerequisite.fix)


def login(http: HttpClient, auth: Auth, service_url: str, role: str) -> Credential:
    """Log in as ``role`` with the profile's strategy; LoginFailed (with a diagnosis) when no credential comes back."""
    spec = auth.login
    placement = placement_of(auth)
    if spec.strategy == "token":
        token = auth.roles[role].token
        if not token:
            raise LoginFailed(Prerequisite(login_prerequisite(role), f"a pre-issued token for {role}",
                                           "roles." + role + ".token is empty", "the env file",
                                           f"set the {role} token in the env file"))
        http.redactor.add(token)
        return Credential(role, "token", placement, token, issued_at=time.time())
    if spec.strategy == "basic":
        credentials = auth.roles[role]
        value = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode("ascii")
        http.redactor.add(value)
        return Credential(role, "basic", placement, value, issued_at=time.time())
    if spec.strategy == "browser":
        return browser_login(http, auth, service_url, role, placement)
    started = time.time()
    response = password_login(http, auth, service_url, role)
    challenge = mfa_challenge(response, auth.mfa) if auth.mfa and response.status_code == 200 else None
    if challenge is not None:
        response = complete_mfa(http, auth, service_url, role, challenge)
    if spec.strategy == "session":
        return _session_credential(http, auth, role, response, placement, started)
    body = _json_or_none(response)
    access = lookup(body, spec.access_token_field) if response.status_code == 200 else None
    if not isinstance(access, str) or not access:
        raise LoginFailed(_diagnosed(auth, role, response, expected=f"HTTP 200 with {spec.access_token_field!r}"))
    refresh = lookup(body, spec.refresh_token_field)
    http.redactor.add(access, *([refresh] if isinstance(refresh, str) else []))
    expires_in = lookup(body, "expires_in")
    return Credential(role, spec.strategy, placement, access, refresh if isinstance(refresh, str) else None,
                      issued_at=started,
                      expires_in=float(expires_in) if isinstance(expires_in, (int, float)) and not isinstance(
                          expires_in, bool) else None)


def fresh_login(http: HttpClient, auth: Auth, service_url: str, role: str) -> Credential:
    """A new session of golive's own (to rotate or burn): blocked, not failed, when the login fails."""
    try:
        return login(http, auth, service_url, role)
    except LoginFailed as failure:
        blocked(failure.prerequisite)
        raise  # blocked() raised already


def _session_credential(http: HttpClient, auth: Auth, role: str, response: httpx.Response,
                        placement: CredentialPlacement, started: float) -> Credential:
    spec = auth.login
    cookies = {**dict(_request_cookies(response)), **cookies_set_by(response)}
    wanted = spec.session_cookie
    set_now = cookies_set_by(response)
    csrf_cookie = spec.csrf.cookie if spec.csrf else None
    session_names = [name for name in set_now if name != csrf_cookie]
    name = wanted if wanted else (session_names[0] if len(session_names) == 1 else None)
    ok = response.status_code < 400 and (name in set_now if name else bool(session_names))
    if not ok:
        expected = f"a {wanted!r} session cookie" if wanted else "a session cookie"
        raise LoginFailed(_diagnosed(auth, role, response, expected=expected))
    http.redactor.add(*cookies.values())
    if name is None:  # several cookies and none named: send them all, forge the first
        name = session_names[0]
    csrf = None
    if spec.csrf and spec.csrf.header and csrf_cookie and csrf_cookie in cookies:
        csrf = (spec.csrf.header, cookies[csrf_cookie])
    cookie = placement.model_copy(update={"location": "cookie", "name": name, "scheme": ""})
    return Credential(role, "session", cookie, cookies[name],
                      cookies=tuple((key, value) for key, value in cookies.items() if key != name), csrf=csrf,
                      issued_at=started)


def _request_cookies(response: httpx.Response) -> list[tuple[str, str]]:
    """Cookies golive itself sent with the login (the CSRF cookie): the session needs them too."""
    header = response.request.headers.get("cookie", "")
    pairs = [part.strip().split("=", 1) for part in header.split(";") if "=" in part]
    return [(name, value) for name, value in pairs]


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _diagnosed(auth: Auth, role: str, response: httpx.Response, *, expected: str) -> Prerequisite:
    spec = auth.login
    diagnosis = diagnose(spec.strategy, response.status_code, body_text=response.text[:4000],
                         content_type=response.headers.get("content-type", ""),
                         set_cookies=response.headers.get_list("set-cookie"),
                         location=response.headers.get("location", ""), token_field=spec.access_token_field,
                         username_field=spec.username_field, password_field=spec.password_field)
    return Prerequisite(login_prerequisite(role), expected, diagnosis.summary, where(response), diagnosis.fix)


#: in the login page: what the sign-in led to — "left" the page, "reloaded" it (a form post answered
#: with a page), the text an error element shows — or false while it is still under way
_SIGN_IN_SETTLED = """([login, errors]) => {
  const here = location.href.split("#")[0].split("?")[0].replace(/\\/$/, "");
  if (here !== login) return "left";
  if (!window.__goliveLoginPage) return "reloaded";
  const shown = [...document.querySelectorAll(errors)].map((e) => e.innerText.trim()).filter(Boolean);
  return shown.length ? "shown: " + shown.join(" ") : false;
}"""


def browser_login(http: HttpClient, auth: Auth, service_url: str, role: str,
                  placement: CredentialPlacement) -> Credential:
    """Sign in through the login page in Chromium once; the cookies it ends with are the credential.

    The page may sign in by a form post or by its own script: golive waits until the page is left
    (or reloaded by a post), or until it shows an error (``login.error_selector``), not for a
    navigation that a refused scripted sign-in never makes."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    spec = auth.login
    credentials = auth.roles[role]
    url = service_url.rstrip("/") + (spec.path or "/")
    http.reachability.check(url)
    started = time.time()
    timeout_ms = max(http.timeout_s, 5.0) * 3000
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=QUIET_CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(timeout_ms)
            try:
                page.goto(url, wait_until="load")
                page.fill(spec.username_selector, credentials.username or "")
                page.fill(spec.password_selector, credentials.password or "")
                page.evaluate("window.__goliveLoginPage = true")
                page.click(spec.submit_selector)
                settled = page.wait_for_function(_SIGN_IN_SETTLED, arg=[url.split("?")[0].rstrip("/"),
                                                                        spec.error_selector]).json_value()
                page.wait_for_load_state("load")
            except PlaywrightError as error:
                raise LoginFailed(Prerequisite(login_prerequisite(role), "the login page signs in",
                                               str(error).splitlines()[0], url,
                                               "check auth.login.path and the selectors")) from None
            cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
            landed = page.url
        finally:
            browser.close()
    csrf_cookie = spec.csrf.cookie if spec.csrf else None
    session_names = [name for name in cookies if name != csrf_cookie]
    name = spec.session_cookie or (session_names[0] if len(session_names) == 1 else None)
    if not cookies or (name is not None and name not in cookies) or landed.rstrip("/") == url.rstrip("/"):
        shown = f" and showed {str(settled).removeprefix('shown: ')!r}" if str(settled).startswith("shown: ") else ""
        raise LoginFailed(Prerequisite(login_prerequisite(role), "a session cookie after signing in",
                                       f"the page stayed at {landed}{shown} with cookies {sorted(cookies) or 'none'}",
                                       url, "check the role's password, or set auth.login.session_cookie"))
    http.redactor.add(*cookies.values())
    name = name or sorted(session_names or cookies)[0]
    cookie = placement.model_copy(update={"location": "cookie", "name": name, "scheme": ""})
    # Django/Rails-style CSRF: unsafe requests echo the token cookie the sign-in left in a header
    csrf = (spec.csrf.header, cookies[csrf_cookie]) if spec.csrf and spec.csrf.header and csrf_cookie in cookies \
        else None
    return Credential(role, "browser", cookie, cookies[name],
                      cookies=tuple((key, value) for key, value in cookies.items() if key != name), csrf=csrf,
                      issued_at=started)


def forgery_context(auth: Auth | None) -> ForgeryContext:
    """Keyless forgeries always; re-signed ones with the profile's signing key, key confusion with its public key."""
    return ForgeryContext(signing_key=auth.signing_key if auth else None, public_key=auth.public_key if auth else None)


def jwks_location(profile: Profile, auth: Auth) -> str | None:
    """The absolute URL of the issuer's published keys: auth.jwks_url as given, or a path on the
    login service."""
    if not auth.jwks_url:
        return None
    if auth.jwks_url.startswith(("http://", "https://")):
        return auth.jwks_url
    return profile.service(auth.login.service).url(auth.jwks_url)


def fetch_published_keys(http: HttpClient, url: str) -> list[PublishedKey]:
    """GET the published key set and parse it; unverified (with the reason) when that fails."""
    response = http.get(url)
    if response.status_code != 200:
        unverified(f"the published keys at {url} answered HTTP {response.status_code}, not 200 "
                   "(check auth.jwks_url in the profile)")
    try:
        return parse_key_set(response.json())
    except ValueError as error:  # not JSON (JSONDecodeError) or not a key set (KeySetError)
        reason = error if isinstance(error, KeySetError) else "the body is not JSON"
        unverified(f"the published keys at {url} are unusable: {reason} ({snippet(response)})")
        raise  # unverified() raised already; keeps type checkers informed


# forgeries that use the published key set when the profile names one (auth.jwks_url)
KEY_SET_FORGERIES = frozenset({"hs256_key_confusion", "unknown_kid", "unknown_kid_resigned"})


def forgeries_with_key_set(auth: Auth, names: list[str]) -> list[str]:
    """Collection-time list: key confusion runs by name when the keys can be fetched at check time."""
    if auth.jwks_url and "hs256_key_confusion" not in names:
        return [*names, "hs256_key_confusion"]
    return names


def forgery_contexts(auth: Auth, forgery: str, keys: list[PublishedKey] | None) -> list[ForgeryContext]:
    """The contexts to build ``forgery`` with: one, or for key confusion one per PEM spelling of
    every published key (plus the profile's own public_key, when set)."""
    base = forgery_context(auth)
    if keys is None:
        return [base]
    base = replace(base, known_kids=known_kids(keys))
    if forgery != "hs256_key_confusion":
        return [base]
    configured = [base] if base.public_key is not None else []
    return [*configured, *(replace(base, public_key=pem) for pem in key_confusion_candidates(keys))]
