"""The committed profile schema and reference stay in step with the models and validate every profile."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from golive import cli, schema
from golive.yamlfile import load_yaml

ROOT = Path(__file__).resolve().parents[2]
PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))
REGENERATE = "run `golive schema --markdown docs/profile.md` and commit the result"


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    committed = json.loads((ROOT / schema.SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(committed)
    return jsonschema.Draft202012Validator(committed, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(document: Any) -> list[tuple[str, str]]:
    """(where, message) of each error; for a section that matches none of its forms (an object or false),
    the reasons of the object form, which is what an editor shows."""
    found = []
    for error in validator().iter_errors(document):
        causes = [cause for cause in error.context or [] if cause.validator != "const" and cause.validator != "type"]
        for cause in causes or [error]:
            found.append(("/".join(str(part) for part in cause.absolute_path), cause.message))
    return found


def test_committed_schema_matches_the_models():
    assert (ROOT / schema.SCHEMA_PATH).read_text(encoding="utf-8") == schema.schema_text(), REGENERATE


def test_committed_reference_matches_the_generator():
    assert (ROOT / schema.MARKDOWN_PATH).read_text(encoding="utf-8") == schema.markdown_text(ROOT), REGENERATE


def test_reference_documents_every_top_level_section_and_the_most_used_fields():
    text = (ROOT / schema.MARKDOWN_PATH).read_text(encoding="utf-8")
    for section in schema.profile_schema()["properties"]:
        assert f"| `{section}` |" in text
    assert "### `services[].health`" in text and "### `authorization.objects[]`" in text
    assert "| `allowed_origins` | list of string (at least 1) | required | origins allowed" in text


@pytest.mark.parametrize("profile", PROFILES, ids=[path.stem for path in PROFILES])
def test_every_shipped_profile_names_the_schema_and_validates_against_it(profile: Path):
    text = profile.read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema.SCHEMA_COMMENT
    assert errors(load_yaml(text)) == []


def test_a_misspelt_field_is_flagged_where_it_is(profile_data):
    data = profile_data()
    data["cors"]["allowed_origin"] = data["cors"].pop("allowed_origins")
    found = errors(data)
    assert any(where == "cors" and "'allowed_origin' was unexpected" in message for where, message in found), found


def test_a_wrong_type_is_flagged_and_a_reference_is_not(profile_data):
    data = profile_data(http_timeout_s="soon")
    assert [where for where, _ in errors(data)] == ["http_timeout_s"]
    # numbers, booleans and URLs may be ${VAR} references: the loader substitutes them first
    data = profile_data(http_timeout_s="${APP_TIMEOUT_S}", request_budget=5)
    data["services"][0]["base_url"] = "${APP_URL}"
    data["cors"]["credentials"] = "${APP_CORS_CREDENTIALS}"
    assert errors(data) == []


def test_a_section_set_to_false_is_valid_and_a_section_set_to_true_is_not(profile_data):
    assert errors(profile_data(openapi=False, inputs=False)) == []
    assert [where for where, _ in errors(profile_data(openapi=True))] == ["openapi"]


def test_a_port_list_from_one_env_value_is_valid(profile_data):
    data = profile_data(network={"host": "api.shop.test", "closed_ports": "${CLOSED_PORTS}"})
    assert errors(data) == []


def test_golive_schema_writes_both_files_and_check_reports_drift(tmp_path: Path, capsys):
    (tmp_path / "profiles").mkdir()
    assert cli.main(["--root", str(tmp_path), "schema", "--markdown", "docs/profile.md"]) == 0
    assert (tmp_path / schema.SCHEMA_PATH).read_text(encoding="utf-8") == schema.schema_text()
    assert cli.main(["--root", str(tmp_path), "schema", "--markdown", "docs/profile.md", "--check"]) == 0
    (tmp_path / schema.MARKDOWN_PATH).write_text("# edited by hand\n", encoding="utf-8")
    assert cli.main(["--root", str(tmp_path), "schema", "--markdown", "docs/profile.md", "--check"]) == 1
    assert "docs/profile.md" in capsys.readouterr().err
