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
from dotenv.parser import parse_stream
from pydantic import BaseModel, ValidationError

from golive.probes.config_problems import collapse, line_of, yaml_lines
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


ENV_KEY_START = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=")


def parse_env_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """The env file's own values, uninterpolated, and one problem per line python-dotenv cannot parse.

    python-dotenv's parser itself, not ``dotenv_values``: that one skips a bad line with a logged
    warning (no file name, once per read) and the run goes on without the value.
    """
    values: dict[str, str] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.error:
                # never the line itself: it may hold a secret that could not be parsed
                key = ENV_KEY_START.match(binding.original.string)
                starts = f"; it starts with {key.group(1)}" if key else ""
                problems.append(f"env {path.name}, line {binding.original.line}: cannot be parsed "
                                f"(expected KEY=value, quotes closed{starts})")
            elif binding.key is not None:
                values[binding.key] = binding.value or ""
    return values, problems


#: an env file's key naming another env (same folder) whose values it starts from
EXTENDS_KEY = "GOLIVE_ENV_EXTENDS"


def env_file_values(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, str]:
    """The file's own values, laid over those of the env it extends (``GOLIVE_ENV_EXTENDS=local``),
    so a variant of an environment names only what differs."""
    return env_file_with_problems(path, seen)[0]


def env_file_with_problems(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, str], list[str]]:
    """``env_file_values`` and every line python-dotenv cannot parse, in this file and the ones it extends."""
    own, problems = parse_env_file(path)
    base = own.pop(EXTENDS_KEY, "").strip()
    if not base:
        return own, problems
    base_path = path.parent / f"{base}.env"
    if not base_path.is_file() or base_path.resolve() in (*seen, path.resolve()):
        raise UsageError(f"env {path.name}: {EXTENDS_KEY}={base} names no env in {path.parent.name}/ "
                         "(or one that extends it back)")
    inherited, their_problems = env_file_with_problems(base_path, (*seen, path.resolve()))
    return {**inherited, **own}, problems + their_problems


def read_env(path: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The env file's values overlaid with real environment variables, references resolved."""
    environ = os.environ if environ is None else environ
    from_file = env_file_values(path)
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


def describe_validation_error(
    error: ValidationError, source: str, *, text: str = "", data: Any = None, model: type[BaseModel] | None = None,
    prefix: tuple[str | int, ...] = (),
) -> list[str]:
    """One line per wrong field: where (file, line, field), what was expected, and a "did you mean".

    ``prefix`` is where the validated ``data`` sits in the file (a waiver inside ``waivers:``).
    """
    lines = yaml_lines(text) if text else {}
    problems = []
    placed = [(line_of(lines, (*prefix, *problem.path)), problem) for problem in collapse(error.errors(), data, model)]
    for line, problem in sorted(placed, key=lambda entry: entry[0] or 0):
        where = f"{source}, line {line}" if line else source
        problems.append(f"{where}: {problem.text()}")
    return problems


def service_references(data: Any, names: set[str], path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every ``service: NAME`` in a raw profile that names no service (checked when the profile
    failed validation, so a wrong reference is reported along with the other mistakes)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "service" and isinstance(value, str) and value not in names:
                found.append(((*path, key), value))
            elif path or key != "services":
                found += service_references(value, names, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += service_references(value, names, (*path, index))
    return found



def merged_over(base: Any, override: Any) -> Any:
    """``override`` laid over ``base`` as a JSON merge patch (RFC 7396): mappings merge key by key,
    recursively; ``null`` removes the key; anything else (a list, a scalar, ``false``) replaces it."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merged_over(base.get(key), value)
        return merged
    return override


def read_profile(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any] | None, list[str]]:
    """The profile's YAML as data, laid over the profile it ``extends:`` (another profile's name in
    the same folder), so a variant of a system names only what differs."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = load_yaml(text)
    except OSError as error:
        return None, [f"profile {path}: cannot be read ({error.strerror})"]
    except yaml.YAMLError as error:
        return None, [f"profile {path}: not valid YAML ({error})"]
    if not isinstance(raw, dict):
        return None, [f"profile {path}: must be a mapping at the top level"]
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw, []
    base_path = path.parent / f"{base_name}.yaml"
    if not isinstance(base_name, str) or not base_path.is_file():
        return None, [f"profile {path.name}: extends: {base_name!r} names no profile in {path.parent.name}/"]
    if base_path.resolve() in seen:
        return None, [f"profile {path.name}: extends: {base_name!r} extends it back (a cycle)"]
    base, problems = read_profile(base_path, (*seen, path.resolve()))
    return (merged_over(base, raw) if base is not None else None), problems


def load_profile(path: Path, env: Mapping[str, str]) -> tuple[Profile | None, list[str]]:
    raw, problems = read_profile(path)
    if raw is None:
        return None, problems
    # line numbers point into the profile's own file (a key it inherits is named by its path)
    text = path.read_text(encoding="utf-8")
    missing: set[str] = set()
    resolved = resolve_tree(raw, env, missing)
    problems += [
        f"profile {path.name} references ${{{name}}}, which the env does not set" for name in sorted(missing)
    ]
    try:
        return Profile.model_validate(resolved), problems
    except ValidationError as error:
        source = f"profile {path.name}"
        problems += describe_validation_error(error, source, text=text, data=resolved, model=Profile)
        # The profile's own reference check runs only on a profile whose fields are all valid.
        if not any(detail["type"] == "value_error" and not detail["loc"] for detail in error.errors()):
            services = resolved.get("services")
            names = {s.get("name") for s in services if isinstance(s, dict)} if isinstance(services, list) else set()
            lines = yaml_lines(text)
            for where, name in service_references(resolved, names):
                line = line_of(lines, where)
                problems.append(f"{source}{f', line {line}' if line else ''}: {'.'.join(map(str, where))}: "
                                f"names service {name!r}, not one of {sorted(n for n in names if n)}")
        return None, problems


def _misspelt(name: str, values: Mapping[str, str], own_values: Mapping[str, str]) -> str:
    """A did-you-mean for a required key that is missing while the file has one spelt almost like it."""
    import difflib

    if values.get(name):
        return ""
    close = difflib.get_close_matches(name, [key for key in own_values if key != name], n=1, cutoff=0.85)
    return f"; the file sets {close[0]}: did you mean {name}?" if close else ""


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
    own_values, problems = env_file_with_problems(env_file)
    templates = [key for key in own_values if key not in environ]
    values.update({key: resolve(values[key], values, missing) for key in templates})
    problems += [f"env {env_file.name}: ${{{name}}} is referenced but not set" for name in sorted(missing)]

    kind = values.get("GOLIVE_ENV_KIND", "")
    if kind not in ENV_KINDS:
        problems.append(
            f"env {env_file.name}: GOLIVE_ENV_KIND must be one of {', '.join(ENV_KINDS)} (found {kind or 'nothing'})"
            + _misspelt("GOLIVE_ENV_KIND", values, own_values)
        )
    profile_name = values.get("GOLIVE_PROFILE", "")
    profile = None
    if not profile_name:
        problems.append(f"env {env_file.name}: GOLIVE_PROFILE is not set (profiles live in profiles/<name>.yaml, "
                        "or give a path to a profile file)" + _misspelt("GOLIVE_PROFILE", values, own_values))
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
