"""``golive doctor --env NAME``: before a real run, in seconds and read-only, is this env ready?

The env and profile load; every service answers; every role logs in with its strategy (and what
came back); every declared read answers as declared; every owned object has an instance per owner
role; and the profile sections left unsaid, with the checks each leaves unverified. Each problem
is one line saying what to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from golive import redaction
from golive.auth import Credential, LoginFailed, login
from golive.config import ConfigurationError, Settings, UsageError, load_settings
from golive.http import HttpClient
from golive.outcomes import TargetUnreachable
from golive.probes.authz import listed_items
from golive.probes.tokens import decode_unverified
from golive.init import section_checks

OK, PROBLEM, NOTE = "✓", "✗", "!"


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, mark: str, text: str) -> None:
        self.lines.append((mark, text))

    @property
    def problems(self) -> int:
        return sum(mark == PROBLEM for mark, _ in self.lines)


def describe(credential: Credential) -> str:
    """What a login gave, as a person reads it: a JWT with its claims and lifetime, or an opaque credential."""
    if not credential.is_jwt:
        return f"{credential.kind} in {credential.where}"
    header, claims = decode_unverified(credential.value)
    parts = [f"a JWT ({header.get('alg')}) in {credential.where}"]
    if isinstance(claims.get("exp"), (int, float)):
        start = claims.get("iat") if isinstance(claims.get("iat"), (int, float)) else credential.issued_at
        parts.append(f"lifetime {timedelta(seconds=round(claims['exp'] - start))}")
    named = [f"{key}={claims[key]}" for key in ("iss", "aud", "sub", "role") if key in claims]
    if named:
        parts.append(", ".join(named)[:160])
    if credential.refresh:
        parts.append("with a refresh token")
    return "; ".join(parts)


def check_services(settings: Settings, http: HttpClient, report: Report) -> None:
    for service in settings.profile.services:
        path = service.health.live or "/"
        url = service.url(path)
        try:
            answer = http.get(url)
        except TargetUnreachable as error:
            report.add(PROBLEM, f"service {service.name}: {error} — is it running at {service.base_url}?")
            continue
        healthy = answer.status_code < 400 or (path == "/" and answer.status_code in (401, 403, 404))
        mark = OK if healthy else PROBLEM
        report.add(mark, f"service {service.name}: GET {path} answered HTTP {answer.status_code}"
                         + ("" if healthy else " — check services[].health.live and the service's logs"))


def check_logins(settings: Settings, http: HttpClient, report: Report) -> dict[str, Credential]:
    auth = settings.profile.auth
    if not auth:
        report.add(NOTE, "auth: the profile says nothing about logging in" if auth is None
                   else "auth: false — the system has no logins")
        return {}
    service_url = str(settings.profile.service(auth.login.service).base_url)
    credentials = {}
    for role in sorted(auth.roles):
        try:
            credential = login(http, auth, service_url, role)
        except LoginFailed as failure:
            prerequisite = failure.prerequisite
            report.add(PROBLEM, f"login as {role} ({auth.login.strategy}): {prerequisite.found} — {prerequisite.fix}")
            continue
        except TargetUnreachable as error:
            report.add(PROBLEM, f"login as {role}: {error}")
            continue
        credentials[role] = credential
        report.add(OK, f"login as {role} ({auth.login.strategy}): {describe(credential)}")
    return credentials


def check_declared_paths(settings: Settings, http: HttpClient, credentials: dict[str, Credential],
                         report: Report) -> None:
    profile = settings.profile
    auth = profile.auth
    for endpoint in (auth.protected if auth else []):
        if endpoint.method != "GET":
            report.add(NOTE, f"{endpoint.label}: a write, not sent by doctor (read-only)")
            continue
        role = next((r for r in endpoint.roles if r in credentials), None)
        if role is None:
            continue
        answer = http.get(profile.service(endpoint.service).url(endpoint.path), auth=credentials[role])
        fine = answer.status_code not in (404, 405) and answer.status_code < 500
        report.add(OK if fine and answer.is_success else PROBLEM if not fine else NOTE,
                   f"{endpoint.label} as {role}: HTTP {answer.status_code}"
                   + ("" if fine else " — the path or method in auth.protected does not exist")
                   + ("" if not fine or answer.is_success else f" — {role} is listed as allowed"))
    if profile.authorization:
        for owned in profile.authorization.owned:
            credential = credentials.get(owned.owner_role)
            if credential is None:
                report.add(NOTE, f"{owned.name}: not looked at — the login as {owned.owner_role} failed")
                continue
            url = profile.service(owned.service).url(owned.list_path)
            answer = http.get(url, auth=credential)
            if answer.status_code != 200:
                report.add(PROBLEM, f"{owned.name}: GET {owned.list_path} as {owned.owner_role} answered HTTP "
                                    f"{answer.status_code} — fix authorization.objects[{owned.name}].list_path")
                continue
            try:
                items = listed_items(answer.json(), owned.items)
            except ValueError:
                items = None
            if not items:
                report.add(PROBLEM, f"{owned.name}: {owned.owner_role} has none (GET {owned.list_path}) — create one "
                                    "for the object-level checks, or say where the list's items are")
            else:
                report.add(OK, f"{owned.name}: {owned.owner_role} owns {len(items)}")


def unsaid_sections(settings: Settings, root: Path, report: Report) -> bool:
    """Sections the profile leaves unsaid, with the checks each leaves unverified; True when one
    feeds a critical check."""
    profile = settings.profile
    promoted = set(profile.critical)
    feeds_critical = False
    for section, uses in section_checks(root).items():
        if getattr(profile, section, False) is not None or section == "browser":
            continue
        critical = sorted(u.check_id for u in uses if u.critical or u.check_id in promoted)
        feeds_critical |= bool(critical)
        named = critical or [u.check_id for u in uses]
        shown = ", ".join(named[:5]) + (" …" if len(named) > 5 else "")
        report.add(PROBLEM if critical else NOTE,
                   f"{section}: unsaid — {len(uses)} check{'s' if len(uses) != 1 else ''} unverified"
                   + (f", {len(critical)} critical" if critical else "") + f" ({shown})")
    if feeds_critical or any(mark != OK for mark, text in report.lines if ": unsaid" in text):
        report.add(NOTE, "describe each unsaid section in the profile (docs/profile.md), or set it to false "
                         "when the system has no such feature")
    return feeds_critical


def doctor(env_name: str, root: Path, *, envs_dir: Path | None = None,
           out: Callable[[str], None] = print) -> int:
    try:
        settings = load_settings(env_name, root, envs_dir=envs_dir)
    except UsageError as error:
        out(f"golive doctor: {error}")
        return 4
    except ConfigurationError as error:
        out(f"golive doctor: configuration errors in env {env_name!r}:")
        for problem in error.problems:
            out(f"  {PROBLEM} {problem}")
        return 6
    redactor = redaction.Redactor(redaction.secrets_from_env(settings.values))
    report = Report()
    report.add(OK, f"env {env_name} ({settings.kind}) and profile {settings.profile_name} load")
    if settings.sandbox and "SANDBOX_URL" not in settings.values:
        report.add(NOTE, "this env starts the bundled sandbox for each run: doctor checks a running system "
                         "(start one with `python -m sandbox` and point an env at it)")
    with HttpClient(timeout=settings.profile.http_timeout_s, redactor=redactor, safety="readonly", retries=0) as http:
        check_services(settings, http, report)
        credentials = check_logins(settings, http, report)
        check_declared_paths(settings, http, credentials, report)
    # a project without suites of its own uses golive's: read the section map from there
    code_root = root if (root / "suites").is_dir() else Path(__file__).resolve().parent.parent
    feeds_critical = unsaid_sections(settings, code_root, report)
    for mark, text in report.lines:
        out(redactor.text(f"  {mark} {text}"))
    problems = report.problems
    out(f"golive doctor: {problems} problem{'s' if problems != 1 else ''}"
        + (" (a critical check would be unverified)" if feeds_critical else ""))
    return 1 if problems else 0
