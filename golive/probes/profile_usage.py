"""Which checks read which profile section, from the source of the checks and their fixtures.

A check reads a section directly (``required(profile.cors, ...)``) or through the fixtures and helpers
it uses (``tokens`` reads ``profile.auth``). Both are followed by name, so the answer stays right as
checks are added, without a hand-kept table. Pure: works on source texts, imports nothing it reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckUse:
    check_id: str
    critical: bool


@dataclass
class _Function:
    sections: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)  # fixture parameters and called names


def _check_of(function: ast.FunctionDef) -> CheckUse | None:
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "check" and decorator.args
                and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str)):
            critical = any(k.arg == "critical" and isinstance(k.value, ast.Constant) and k.value.value is True
                           for k in decorator.keywords)
            return CheckUse(decorator.args[0].value, critical)
    return None


def _ends_in_profile(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "profile") or (
        isinstance(node, ast.Attribute) and node.attr == "profile")


def _read(function: ast.AST, sections: set[str]) -> _Function:
    found = _Function()
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        found.uses |= {arg.arg for arg in function.args.args + function.args.kwonlyargs}
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in sections and _ends_in_profile(node.value):
            found.sections.add(node.attr)
        elif isinstance(node, ast.Name):
            found.uses.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.uses.add(node.attr)
    return found


def _is_fixture(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any("fixture" in ast.unparse(decorator) for decorator in function.decorator_list)


def checks_by_section(sources: Iterable[str], sections: Iterable[str]) -> dict[str, list[CheckUse]]:
    """Section -> the checks that read it (directly or through fixtures/helpers), sorted by id.

    A name a function uses resolves to a helper of its own module first, then to a fixture of any module."""
    wanted = set(sections)
    fixtures: dict[str, list[tuple[int, _Function]]] = {}
    helpers: dict[tuple[int, str], _Function] = {}
    checks: list[tuple[int, CheckUse, _Function]] = []
    for module, text in enumerate(sources):
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            read = _read(node, wanted)
            spec = _check_of(node) if isinstance(node, ast.FunctionDef) else None
            if spec:
                checks.append((module, spec, read))
            elif _is_fixture(node):
                fixtures.setdefault(node.name, []).append((module, read))
            else:
                known = helpers.setdefault((module, node.name), _Function())
                known.sections |= read.sections
                known.uses |= read.uses

    def targets(module: int, name: str) -> list[tuple[int, str, _Function]]:
        if (module, name) in helpers:
            return [(module, name, helpers[(module, name)])]
        return [(where, name, read) for where, read in fixtures.get(name, [])]

    def reached(module: int, read: _Function, seen: set[tuple[int, str]]) -> set[str]:
        result = set(read.sections)
        for used in read.uses:
            for where, name, target in targets(module, used):
                if (where, name) not in seen:
                    seen.add((where, name))
                    result |= reached(where, target, seen)
        return result

    by_section: dict[str, dict[str, CheckUse]] = {}
    for module, spec, read in checks:
        for section in reached(module, read, set()):
            entries = by_section.setdefault(section, {})
            critical = spec.critical or (spec.check_id in entries and entries[spec.check_id].critical)
            entries[spec.check_id] = CheckUse(spec.check_id, critical)
    return {section: sorted(entries.values(), key=lambda use: use.check_id)
            for section, entries in sorted(by_section.items())}


def describe(uses: Mapping[str, list[CheckUse]], section: str, limit: int = 8) -> str:
    """``SEC-CORS-001*, SEC-CORS-002 (* critical)``, shortened past ``limit``."""
    entries = uses.get(section, [])
    if not entries:
        return ""
    ordered = sorted(entries, key=lambda use: (not use.critical, use.check_id))
    shown = ", ".join(use.check_id + ("*" if use.critical else "") for use in ordered[:limit])
    more = f" and {len(entries) - limit} more" if len(entries) > limit else ""
    return shown + more + (" (* critical)" if any(use.critical for use in entries) else "")
