"""``golive init``: a first profile and env files from the system's API description.

What the description says is written as profile sections, each with the evidence it came from; every
section it cannot answer is written too, commented, with what it needs and which checks it feeds, so
nothing is silently unsaid, unless the user says the system has none of it (``--absent``, or the one
question on a terminal): then it is written ``false``. Neither that nor a secret is guessed: the env
files get empty ``APP_…=`` lines to fill. The profile is loaded with golive's own loader before
``init`` reports success; a section this golive cannot load (a login strategy it does not know yet)
is written commented, with the loader's reason.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import textwrap
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import BaseModel

from golive import profile as models
from golive.config import load_profile
from golive.probes import api_draft, openapi, swagger2
from golive.probes.profile_usage import CheckUse, checks_by_section, describe
from golive.schema import SCHEMA_COMMENT, SCHEMA_PATH
from golive.yamlfile import load_yaml

SERVICE = "api"
FETCH_TIMEOUT_S = 15.0
EXIT_USAGE = 4
Ask = Callable[[str, str], str]  # (question, default) -> answer


class InitError(Exception):
    """The description cannot be read, or the files cannot be written."""


# --- reading the description -----------------------------------------------------------------


@dataclass(frozen=True)
class Description:
    document: dict[str, Any]
    source: str
    swagger2: bool = False  # converted from Swagger 2.0 (golive's sweeps read OpenAPI 3 only)


def read_description(source: str) -> Description:
    """An OpenAPI 3 document from a file or an http(s) URL, JSON or YAML (Swagger 2.0 converted)."""
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=FETCH_TIMEOUT_S, follow_redirects=True)
        except httpx.HTTPError as error:
            raise InitError(f"cannot fetch {source}: {error}") from None
        if response.status_code != 200:
            raise InitError(f"{source} answers {response.status_code}, not the API description "
                            "(a protected document: save it to a file and pass the file)")
        text = response.text
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as error:
            raise InitError(f"cannot read {source}: {error.strerror}") from None
    try:
        document = json.loads(text)
    except ValueError:
        try:
            document = load_yaml(text)
        except yaml.YAMLError as error:
            raise InitError(f"{source} is neither JSON nor YAML ({error})") from None
    swagger = swagger2.is_swagger2(document)
    if swagger:
        document = swagger2.to_openapi3(document)
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        found = document.get("openapi") if isinstance(document, dict) else None
        raise InitError(f"{source} is neither OpenAPI 3 nor Swagger 2 (found "
                        f"{'version ' + str(found) if found else 'no openapi: 3.x or swagger: 2.0'})")
    return Description(document, source, swagger)


# --- what the checks read --------------------------------------------------------------------


def section_checks(root: Path) -> dict[str, list[CheckUse]]:
    """Profile section -> the checks reading it, from the suite's source (empty outside a checkout)."""
    files = [*sorted((root / "suites").rglob("*.py")), *sorted((root / "fixtures").glob("*.py"))]
    if (root / "conftest.py").is_file():
        files.append(root / "conftest.py")
    return checks_by_section([path.read_text(encoding="utf-8") for path in files], models.Profile.model_fields)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a (possibly optional, list or ``| false``) field holds."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found:
            return found
    return None


def sections() -> list[str]:
    """Top-level fields that say something about the system (tri-state: a value, false, or unsaid)."""
    return [name for name, info in models.Profile.model_fields.items()
            if info.default is None and not info.is_required() and _model_of(info.annotation)]


def _may_be_false(section: str) -> bool:
    annotation = models.Profile.model_fields[section].annotation
    return False in [typing.get_args(arg)[0] for arg in typing.get_args(annotation)
                     if typing.get_origin(arg) is typing.Literal]


def absentable() -> list[str]:
    """The sections a system may have none of (written `false`): what --absent and the question take."""
    return [section for section in sections() if _may_be_false(section)]


def _about(section: str) -> str:
    return (models.Profile.model_fields[section].description or "").rstrip(".")


def parse_absent(values: list[str]) -> list[str]:
    """Section names from --absent values (each comma-separated); unknown names refused with a suggestion."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    valid = absentable()
    unknown = [name for name in dict.fromkeys(names) if name not in valid]
    if unknown:
        problems = []
        for name in unknown:
            close = difflib.get_close_matches(name, valid, n=1)
            problems.append(f"{name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
        raise InitError(f"unknown section {', '.join(problems)}; the sections a system may have none of: "
                        + ", ".join(valid))
    return list(dict.fromkeys(names))


#: the login strategies a user can name at init: a password sent to a path (token logins name their
#: header, cookie or query, which only a description's security scheme says)
ANSWERABLE_LOGINS = ("json", "form", "basic", "session")
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class LoginAnswer:
    """``--login STRATEGY:PATH``: how the system logs in where its description does not say it."""

    strategy: str
    path: str | None


def parse_login(value: str | None) -> LoginAnswer | None:
    """``basic:/v1/accounts``, ``session:/accounts/login/``, ``form:/token``, ``json:/auth/login``."""
    if not value:
        return None
    strategy, _, path = value.partition(":")
    strategy, path = strategy.strip().lower(), path.strip()
    if strategy not in ANSWERABLE_LOGINS:
        close = difflib.get_close_matches(strategy, ANSWERABLE_LOGINS, n=1)
        raise InitError(f"unknown login strategy {strategy!r}" + (f" (did you mean {close[0]}?)" if close else "")
                        + f"; one of {', '.join(ANSWERABLE_LOGINS)}, then ':' and the login path, e.g. basic:/v1/accounts")
    if path and not path.startswith("/"):
        raise InitError(f"the login path {path!r} is a path on the API's base URL: it starts with '/'")
    if not path and strategy != "basic":
        raise InitError(f"a {strategy} login needs its path: {strategy}:/the/login/path")
    return LoginAnswer(strategy, path or None)


def parse_roles(values: list[str]) -> list[str]:
    """More roles to log in as, beside the login's own (``--roles user,user2``)."""
    names = list(dict.fromkeys(name.strip() for value in values for name in value.split(",") if name.strip()))
    wrong = [name for name in names if not ROLE_NAME.match(name)]
    if wrong:
        raise InitError(f"role names are lower-case words (letters, digits, _): {', '.join(map(repr, wrong))}")
    return names


def _answered_login(draft_login: api_draft.LoginPlan | None, answer: LoginAnswer) -> api_draft.LoginPlan:
    """The description's login with the user's answer over it, or the answer alone."""
    evidence = f"the answer at golive init (--login {answer.strategy}:{answer.path or ''})"
    if draft_login is not None:
        return replace(draft_login, strategy=answer.strategy, path=answer.path, evidence=evidence)
    credential = {"basic": api_draft.Credential("header", "Authorization", "Basic")}.get(
        answer.strategy, api_draft.Credential("header", "Authorization", "Bearer"))
    return api_draft.LoginPlan(strategy=answer.strategy, scheme="", evidence=evidence, path=answer.path,
                               credential=credential)


# --- composing the profile -------------------------------------------------------------------


@dataclass
class Plan:
    """The profile and env as init will write them."""

    name: str
    sections: dict[str, Any] = field(default_factory=dict)  # active sections, in profile order
    why: dict[str, list[str]] = field(default_factory=dict)  # section -> comment lines above it
    commented: dict[str, tuple[list[str], Any]] = field(default_factory=dict)  # section -> (why, draft value)
    declared_absent: list[str] = field(default_factory=list)  # sections the user said the system has none of
    env: dict[str, str] = field(default_factory=dict)  # name -> value ("" for a secret to fill)
    env_notes: dict[str, str] = field(default_factory=dict)
    schema_comment: str = SCHEMA_COMMENT  # names the schema relative to the profile (for editors)


def _role(plan: Plan, role: str, strategy: str) -> dict[str, str]:
    prefix = f"APP_{role.upper()}"
    if strategy == "token":
        plan.env[f"{prefix}_TOKEN"] = ""
        plan.env_notes[f"{prefix}_TOKEN"] = f"a token or API key issued to the {role} account"
        return {"token": f"${{{prefix}_TOKEN}}"}
    plan.env[f"{prefix}_USERNAME"] = ""
    plan.env[f"{prefix}_PASSWORD"] = ""
    plan.env_notes[f"{prefix}_USERNAME"] = f"a dedicated go-live test account with the {role} role"
    return {"username": f"${{{prefix}_USERNAME}}", "password": f"${{{prefix}_PASSWORD}}"}


def _login_section(login: api_draft.LoginPlan) -> dict[str, Any]:
    """The login as the planned auth spec writes it; fields this golive's models lack are kept only when
    they change the meaning (the loader then refuses them and the section is written commented)."""
    known = models.Login.model_fields
    section: dict[str, Any] = {}
    if "strategy" in known or login.strategy != "json":
        section["strategy"] = login.strategy
    section["service"] = SERVICE
    if login.path:
        section["path"] = login.path
    if login.username_field != "username":
        section["username_field"] = login.username_field
    if login.password_field != "password":
        section["password_field"] = login.password_field
    if login.extra_fields:
        section["extra_fields"] = dict(login.extra_fields)
    if login.session_cookie:
        section["session_cookie"] = login.session_cookie
    if login.access_token_field != "access_token":
        section["access_token_field"] = login.access_token_field
    return section


def _credential(login: api_draft.LoginPlan) -> dict[str, str] | None:
    if login.strategy == "session" and not login.session_cookie:
        return None  # the cookie's name is what the login answers with: golive reads it there
    credential = login.credential
    default = credential == api_draft.Credential("header", "Authorization", "Bearer")
    implied = login.strategy in ("basic", "session")  # the strategy implies where it travels
    if (default or implied) and "credential" not in models.Auth.model_fields:
        return None
    return {"location": credential.location, "name": credential.name, "scheme": credential.scheme}


def compose(name: str, base_url: str, description: Description, root: Path, ask: Ask | None = None,
            absent: list[str] | None = None, login: LoginAnswer | None = None,
            roles: list[str] | None = None) -> Plan:
    """The plan from the description, the answers on a terminal (``ask``) or as arguments (the sections
    declared absent, the login the description does not say, more roles to log in as)."""
    declared = list(absent or [])
    plan = _infer(name, base_url, description, root, ask, no_login="auth" in declared, login=login,
                  roles=roles or [])
    if ask:
        declared += _ask_absent(plan, ask, declared)
    for section in declared:
        _declare_absent(plan, section)
    if declared:
        _drop_unused_env(plan)
    return plan


ABSENT_QUESTION = "Which of these does the system not have? (comma-separated names, empty for none)"
ABSENT_TRIES = 3


def _ask_absent(plan: Plan, ask: Ask, declared: list[str]) -> list[str]:
    """One question listing the sections init could not infer, each with what it is (asked again only when
    the answer names an unknown section: a typo is never taken for the section it resembles)."""
    open_ = [section for section in absentable() if section not in plan.sections and section not in declared]
    if not open_:
        return []
    listing = "\n".join(f"  {section}: {_about(section)}" for section in open_)
    question = f"The description does not say whether the system has these:\n{listing}\n{ABSENT_QUESTION}"
    for _ in range(ABSENT_TRIES):
        try:
            return parse_absent([ask(question, "")])
        except InitError as error:
            question = f"{error}\n{ABSENT_QUESTION}"
    raise InitError(f"no valid answer to: {ABSENT_QUESTION}")


def _declare_absent(plan: Plan, section: str) -> None:
    inferred = plan.sections.get(section) not in (None, False)
    plan.sections[section] = False
    plan.commented.pop(section, None)
    plan.declared_absent.append(section)
    plan.why[section] = [f"{section}: declared absent at `golive init` ({_about(section)})"
                         + (": it replaces what init read from the description" if inferred else "")]


def _drop_unused_env(plan: Plan) -> None:
    """Secrets only a section now declared absent referred to are not asked for."""
    written = json.dumps([plan.sections, [draft for _, draft in plan.commented.values()]])
    for variable in [v for v in plan.env if v != "APP_URL" and f"${{{v}}}" not in written]:
        del plan.env[variable]
        plan.env_notes.pop(variable, None)


def _infer(name: str, base_url: str, description: Description, root: Path, ask: Ask | None,
           no_login: bool = False, login: LoginAnswer | None = None, roles: list[str] | None = None) -> Plan:
    document = description.document
    draft = api_draft.draft(document)
    if login is not None and not no_login:
        if draft.login is None:
            draft.login_notes = []  # what the description lacked, the answer gave
        draft.login = _answered_login(draft.login, login)
    if no_login:  # declared absent: nothing is written for a role to log in as (sweeps, inputs, objects)
        draft.login = None
    plan = Plan(name=name)
    plan.env["APP_URL"] = base_url.rstrip("/")
    title = (document.get("info") or {}).get("title") if isinstance(document.get("info"), dict) else None
    plan.sections["name"] = name
    plan.sections["description"] = str(title or name)

    health = dict(draft.health)
    plan.sections["services"] = [{"name": SERVICE, "base_url": "${APP_URL}", **({"health": health} if health else {})}]
    plan.why["services"] = [f"health paths found in the description: {', '.join(health.values())}" if health else
                            "no health path in the description: add services[0].health.live / ready / db "
                            "(INF-HEALTH-001..003, critical)"]
    role = "admin"
    if ask and draft.login:
        role = ask("The role of the account golive logs in as (a name for it in the profile)", role) or role
    if draft.login:
        login = draft.login
        auth: dict[str, Any] = {"login": _login_section(login)}
        credential = _credential(login)
        if credential:
            auth["credential"] = credential
        more = [name for name in roles or [] if name != role]
        auth["roles"] = {name: _role(plan, name, login.strategy) for name in (role, *more)}
        protected = draft.protected
        if protected:
            # every role named is held to every entry (SEC-AUTHZ-001): the answer says they all may call them
            auth["protected"] = [{"service": SERVICE, "method": op.method, "path": op.path, "roles": [role, *more]}
                                 for op in protected]
        if login.strategy == "token":  # pre-issued tokens: no login endpoint where passwords could be guessed
            auth["login_rate_limit"] = False
        plan.sections["auth"] = auth
        plan.why["auth"] = [f"login: {login.strategy}, from {login.evidence}", *draft.login_notes]
        if more:
            plan.why["auth"].append(f"roles {', '.join(more)}: named at golive init (--roles); each is held to "
                                    "every auth.protected entry")
        if login.strategy == "token":
            plan.why["auth"].append("login_rate_limit: false, tokens are issued beforehand: no password is sent "
                                    "to a login endpoint")
        if protected:
            plan.why["auth"].append(f"protected: operations needing {login.scheme} without a path parameter "
                                    f"({len(protected)}); list only the roles allowed on each")
        for ops, reason in ((draft.protected_with_ids, "need a real id in their path"),
                            (draft.protected_unsafe, "need parameters golive cannot make up, or write (SEC-AUTHZ-001 "
                                                     "proves a write only where the token is checked before the body)")):
            labels = [op.label for op in ops]
            if labels:
                plan.why["auth"].append(f"not listed, they {reason}: " + ", ".join(labels[:6])
                                        + (f" and {len(labels) - 6} more" if len(labels) > 6 else ""))
    else:
        plan.commented["auth"] = (["how golive logs in could not be inferred:", *draft.login_notes], None)

    if draft.owned and "auth" in plan.sections:
        # Candidates, written commented unless confirmed: they need two more accounts, and every role in
        # auth.roles is then held to every auth.protected entry (SEC-AUTHZ-001), which only a person can say.
        keep = "n"
        if ask:
            names = ", ".join(candidate.name for candidate in draft.owned)
            keep = ask(f"Check that one user cannot reach another's {names}? It needs two ordinary user accounts "
                       "[y/N]", "n")
        objects = [{"name": c.name, "service": SERVICE, "list_path": c.list_path, "item_path": c.item_path,
                    **({"items": c.items} if c.items else {}), "owner_role": "user", "other_role": "user2"}
                   for c in draft.owned]
        why = [f"owned objects found: {', '.join(c.list_path + ' + ' + c.item_path for c in draft.owned)}.",
               "owner_role must own at least one object, other_role (a second ordinary account) must not reach it;",
               "update/delete/actions stay off until you name a harmless change. Roles user and user2 go in auth.roles,",
               "and in the roles of each auth.protected entry they may call (every role is checked against every entry)."]
        if keep.strip().lower() in ("y", "yes"):
            strategy = draft.login.strategy if draft.login else "json"
            for name in ("user", "user2"):
                plan.sections["auth"]["roles"].setdefault(name, _role(plan, name, strategy))
            plan.sections["authorization"] = {"objects": objects}
            plan.why["authorization"] = why
        else:
            plan.commented["authorization"] = (why, {"objects": objects})

    if draft.service_keys and "auth" in plan.sections:
        endpoints = []
        for key in draft.service_keys:
            words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key.scheme)
            variable = "APP_" + re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").upper()
            plan.env[variable] = ""
            plan.env_notes[variable] = f"the service credential sent in {key.header}"
            endpoints += [{"service": SERVICE, "path": path, "header": key.header, "credential": f"${{{variable}}}"}
                          for path in key.paths]
        plan.sections["service_endpoints"] = endpoints
        plan.why["service_endpoints"] = ["API keys in a header besides the login: service-to-service credentials"]

    inputs = _inputs(draft, role if "auth" in plan.sections else None)
    if inputs:
        plan.sections["inputs"] = inputs
        plan.why["inputs"] = ["parameters found by name and format: free text (reflection, SQL injection), "
                              "redirect targets, patterns (ReDoS)"]
    _contact_and_uploads(plan, draft)

    for section, evidence in draft.absent.items():
        plan.sections[section] = False
        plan.why[section] = [f"{evidence}; describe the section instead if the system has one"]

    docs = _openapi_section(draft, description, base_url, root, role if "auth" in plan.sections else None)
    if docs:
        plan.sections["openapi"] = docs
        plan.why["openapi"] = ["the API description the sweeps take their endpoints from"]
        if docs.get("public_writes"):
            plan.why["openapi"].append("public_writes: the writes the description declares open to anonymous callers "
                                       "(SEC-AUTH-011 takes them as public by design): remove any that must not be")
        if description.swagger2:
            plan.why["openapi"].append("it is Swagger 2.0 and the sweeps read OpenAPI 3: they end unverified until "
                                       "source names an OpenAPI 3 document")
    return plan


def _inputs(draft: api_draft.Draft, role: str | None) -> dict[str, Any]:
    def entry(use: api_draft.ParamUse) -> dict[str, Any] | None:
        if use.secured and role is None:
            return None
        return {"service": SERVICE, "path": use.path, "param": use.param, **({"role": role} if use.secured else {})}

    inputs: dict[str, Any] = {}
    for key, uses in (("reflection", draft.reflection), ("redirects", draft.redirects), ("redos", draft.redos)):
        entries = [e for e in (entry(use) for use in uses) if e]
        if entries:
            inputs[key] = entries
    injection = []
    for op in draft.injection:
        if op.security and role is None:
            continue
        params = [p.name for p in op.params_in("query") if p.type == "string" and not p.format and not p.pattern
                  and api_draft.FREE_TEXT.match(p.name)]
        injection.append({"service": SERVICE, "path": op.path, "query": params,
                          **({"role": role} if op.security else {})})
    if injection:
        inputs["injection"] = injection
    return inputs


def _contact_and_uploads(plan: Plan, draft: api_draft.Draft) -> None:
    lines = []
    for found in draft.contact_fields:
        lines.append(f"{found.kind} field {found.field!r} in {found.method} {found.path}")
    for op in draft.uploads:
        lines.append(f"file upload: {op.label} (inputs.upload with its size limit)")
    if lines:
        plan.why.setdefault("inputs", []).append(
            "candidates that need a harmless (dry-run) endpoint before golive may send them bad values: "
            + "; ".join(lines[:8]) + ": set inputs.validation (phone_fields, email_fields) and inputs.upload")


def _openapi_section(draft: api_draft.Draft, description: Description, base_url: str, root: Path,
                     role: str | None) -> dict[str, Any] | None:
    """Where the sweeps read the description (JSON or YAML): where the service serves it, or the local file;
    with a login, the role whose credential is the sweeps' control and the writes the description opens to all."""
    served = list(draft.docs)
    source, base = description.source, base_url.rstrip("/")
    if served:
        if served[0].security and role is None:
            return None
        where = served[0].path
    elif source.startswith(base + "/"):
        where = source[len(base):]
    elif not source.startswith(("http://", "https://")):
        try:
            where = str(Path(source).resolve().relative_to(root.resolve()))
        except ValueError:
            where = str(Path(source).resolve())
    else:
        return None
    section: dict[str, Any] = {"service": SERVICE, "source": where}
    if role is not None:
        section["role"] = role
        if draft.public_writes:
            section["public_writes"] = list(draft.public_writes)
    return section


# --- writing ---------------------------------------------------------------------------------


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping of plain values, written on one line: ``{service: api, path: /x, roles: [admin]}``."""


class _FlowList(list):  # type: ignore[type-arg]
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data,
                                                                                 flow_style=True))
_Dumper.add_representer(_FlowList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data,
                                                                                     flow_style=True))


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _shaped(value: Any) -> Any:
    """Short mappings of plain values and lists of plain values on one line; the rest as blocks."""
    if isinstance(value, list):
        return _FlowList(value) if all(_scalar(item) for item in value) else [_shaped(item) for item in value]
    if isinstance(value, dict):
        plain = all(_scalar(item) or (isinstance(item, list) and all(_scalar(i) for i in item))
                    for item in value.values())
        if plain and value and len(json.dumps(value)) <= 100:
            return _Flow({key: _FlowList(item) if isinstance(item, list) else item for key, item in value.items()})
        return {key: _shaped(item) for key, item in value.items()}
    return value


def _dump(value: dict[str, Any]) -> str:
    return yaml.dump({key: _shaped(item) for key, item in value.items()}, Dumper=_Dumper, sort_keys=False,
                     default_flow_style=False, width=110, allow_unicode=True)


def _commented(text: str) -> list[str]:
    return ["# " + line if line else "#" for line in text.rstrip("\n").splitlines()]


def _comment(text: str, indent: str = "") -> list[str]:
    """A comment wrapped to the width of the rest of the profile."""
    return textwrap.wrap(text, 110, initial_indent="# " + indent, subsequent_indent="# " + indent + "  ",
                         break_long_words=False, break_on_hyphens=False)


def render_profile(plan: Plan, uses: dict[str, list[CheckUse]]) -> str:
    lines = [plan.schema_comment,
             f"# Written by `golive init` from the system's API description. Reference: docs/profile.md.",
             "# A section set to false says the system has no such feature (its checks are not applicable);",
             "# a section left commented says nothing, and the checks it feeds stay unverified.",
             yaml.safe_dump({"name": plan.sections["name"], "description": plan.sections["description"]},
                            sort_keys=False, allow_unicode=True, width=110).rstrip("\n"), ""]
    for section in ("services", *sections()):
        feeds = describe(uses, section)
        if section in plan.sections:
            lines += [wrapped for line in plan.why.get(section, []) for wrapped in _comment(line)]
            if section in plan.declared_absent:
                # a check reading a section may need it or only use it when present: "where they need it"
                lines += _comment(f"read by {feeds}: not applicable where they need it; describe the section instead "
                                  "if the system has one" if feeds else "no check reads it yet", indent="  ")
            elif feeds and section != "services":  # every check needs the services
                lines += _comment(f"feeds {feeds}")
            lines += [_dump({section: plan.sections[section]}).rstrip("\n"), ""]
            continue
        info = models.Profile.model_fields[section]
        why, draft_value = plan.commented.get(section, ([], None))
        lines += [wrapped for line in why for wrapped in _comment(line)]
        about = (info.description or "").rstrip(".")
        if not why:
            lines += _comment(f"{section}: not in the API description. {about[:1].upper() + about[1:]}.")
        lines += _comment(f"Needed by {feeds}: until it is set, they are unverified." if feeds
                          else "No check reads it yet.", indent="  ")
        absent = f"write `{section}: false` if the system has none; " if _may_be_false(section) else ""
        lines += _comment(f"{absent[:1].upper() + absent[1:]}{'see' if absent else 'See'} docs/profile.md#{section}.",
                          indent="  ")
        if draft_value is not None:
            lines += _commented(_dump({section: draft_value}))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_env(plan: Plan, kind: str, example: bool) -> str:
    head = (f"# Copy to envs/{plan.name}.env (git-ignored) and fill in. Real environment variables win."
            if example else f"# The secrets of {plan.name}: git-ignored, never commit it. Fill in every empty value.")
    lines = [head, f"GOLIVE_ENV_KIND={kind}", f"GOLIVE_PROFILE={plan.name}", "GOLIVE_SANDBOX=off", "",
             "# Where the system under test answers (the profile refers to it as ${APP_URL})"]
    for variable, value in plan.env.items():
        if variable in plan.env_notes:
            lines.append(f"# {plan.env_notes[variable]}")
        lines.append(f"{variable}={value}")
        if variable == "APP_URL":
            lines += ["", "# Credentials for the checks: dedicated go-live test accounts, least privilege"]
    return "\n".join(lines) + "\n"


def _loadable(text: str, plan: Plan, scratch: Path) -> tuple[bool, dict[str, str]]:
    """Load the profile with golive's own loader (secrets filled with stand-ins); failing sections by name."""
    env = {variable: value or "stand-in-value" for variable, value in plan.env.items()}
    scratch.write_text(text, encoding="utf-8")
    profile, problems = load_profile(scratch, env)
    failing: dict[str, str] = {}
    for problem in problems:
        # "profile NAME: section.field...: message"; the cross-section checks name theirs in the message
        where = problem.split(": ", 2)
        location = where[1] if len(where) == 3 else ""
        named = re.match(r"Value error, ([a-z_]+)", where[-1])
        section = named.group(1) if location == "(top level)" and named else location.split(".")[0]
        failing.setdefault(section if section in plan.sections else "", f"{location}: {where[-1]}")
    return profile is not None, failing


def settle(plan: Plan, uses: dict[str, list[CheckUse]], scratch: Path) -> str:
    """The profile text, with every section golive's loader refuses moved to a commented draft."""
    for _ in range(len(plan.sections) + 1):
        text = render_profile(plan, uses)
        ok, failing = _loadable(text, plan, scratch)
        if ok:
            return text
        movable = [section for section in failing if section and section not in ("name", "services")]
        if not movable:
            raise InitError("the written profile does not load:\n  " + "\n  ".join(failing.values()))
        for section in movable:
            value = plan.sections.pop(section)
            reason = failing[section]
            plan.commented[section] = ([*plan.why.pop(section, []),
                                        f"this golive cannot load this section yet ({reason}): kept as a draft"],
                                       value)
    raise InitError("the written profile does not load")


def _ensure_ignored(root: Path, env_file: Path) -> str | None:
    """Make sure git ignores the env file with the secrets; a note when .gitignore had to change."""
    try:
        relative = env_file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # outside the project: not this repository's to ignore
    try:
        ignored = subprocess.run(["git", "check-ignore", "-q", relative], cwd=root, timeout=10,
                                 capture_output=True).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ignored = False
    if ignored:
        return None
    gitignore = root / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
    gitignore.write_text(existing + ("" if existing.endswith("\n") or not existing else "\n") + relative + "\n",
                         encoding="utf-8")
    return f"added {relative} to .gitignore (it holds secrets)"


def _terminal_ask(question: str, default: str) -> str:
    answer = input(f"{question} [{default}]: " if default else f"{question}: ").strip()
    return answer or default


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    name = args.name
    if not name.replace("_", "").replace("-", "").isalnum() or not name[0].isalnum():
        print(f"golive init: {name!r} is not a name for files (letters, digits, - and _)", file=sys.stderr)
        return EXIT_USAGE
    profiles = Path(args.profiles_dir) if getattr(args, "profiles_dir", None) else root / "profiles"
    envs = Path(args.envs_dir) if getattr(args, "envs_dir", None) else root / "envs"
    profile_path = profiles / f"{name}.yaml"
    example_path = envs / f"{name}.env.example"
    env_path = envs / f"{name}.env"
    existing = [str(path) for path in (profile_path, example_path, env_path) if path.exists()]
    if existing and not args.force:
        print(f"golive init: these exist already (--force overwrites them): {', '.join(existing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        absent = parse_absent(getattr(args, "absent", None) or [])
    except InitError as error:
        print(f"golive init: --absent: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        login = parse_login(getattr(args, "login", None))
        roles = parse_roles(getattr(args, "roles", None) or [])
    except InitError as error:
        print(f"golive init: {error}", file=sys.stderr)
        return EXIT_USAGE
    ask = _terminal_ask if sys.stdin.isatty() and not args.yes else None
    try:
        plan = compose(name, args.base_url, read_description(args.openapi), root, ask, absent, login, roles)
        profile_path.parent.mkdir(parents=True, exist_ok=True)
        env_path.parent.mkdir(parents=True, exist_ok=True)
        if profiles.resolve() != (root / SCHEMA_PATH.parent).resolve():
            schema = os.path.relpath((root / SCHEMA_PATH).resolve(), profiles.resolve())
            plan.schema_comment = SCHEMA_COMMENT.replace(SCHEMA_PATH.name, Path(schema).as_posix())
        text = settle(plan, section_checks(root), profile_path)
    except (InitError, ValueError) as error:
        print(f"golive init: {error}", file=sys.stderr)
        return EXIT_USAGE
    profile_path.write_text(text, encoding="utf-8")
    example_path.write_text(render_env(plan, args.kind, example=True), encoding="utf-8")
    env_path.write_text(render_env(plan, args.kind, example=False), encoding="utf-8")
    note = _ensure_ignored(root, env_path)
    active = [section for section in plan.sections if section not in ("name", "description")]
    print(f"wrote {profile_path} ({', '.join(active)}), {example_path} and {env_path}")
    if note:
        print(note)
    secrets = [variable for variable, value in plan.env.items() if not value]
    print(f"next: fill in {', '.join(secrets) or 'nothing'} in {env_path}; read the commented sections of "
          f"{profile_path}; then `golive doctor --env {name}` and `pytest -m critical --env {name}`")
    return 0
