"""Every shipped profile loads from its example envs once the secrets are filled in."""

from __future__ import annotations

from pathlib import Path

import pytest

from golive.config import ConfigurationError, load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "envs").glob("*.env.example"))


def test_every_profile_has_staging_and_production_examples():
    profiles = {path.stem for path in (ROOT / "profiles").glob("*.yaml")}
    for profile in {name for name in profiles if not name.startswith("sandbox")}:  # local sandboxes only
        assert (ROOT / "envs" / f"{profile}-staging.env.example").is_file()
        assert (ROOT / "envs" / f"{profile}-prod.env.example").is_file()


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_env_loads_its_profile_when_filled_in(example: Path, tmp_path: Path):
    name = example.name.removesuffix(".env.example")
    filled = [line + "filled-in-secret" if line.endswith("=") else line for line in example.read_text().splitlines()]
    (tmp_path / f"{name}.env").write_text("\n".join(filled) + "\n")
    settings = load_settings(name, ROOT, envs_dir=tmp_path, environ={})
    assert settings.kind in ("staging", "production") and not settings.sandbox


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_env_left_empty_names_every_missing_secret(example: Path, tmp_path: Path):
    name = example.name.removesuffix(".env.example")
    blanks = [line.rstrip("=") for line in example.read_text().splitlines() if line.endswith("=")]
    (tmp_path / f"{name}.env").write_text(example.read_text())
    if not blanks:
        return
    with pytest.raises(ConfigurationError) as raised:
        load_settings(name, ROOT, envs_dir=tmp_path, environ={})
    assert all(f"${{{blank}}}" in str(raised.value) for blank in blanks)
