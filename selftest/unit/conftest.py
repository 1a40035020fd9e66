"""Shared fixtures for golive's unit tests: a project root on disk and a minimal valid profile.

Tests get helpers through fixtures only, never ``from conftest import ...``: other conftest.py
files exist too, and fixtures work under every pytest import mode.
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MINIMAL_PROFILE: dict[str, Any] = {
    "name": "shop",
    "services": [{"name": "api", "base_url": "https://api.shop.test"}],
    "auth": {
        "login": {"service": "api", "path": "/api/auth/login"},
        "roles": {
            "admin": {"username": "admin", "password": "admin-pw-1234"},
            "cashier": {"username": "cashier", "password": "cashier-pw-5678"},
        },
        "protected": [{"service": "api", "path": "/api/admin/users", "roles": ["admin"]}],
    },
    "cors": {"service": "api", "allowed_origins": ["https://admin.shop.test"]},
}


@pytest.fixture
def profile_data() -> Callable[..., dict[str, Any]]:
    """A fresh copy of a minimal valid profile, with top-level keys overridden (None removes one)."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(MINIMAL_PROFILE)
        for key, value in overrides.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return make


class ProjectRoot:
    """A directory shaped like a golive checkout: ``envs/`` and ``profiles/``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.envs = path / "envs"
        self.profiles = path / "profiles"
        self.envs.mkdir()
        self.profiles.mkdir()

    def env(self, name: str, text: str) -> Path:
        path = self.envs / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def profile(self, name: str, text: str) -> Path:
        path = self.profiles / f"{name}.yaml"
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path


@pytest.fixture
def project(tmp_path: Path) -> ProjectRoot:
    return ProjectRoot(tmp_path)
