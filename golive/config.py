"""Environment and profile loading. Every problem is collected and reported at once.

``--env NAME`` reads ``envs/NAME.env`` with python-dotenv; real environment variables win. The
env names the profile (``GOLIVE_PROFILE``) and the environment's kind (``GOLIVE_ENV_KIND``).
``${VAR}`` references in env values and in the profile resolve against the merged environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from dotenv import dotenv_values
from pydantic import ValidationError

from golive.profile import Profile
from golive.yamlfile import load_yaml

EnvKind = Literal["local", "staging", "production"]
ENV_KINDS: tuple[str, ...] = ("local", "staging", "production")
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UsageError(Exception):
    """The command line is wrong (e.g. an unknown env name)."""


class ConfigurationError(Exception):
    """The env or profile is wrong. Carries every problem found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"  - {p}" for p in problems))


@dataclass
class Settings:
    env_name: str
    env_file: Path
    kind: EnvKind
    profile_name: str
    profile: Profile
    values: dict[str, str]
    sandbox: bool = False
    sandbox_flavor: str = "commerce"
    problems: list[str] = field(default_factory=list)

    @property
    def is_production(self) -> bool:
        return self.kind == "production"


def available_envs(envs_dir: Path) -> list[str]:
    return sorted(path.name[: -len(".env")] for path in envs_dir.glob("*.env"))


def env_file_for(name: str, envs_dir: Path) -> Path:
    path = envs_dir / f"{name}.env"
    if not path.is_file():
        known = ", ".join(available_envs(envs_dir)) or "none"
        examples = sorted(p.name for p in envs_dir.glob(f"{name}*.env.example"))
        hint = f" (copy {examples[0]} to {name}.env and fill it in)" if examples else ""
        raise UsageError(f"unknown env {name!r}{hint}; envs that exist: {known}")
    return path


def read_env(path: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The env file's values overlaid with real environment variables, references resolved."""
    environ = os.environ if environ is None else environ
    from_file = {key: value or "" for key, value in dotenv_values(path, interpolate=False).items()}
    merged = {**from_file, **{key: environ[key] for key in from_file if key in environ}}
    merged.update({key: value for key, value in environ.items() if key not in merged})
    return merged


def resolve(value: str, env: Mapping[str, str], missing: set[str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env or env[name] == "":
            missing.add(name)
            return ""
        return env[name]

    for _ in range(5):  # references inside referenced values, a few levels deep
        if not REFERENCE.search(value):
            break
        value = REFERENCE.sub(substitute, value)
    return value


def resolve_tree(node: Any, env: Mapping[str, str], missing: set[str]) -> Any:
    if isinstance(node, str):
        return resolve(node, env, missing)
    if isinstance(node, list):
        return [resolve_tree(item, env, missing) for item in node]
    if isinstance(node, dict):
        return {key: resolve_tree(item, env, missing) for key, item in node.items()}
    return node


def describe_validation_error(error: ValidationError, source: str) -> list[str]:
    problems = []
    for detail in error.errors():
        location = ".".join(str(part) for part in detail["loc"]) or "(top level)"
        problems.append(f"{source}: {location}: {detail['msg']}")
    return problems


def load_profile(path: Path, env: Mapping[str, str]) -> tuple[Profile | None, list[str]]:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, [f"profile {path}: cannot be read ({error.strerror})"]
    except yaml.YAMLError as error:
        return None, [f"profile {path}: not valid YAML ({error})"]
    if not isinstance(raw, dict):
        return None, [f"profile {path}: must be a mapping at the top level"]
    missing: set[str] = set()
    resolved = resolve_tree(raw, env, missing)
    problems = [
        f"profile {path.name} references ${{{name}}}, which the env does not set" for name in sorted(missing)
    ]
    try:
        return Profile.model_validate(resolved), problems
    except ValidationError as error:
        return None, problems + describe_validation_error(error, f"profile {path.name}")


def names_a_path(profile: str) -> bool:
    """GOLIVE_PROFILE names a file (``conformance/kinto/profile.yaml``) rather than a profiles/ name."""
    return "/" in profile or profile.endswith((".yaml", ".yml"))


def profile_path_for(profile: str, root: Path) -> Path:
    """A name means ``profiles/<name>.yaml``; a path is taken as is, relative to the repository root."""
    if names_a_path(profile):
        return root / profile  # an absolute path stays absolute
    return root / "profiles" / f"{profile}.yaml"


def load_settings(
    env_name: str,
    root: Path,
    *,
    envs_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> Settings:
    """Load and validate everything; raise UsageError or ConfigurationError listing all problems.

    ``extra`` holds values golive itself provides (the started sandbox's URLs).
    """
    envs_dir = envs_dir or root / "envs"
    env_file = env_file_for(env_name, envs_dir)
    values = {**read_env(env_file, environ), **(extra or {})}
    missing: set[str] = set()
    # Only the env file's own values are templates; the process environment passes through as is.
    environ = os.environ if environ is None else environ
    templates = [key for key in dotenv_values(env_file, interpolate=False) if key not in environ]
    values.update({key: resolve(values[key], values, missing) for key in templates})
    problems = [f"env {env_file.name}: ${{{name}}} is referenced but not set" for name in sorted(missing)]

    kind = values.get("GOLIVE_ENV_KIND", "")
    if kind not in ENV_KINDS:
        problems.append(
            f"env {env_file.name}: GOLIVE_ENV_KIND must be one of {', '.join(ENV_KINDS)} (found {kind or 'nothing'})"
        )
    profile_name = values.get("GOLIVE_PROFILE", "")
    profile = None
    if not profile_name:
        problems.append(f"env {env_file.name}: GOLIVE_PROFILE is not set (profiles live in profiles/<name>.yaml, or give a path to a profile file)")
    else:
        profile_path = profile_path_for(profile_name, root)
        if not profile_path.is_file() and names_a_path(profile_name):
            problems.append(f"env {env_file.name}: GOLIVE_PROFILE={profile_name}: no such file ({profile_path})")
        elif not profile_path.is_file():
            known = ", ".join(sorted(p.stem for p in (root / "profiles").glob("*.yaml"))) or "none"
            problems.append(f"env {env_file.name}: GOLIVE_PROFILE={profile_name}: no such profile (profiles: {known})")
        else:
            profile, profile_problems = load_profile(profile_path, values)
            problems += profile_problems
    sandbox = values.get("GOLIVE_SANDBOX", "off").lower()
    if sandbox not in ("start", "off"):
        problems.append(f"env {env_file.name}: GOLIVE_SANDBOX must be start or off (found {sandbox})")
    if sandbox == "start" and kind == "production":
        problems.append(f"env {env_file.name}: GOLIVE_SANDBOX=start makes no sense for a production env")
    if problems or profile is None:
        raise ConfigurationError(problems or ["profile could not be loaded"])
    return Settings(
        env_name=env_name,
        env_file=env_file,
        kind=kind,  # type: ignore[arg-type]
        profile_name=profile_name,
        profile=profile,
        values=values,
        sandbox=sandbox == "start",
        sandbox_flavor=values.get("SANDBOX_FLAVOR", "commerce"),
    )


def peek_env(env_name: str, root: Path, envs_dir: Path | None = None) -> dict[str, str]:
    """The env's own values (without validation), to decide whether a sandbox must be started."""
    return read_env(env_file_for(env_name, envs_dir or root / "envs"))
