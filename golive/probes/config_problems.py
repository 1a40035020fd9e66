"""Configuration problems a person can act on: one line per field, with file, line and a "did you mean".

pydantic reports a value that fits no branch of a union (``Cors | Literal[False] | None``) once per
branch, with the branch's type name inside the location (``cors.Cors.allowed_origins``,
``cors.literal[False]``): seven lines of noise for one wrong field. Here each error's location is
walked through the input to tell field names from branch tags; of a union's branches the one that
got furthest into the input is kept, and a value that fits no branch at all becomes one line that
says what would.

Pure: YAML text, pydantic's error dicts, the input data and a model class in; lines out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

import yaml
from pydantic import BaseModel

Path = tuple[str | int, ...]
SECRET_NAME = re.compile(r"secret|token|key|password|passwd|dsn|credential", re.IGNORECASE)
MAX_FOUND = 60


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    # False: the message names its own place (a whole-profile rule: "auth.protected[GET /x] names …")
    labelled: bool = True

    def text(self) -> str:
        return f"{dotted(self.path)}: {self.message}" if self.labelled else self.message


def dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def yaml_lines(text: str) -> dict[Path, int]:
    """The 1-based line of every key and list entry in a YAML document, by path.

    Composes nodes without constructing values, so a value YAML cannot build (a date like
    2026-13-45) still has a line.
    """
    lines: dict[Path, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                lines[child] = item.start_mark.line + 1
                walk(item, child)

    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: Mapping[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor the file has (a missing key: its parent)."""
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(str(p) if not isinstance(p, int) else p for p in path[:end]))
        if found:
            return found
    return None


def _split(loc: Sequence[str | int], data: Any, field_at_end: bool) -> tuple[Path, int | None]:
    """The field path of ``loc`` up to its first union tag, and that tag's index (None: no tag)."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif field_at_end and index == len(loc) - 1:
            pass  # a missing field: the input does not have it, by definition
        else:
            return tuple(path), index
        path.append(part)
    return tuple(path), None


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


BRANCH_WORDS = {"none": "nothing", "str": "a text", "int": "a whole number", "float": "a number",
                "bool": "true or false", "dict": "a mapping", "list": "a list", "url": "a URL"}


def _branch_word(tag: str) -> str:
    literal = re.fullmatch(r"literal\[(.*)\]", tag)
    if literal:
        return " or ".join(value.strip().strip("'\"").lower() for value in literal.group(1).split(","))
    bare = re.sub(r"^function-\w+\[(.*)\]$", r"\1", tag).split("[", 1)[0]
    bare = re.sub(r"\(\)$", "", bare)
    if bare in BRANCH_WORDS:
        return BRANCH_WORDS[bare]
    return f"a {bare} mapping" if bare[:1].isupper() else bare


def _found(value: Any, path: Path) -> str:
    if isinstance(value, (dict, list)) or any(isinstance(p, str) and SECRET_NAME.search(p) for p in path):
        return ""
    text = repr(value)
    return f" (found {text if len(text) <= MAX_FOUND else text[:MAX_FOUND] + '…'})"


def _expected(message: str) -> str:
    message = re.sub(r"^Input should be (?=(greater|less) than)", "expected a value ", message)
    return re.sub(r"^Input should be ", "expected ", message)


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in models_in(argument)]


def fields_at(model: type[BaseModel], path: Path) -> list[str]:
    """The field names a mapping at ``path`` may have (list indices and dict keys are passed through)."""
    current = [model]
    for part in path:
        inner = [m for candidate in current if isinstance(part, str) and part in candidate.model_fields
                 for m in models_in(candidate.model_fields[part].annotation)]
        if isinstance(part, str) and any(part in candidate.model_fields for candidate in current):
            current = inner
        if not current:
            return []
    return sorted({name for candidate in current for name in candidate.model_fields})


def _describe(error: Mapping[str, Any], path: Path, data: Any, model: type[BaseModel] | None) -> Problem:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        known = fields_at(model, path[:-1]) if model else []
        close = difflib.get_close_matches(str(path[-1]), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else (f" (known: {', '.join(known)})" if known else "")
        return Problem(path, f"unknown key{hint}")
    if kind == "missing":
        return Problem(path, "required, but not given")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    found = _found(error["input"], path) if "input" in error and kind != "value_error" else ""
    return Problem(path, _expected(message) + found)


LEADING_FIELD = re.compile(r"^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)(\S*)\s+(.*)$", re.DOTALL)


def _model_rule(message: str, path: Path) -> Problem | None:
    """A rule across fields ("cors.service names service 'x'") placed at the field it starts with."""
    match = LEADING_FIELD.match(message)
    if path or not match or "." not in match.group(1) and not match.group(2):
        return None
    fields = tuple(match.group(1).split("."))
    if match.group(2):
        return Problem(fields, message, labelled=False)
    return Problem(fields, match.group(3))


def collapse(errors: Sequence[Mapping[str, Any]], data: Any, model: type[BaseModel] | None = None) -> list[Problem]:
    """One problem per wrong field from pydantic's ``errors()``, union branches folded."""
    problems: list[Problem] = []
    unions: dict[Path, dict[str, list[dict[str, Any]]]] = {}
    for error in errors:
        loc = tuple(error.get("loc", ()))
        path, tag = _split(loc, data, error.get("type") == "missing")
        if tag is None:
            for line in str(error.get("msg", "")).removeprefix("Value error, ").splitlines() or [""]:
                problems.append(_model_rule(line, path) or _describe({**error, "msg": line}, path, data, model))
            continue
        unions.setdefault(path, {}).setdefault(str(loc[tag]), []).append({**error, "loc": loc[:tag] + loc[tag + 1:]})
    for point, branches in unions.items():

        def reach(branch: list[dict[str, Any]]) -> int:
            return max(len(_split(e["loc"], data, e.get("type") == "missing")[0]) for e in branch)

        best = max(branches.values(), key=lambda branch: (reach(branch), -len(branch)))
        if reach(best) > len(point) or len(branches) == 1:
            problems += collapse(best, data, model)
        else:
            words = " or ".join(dict.fromkeys(_branch_word(tag) for tag in branches))
            problems.append(Problem(point, f"expected {words}{_found(_value_at(data, point), point)}"))
    return list(dict.fromkeys(problems))
