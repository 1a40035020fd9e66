"""Which checks each profile section feeds, read from the code (suites and fixtures) without running it.

A profile that leaves a section unsaid leaves the checks that read it unverified; ``golive doctor``
(and ``golive init``'s comments) name them, so nothing is silently unsaid. The map follows what
the code actually reads: ``profile.<section>`` in a check's body or in any fixture it requests,
transitively.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from golive.profile import Profile

# top-level profile fields that are not sections a check reads as a feature
NOT_SECTIONS = frozenset({"name", "description", "checklists", "critical", "attestations_required",
                          "not_applicable_items", "http_timeout_s", "request_budget"})
SECTIONS = tuple(name for name in Profile.model_fields if name not in NOT_SECTIONS)


@dataclass(frozen=True)
class CheckUse:
    id: str
    critical: bool
    sections: frozenset[str]


def _check_id(function: ast.FunctionDef) -> tuple[str, bool] | None:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "check" and decorator.args:
            first = decorator.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                critical = any(k.arg == "critical" and isinstance(k.value, ast.Constant) and k.value.value is True
                               for k in decorator.keywords)
                return first.value, critical
    return None


def _sections_read(node: ast.AST) -> set[str]:
    """``profile.X`` / ``….profile.X`` for every section X the node's code reads."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr in SECTIONS:
            owner = child.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if name in ("profile", "settings_profile"):
                found.add(child.attr)
    return found


def _functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [arg.arg for arg in function.args.args]


def _calls(function: ast.FunctionDef) -> set[str]:
    return {c.func.id for c in ast.walk(function) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}


def check_uses(root: Path) -> list[CheckUse]:
    """Every check with the profile sections its body reads, and those of every fixture it requests
    and helper it calls, transitively (fixtures and helpers live in fixtures/ and in the suites)."""
    graph: dict[str, tuple[set[str], set[str]]] = {}  # name -> (sections read, names it depends on)
    checks: list[tuple[str, bool, ast.FunctionDef]] = []
    files = [*sorted((root / "fixtures").glob("*.py")), *sorted((root / "suites").rglob("test_*.py"))]
    for path in files:
        for function in _functions(path):
            identity = _check_id(function)
            if identity is not None:
                checks.append((*identity, function))
                continue
            read, needs = graph.get(function.name, (set(), set()))
            graph[function.name] = (read | _sections_read(function), needs | set(_parameters(function)) | _calls(function))
    uses = []
    for check_id, critical, function in checks:
        sections = _sections_read(function)
        seen: set[str] = set()
        pending = [*_parameters(function), *_calls(function)]
        while pending:
            name = pending.pop()
            if name in seen or name not in graph:
                continue
            seen.add(name)
            read, needs = graph[name]
            sections |= read
            pending += needs
        uses.append(CheckUse(check_id, critical, frozenset(sections)))
    return sorted(uses, key=lambda use: use.id)


def checks_by_section(root: Path) -> dict[str, list[CheckUse]]:
    by_section: dict[str, list[CheckUse]] = {section: [] for section in SECTIONS}
    for use in check_uses(root):
        for section in use.sections:
            by_section[section].append(use)
    return by_section
