"""golive.probes.config_problems: one line per wrong field, placed at its line, union branches folded."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from golive.probes.config_problems import collapse, dotted, fields_at, line_of, yaml_lines
from golive.yamlfile import load_yaml


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Window(Strict):
    limit: int
    window_s: float = 1.0


class Shop(Strict):
    name: str
    limits: list[Window] = []
    cors: Window | Literal[False] | None = None


def problems(text: str) -> list[str]:
    data = load_yaml(text)
    with pytest.raises(ValidationError) as raised:
        Shop.model_validate(data)
    lines = yaml_lines(text)
    return [f"line {line_of(lines, p.path)}: {p.text()}" for p in collapse(raised.value.errors(), data, Shop)]


def test_a_wrong_field_inside_a_union_branch_is_one_line_at_the_field():
    assert problems("name: shop\ncors:\n  limit: lots\n") == [
        "line 3: cors.limit: expected a valid integer, unable to parse string as an integer (found 'lots')"
    ]


def test_a_value_that_fits_no_branch_says_what_would():
    assert problems("name: shop\ncors: 7\n") == ["line 2: cors: expected a Window mapping or false (found 7)"]


def test_list_entries_unknown_keys_and_missing_fields():
    assert problems("name: shop\nlimits:\n  - {limit: 5}\n  - {limt: 5}\n") == [
        "line 4: limits[1].limit: required, but not given",
        "line 4: limits[1].limt: unknown key (did you mean limit?)",
    ]


def test_yaml_lines_survive_values_yaml_cannot_build():
    lines = yaml_lines("waivers:\n  - check: X\n    expires: 2026-13-45\n")
    assert lines[("waivers", 0, "expires")] == 3
    assert line_of(lines, ("waivers", 0, "approver")) == 2, "a missing key: its entry's line"
    assert yaml_lines("a: [unclosed\n") == {}


def test_field_names_are_found_through_lists_and_unions():
    assert fields_at(Shop, ("limits", 0)) == ["limit", "window_s"]
    assert fields_at(Shop, ("cors",)) == ["limit", "window_s"]
    assert fields_at(Shop, ()) == ["cors", "limits", "name"]
    assert dotted(("limits", 1, "limit")) == "limits[1].limit" and dotted(()) == "(top level)"


def test_secret_looking_fields_never_show_the_value_found():
    class Login(Strict):
        password: int

    data = {"password": "hunter2-not-a-number"}
    with pytest.raises(ValidationError) as raised:
        Login.model_validate(data)
    assert [p.text() for p in collapse(raised.value.errors(), data, Login)] == [
        "password: expected a valid integer, unable to parse string as an integer"
    ]
