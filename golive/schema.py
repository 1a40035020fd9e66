"""The profile's JSON Schema (for editors) and its Markdown reference, both generated from the models.

``golive schema`` writes ``profiles/golive-profile.schema.json``; every profile names it in its
first line (``# yaml-language-server: $schema=golive-profile.schema.json``), so editors validate
and complete profiles as they are typed. ``golive schema --markdown docs/profile.md`` writes the
reference. Both come from ``golive.profile.Profile``: a field added to a model appears in both
the next time they are generated, and the selftest fails until they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, NoDefault
from pydantic_core import core_schema

from golive.config import REFERENCE
from golive.profile import Profile
from golive.yamlfile import load_yaml

SCHEMA_NAME = "golive-profile.schema.json"
SCHEMA_PATH = Path("profiles") / SCHEMA_NAME
MARKDOWN_PATH = Path("docs") / "profile.md"
SCHEMA_COMMENT = f"# yaml-language-server: $schema={SCHEMA_NAME}"
# A ``${VAR}`` anywhere in a string: the loader substitutes it before validation (golive/config.py).
REFERENCE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": REFERENCE.pattern,
    "description": "a ${VAR} reference into the env, checked once substituted",
}
# keys that describe a field rather than constrain its value: they stay outside the reference wrapper
_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated")


class _ProfileSchemaGenerator(GenerateJsonSchema):
    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        # show the defaults of list/dict/section fields too, not only the literal ones
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()  # type: ignore[call-arg]
        return schema.get("default", NoDefault)


def _is_plain_string(node: dict[str, Any]) -> bool:
    return node.get("type") == "string" and not ({"pattern", "format", "enum", "const"} & node.keys())


def _takes_references(node: dict[str, Any]) -> bool:
    """A value the loader may receive as ``"${VAR}"``: a number, a boolean, a URL, a constrained string.

    ``false`` as a section value stays literal: ``Literal[False]`` does not accept the string "false"."""
    if node.get("const") is False:
        return False
    if node.get("type") in ("integer", "number", "boolean"):
        return True
    return node.get("type") == "string" and not _is_plain_string(node)


def _accept_references(node: Any) -> Any:
    """The schema with every value a ``${VAR}`` may stand for widened to also accept the reference."""
    if isinstance(node, list):
        return [_accept_references(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    for key in ("properties", "$defs"):
        if key in node:
            node[key] = {name: _accept_references(child) for name, child in node[key].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            node[key] = _accept_references(node[key])
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if key in node:
            branches = node[key]
            if key == "anyOf" and any(isinstance(b, dict) and _is_plain_string(b) for b in branches):
                # a plain string branch already takes the reference
                node[key] = [_accept_references_below(b) for b in branches]
            else:
                node[key] = _accept_references(branches)
    if _takes_references(node):
        outer = {key: node.pop(key) for key in _ANNOTATIONS if key in node}
        return {"anyOf": [node, REFERENCE_SCHEMA], **outer}
    return node


def _accept_references_below(node: Any) -> Any:
    """Widen inside a branch, leaving the branch itself alone (its union already has a string)."""
    if isinstance(node, dict) and _takes_references(node):
        return node
    return _accept_references(node)


def profile_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a profile as written in YAML, before ``${VAR}`` substitution."""
    schema = Profile.model_json_schema(schema_generator=_ProfileSchemaGenerator, mode="validation")
    schema = _accept_references(schema)
    # a variant names its base (extends: <profile>) and only what differs: what the base gives is not
    # required of it (the loader merges the two before validating)
    schema["properties"] = {"extends": {"type": "string", "description": (
        "another profile of the same folder this one is laid over (a JSON merge patch: null removes a key)")},
        **schema["properties"]}
    required = schema.pop("required", [])
    if required:
        schema["if"] = {"not": {"required": ["extends"]}}
        schema["then"] = {"required": required}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "golive profile",
        "description": (
            "What the system under test looks like (profiles/<name>.yaml). A section set to false says the "
            "system has no such feature (its checks are not applicable); a missing section means the profile "
            "does not say (its checks are unverified). Generated by `golive schema` from golive/profile.py."
        ),
    }


def schema_text() -> str:
    return json.dumps(profile_schema(), indent=2, ensure_ascii=False) + "\n"


# --- the Markdown reference -----------------------------------------------------------------


def _ref_name(node: dict[str, Any]) -> str | None:
    reference = node.get("$ref")
    return reference.rsplit("/", 1)[-1] if isinstance(reference, str) else None


def _bounds(node: dict[str, Any]) -> str:
    parts = [f"{sign} {node[key]}" for key, sign in
             (("exclusiveMinimum", ">"), ("minimum", "≥"), ("exclusiveMaximum", "<"), ("maximum", "≤")) if key in node]
    if "minItems" in node:
        parts.append(f"at least {node['minItems']}")
    if "minProperties" in node:
        parts.append(f"at least {node['minProperties']}")
    return f" ({', '.join(parts)})" if parts else ""


def _type(node: dict[str, Any], paths: dict[str, str]) -> str:
    """A short human-readable type: ``string or false``, ``list of `auth.protected[]` ``, …"""
    name = _ref_name(node)
    if name:
        return f"[object](#{_anchor(paths[name])})" if name in paths else "object"
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b.get("type") != "null" and b is not REFERENCE_SCHEMA
                    and b.get("pattern") != REFERENCE.pattern]
        return " or ".join(dict.fromkeys(_type(b, paths) for b in branches)) or "null"
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type(node.get('items', {}), paths)}{_bounds(node)}"
    if kind == "object":
        values = node.get("additionalProperties")
        return f"map of {_type(values, paths)}{_bounds(node)}" if isinstance(values, dict) else "map"
    if kind == "string":
        if node.get("format") == "uri":
            return "URL"
        return f"string matching `{node['pattern']}`" if "pattern" in node else "string"
    return f"{kind or 'any'}{_bounds(node)}"


def _anchor(path: str) -> str:
    return "".join(c for c in path.lower() if c.isalnum() or c in "-_ ").replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(prop: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" not in prop or prop["default"] is None:
        return ""
    text = json.dumps(prop["default"], ensure_ascii=False)
    return f"`{text}`" if len(text) <= 60 else f"`{text[:57]}…`"


def _models_below(node: Any) -> list[str]:
    """The model names a property's schema refers to, in order."""
    if isinstance(node, dict):
        found = [_ref_name(node)] if _ref_name(node) else []
        for value in node.values():
            found += _models_below(value)
        return found
    if isinstance(node, list):
        return [name for item in node for name in _models_below(item)]
    return []


def _all_model_paths(schema: dict[str, Any]) -> dict[str, list[str]]:
    """Each model's paths in a profile (``auth.login``, ``services[].health``), in breadth-first order."""
    defs = schema["$defs"]
    paths: dict[str, list[str]] = {}
    queue = [(name, prop) for name, prop in schema["properties"].items()]
    while queue:
        path, prop = queue.pop(0)
        for name in dict.fromkeys(_models_below(prop)):
            suffix = "[]" if _is_list_of(prop, name) else ""
            seen = name in paths
            paths.setdefault(name, []).append(path + suffix)
            if not seen:  # a model's fields are walked once
                queue += [(f"{path}{suffix}.{child}", child_prop)
                          for child, child_prop in defs[name].get("properties", {}).items()]
    return paths


def _model_paths(schema: dict[str, Any]) -> dict[str, str]:
    """Each model's first path: where the reference describes it."""
    return {name: found[0] for name, found in _all_model_paths(schema).items()}


def _is_list_of(prop: dict[str, Any], name: str) -> bool:
    branches = prop.get("anyOf", [prop])
    return any(b.get("type") == "array" and _ref_name(b.get("items", {})) == name for b in branches)


def _field_table(model: dict[str, Any], paths: dict[str, str]) -> list[str]:
    required = set(model.get("required", []))
    lines = ["| field | type | default | description |", "|---|---|---|---|"]
    for name, prop in model.get("properties", {}).items():
        lines.append(f"| `{name}` | {_cell(_type(prop, paths))} | {_cell(_default(prop, name in required))} "
                     f"| {_cell(prop.get('description', ''))} |")
    return lines


def shipped_examples(profiles_dir: Path) -> dict[str, tuple[str, Any]]:
    """Top-level section -> (profile file, its raw value) from the first shipped profile that fills it in."""
    found: dict[str, tuple[str, Any]] = {}
    # a variant (extends: <profile>) names only what differs: the complete profiles give the examples
    ordered = sorted(profiles_dir.glob("*.yaml"), key=lambda path: (
        path.stem != "sandbox", "\nextends:" in "\n" + path.read_text(encoding="utf-8"), path.name))
    for path in ordered:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict):
            for key, value in raw.items():
                if value not in (False, None, [], {}) and key not in found:
                    found[key] = (path.name, value)
    return found


MARKDOWN_INTRO = """\
# Profile reference

<!-- Generated by `golive schema --markdown docs/profile.md` from golive/profile*.py: edit the models'
     descriptions, not this file (a selftest fails when the two differ). -->

A profile (`profiles/<name>.yaml`) says what the system under test looks like; its secrets live in
the env file (`envs/<name>.env`) and the profile refers to them as `${VAR}`. `golive init` writes a
first profile from an API description; [your-system.md](your-system.md) walks through it.

- A section set to `false` says the system has no such feature: its checks are not applicable.
- A section left out means the profile does not say: the checks that need it are **unverified**, and
  an unverified critical check makes the run NO-GO.
- Any value may be a `${VAR}` reference into the env, numbers and booleans too (`limit: ${RATE_LIMIT}`):
  it is substituted before validation.
- Editors validate and complete profiles with the JSON Schema `profiles/golive-profile.schema.json`
  (the first line of every profile names it: `# yaml-language-server: $schema=golive-profile.schema.json`).

Examples are taken from the profiles shipped in `profiles/`.
"""


def markdown(schema: dict[str, Any], examples: dict[str, tuple[str, Any]]) -> str:
    """The reference of every profile section and field, from the schema ``profile_schema()`` returns."""
    import yaml

    defs = schema["$defs"]
    paths = _model_paths(schema)
    also = {name: found[1:] for name, found in _all_model_paths(schema).items()}
    lines = [MARKDOWN_INTRO, "## Top level", "", *_field_table(schema, paths), ""]
    rendered: set[str] = set()
    for section, prop in schema["properties"].items():
        models = [name for name in _models_below(prop) if paths.get(name, "").split("[")[0].split(".")[0] == section]
        if not models:
            continue
        lines += [f"## `{section}`", ""]
        if prop.get("description"):
            lines += [prop["description"], ""]
        for name in models:
            if name in rendered:
                continue
            rendered.add(name)
            model = defs[name]
            path = paths[name]
            if path not in (section, section + "[]"):
                lines += [f"### `{path}`", ""]
            elif path.endswith("[]"):
                lines += ["A list; each entry:", ""]
            if model.get("description"):
                lines += [" ".join(model["description"].split()), ""]
            if also.get(name):
                lines += ["The same fields describe " + ", ".join(f"`{other}`" for other in also[name]) + ".", ""]
            lines += [*_field_table(model, paths), ""]
            # the nested models of this one, right below it
            models += [child for child in _models_below(model) if child not in models and child in paths]
        if section in examples:
            source, value = examples[section]
            text = yaml.safe_dump({section: value}, sort_keys=False, allow_unicode=True, width=100)
            lines += [f"Example (from `profiles/{source}`):", "", "```yaml", text.rstrip("\n"), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown_text(root: Path) -> str:
    return markdown(profile_schema(), shipped_examples(root / "profiles"))
