"""What a conformance system is: ``conformance/<system>/system.yaml`` and ``expected-findings.yaml``.

Validated with pydantic (unknown keys are errors), so a typo in a system definition fails loudly
before anything is installed or started.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

LOGIN_STRATEGIES = ("json", "form", "basic", "session", "token", "browser")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Install(Strict):
    # requirement specifiers for `pip install` into the system's own venv (pinned: the hash of this
    # list decides when the cached venv is rebuilt)
    pip: list[str] = Field(default_factory=list)
    # package specs for `npm install` into the system's own node_modules
    npm: list[str] = Field(default_factory=list)


class Start(Strict):
    # argv of the server; placeholders: {venv} {node_modules} {port} {data} {system_dir} {python}
    command: list[str] = Field(min_length=1)
    # environment of the server process (placeholders allowed); misconfigurations add to it
    env: dict[str, str] = Field(default_factory=dict)
    # commands run before the server starts (database migrations, config generation), in order
    prepare: list[list[str]] = Field(default_factory=list)


class Ready(Strict):
    path: str  # GET http://127.0.0.1:{port}{path} must answer `status`
    status: int = 200
    timeout_s: float = Field(default=60, gt=0, le=600)


class ApiDescription(Strict):
    """Where the system serves its own API description; `python -m conformance.describe` saves it
    as served to `file`, which `golive init` reads (selftest/unit/test_init_conformance.py)."""

    file: str  # saved beside system.yaml
    path: str | None = None  # GET http://127.0.0.1:{port}{path}, after the seed
    # or the framework's own generator, writing `file` (placeholders as in start.command)
    command: list[str] = Field(default_factory=list)
    # request headers; ${VAR} is the env file's value (a token the document is served to)
    headers: dict[str, str] = Field(default_factory=dict)


class InitAnswers(Strict):
    """What a user answers `golive init` about the system (conformance/init_edits.py passes them to it)."""

    # the sections the system has none of: `golive init --absent`, written `SECTION: false`
    absent: list[str] = Field(default_factory=list)
    # how it logs in where its description does not say: `golive init --login STRATEGY:PATH`
    login: str | None = None
    # more roles to log in as: `golive init --roles user,user2`
    roles: list[str] = Field(default_factory=list)

    @field_validator("absent")
    @classmethod
    def sections_exist(cls, absent: list[str]) -> list[str]:
        from golive.init import InitError, parse_absent

        try:
            return parse_absent(absent)
        except InitError as error:
            raise ValueError(str(error)) from None

    @field_validator("login")
    @classmethod
    def login_answer(cls, login: str | None) -> str | None:
        from golive.init import InitError, parse_login

        try:
            parse_login(login)
        except InitError as error:
            raise ValueError(str(error)) from None
        return login


class Misconfiguration(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str
    # applied through the system's own settings: environment variables its configuration reads
    env: dict[str, str] = Field(min_length=1)
    # the checks that must fail because of this setting (each must fail for "caught")
    expected_checks: list[str] = Field(min_length=1)
    # further checks this setting makes fail, with the reason (true findings, not the catch itself)
    also_fails: dict[str, str] = Field(default_factory=dict)

    @property
    def checks(self) -> list[str]:
        """The checks a misconfiguration run selects: the catch and the setting's other findings."""
        return list(dict.fromkeys([*self.expected_checks, *self.also_fails]))


class System(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    login: Literal["json", "form", "basic", "session", "token", "browser"]
    install: Install
    start: Start
    ready: Ready
    # commands run once the server is ready, to create the throwaway accounts and objects the
    # profile names (through the system's own API or CLI); they see the env file's values and
    # GOLIVE_TARGET_URL
    seed: list[list[str]] = Field(default_factory=list)
    # the env file's variable holding the base URL: the tier sets it to the started server
    url_var: str
    # golive's selection: the security and infrastructure checks, not the commerce ones
    select: str = "security or infrastructure"
    # bound for one golive run
    golive_timeout_s: float = Field(default=900, gt=0, le=3600)
    misconfigurations: list[Misconfiguration] = Field(min_length=3)
    # the description the system serves (none: a short hand-written openapi.yaml beside the profile)
    api_description: ApiDescription | None = None
    # the answers `golive init` is given for this system (the profile is made from its output)
    init: InitAnswers = Field(default_factory=InitAnswers)

    @field_validator("misconfigurations")
    @classmethod
    def names_are_unique(cls, misconfigurations: list[Misconfiguration]) -> list[Misconfiguration]:
        names = [m.name for m in misconfigurations]
        if len(set(names)) != len(names):
            raise ValueError(f"misconfiguration names must be unique: {names}")
        return misconfigurations


class ExpectedFinding(Strict):
    check: str  # a check id, e.g. SEC-HEADERS-001
    param: str | None = None  # one parametrisation only; none: every parametrisation of the check
    evidence: str = Field(min_length=20)  # why this failure is true of the system
    # a timing finding (login answer times) near golive's noise floor: true when reported, but a run
    # on a loaded machine may not see it, and not seeing it is no golive defect
    timing: bool = False


class ExpectedFindings(Strict):
    findings: list[ExpectedFinding] = Field(default_factory=list)


class SystemDefinitionError(Exception):
    pass


def _load(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SystemDefinitionError(f"{path}: cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise SystemDefinitionError(f"{path}: not valid YAML ({error})") from error
    try:
        return model.model_validate(raw or {})
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise SystemDefinitionError(f"{path}: {problems}") from error


def load_system(folder: Path) -> System:
    system = _load(folder / "system.yaml", System)
    assert isinstance(system, System)
    if system.name != folder.name:
        raise SystemDefinitionError(f"{folder / 'system.yaml'}: name {system.name!r} differs from its folder {folder.name!r}")
    for required in ("profile.yaml", f"{system.name}.env", "expected-findings.yaml"):
        if not (folder / required).is_file():
            raise SystemDefinitionError(f"{folder}: {required} is missing")
    return system


def load_expected(folder: Path) -> ExpectedFindings:
    expected = _load(folder / "expected-findings.yaml", ExpectedFindings)
    assert isinstance(expected, ExpectedFindings)
    return expected


def install_key(install: Install, interpreter: str) -> str:
    """Changes whenever the install spec or the interpreter building the venv (its version) changes."""
    spec = {"pip": install.pip, "npm": install.npm, "python": interpreter}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def discover(root: Path) -> list[str]:
    return sorted(path.parent.name for path in (root / "conformance").glob("*/system.yaml"))
