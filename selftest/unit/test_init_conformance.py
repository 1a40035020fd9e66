"""Each conformance system's profile is `golive init`'s output plus a counted number of hand edits.

`golive init --yes` runs on the system's own API description (or the short openapi.yaml beside the
profile of a system that publishes none), with the sections system.yaml's `init.absent` declares
absent; the lines of the committed profile init did not write are
counted, and the count must be the one conformance/README.md records (so the figures cannot drift).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.init_edits import ROOT, generated_profile, hand_edited_lines
from conformance.systems import discover
from golive.config import load_profile

README = ROOT / "conformance" / "README.md"


def recorded() -> dict[str, int]:
    """system -> lines edited by hand, from the README's table."""
    rows = re.findall(r"^\| (\S+) \| `[^`]+` \| \d+ \| (\d+) \|$", README.read_text(encoding="utf-8"), re.M)
    return {name: int(count) for name, count in rows}


@pytest.mark.parametrize("name", discover(ROOT))
def test_the_profile_is_inits_output_with_the_hand_edits_the_readme_records(name: str, tmp_path: Path):
    generated = tmp_path / "generated.yaml"
    text = generated_profile(name)
    generated.write_text(text, encoding="utf-8")
    stand_ins = {variable: "http://127.0.0.1:1" if variable == "APP_URL" else "stand-in"
                 for variable in re.findall(r"\$\{(\w+)\}", text)}
    profile, problems = load_profile(generated, stand_ins)
    assert problems == [] and profile is not None, problems  # init's own output loads as it is

    committed = ROOT / "conformance" / name / "profile.yaml"
    for variable in re.findall(r"\$\{(\w+)\}", committed.read_text(encoding="utf-8")):
        stand_ins.setdefault(variable, "stand-in")
    profile, problems = load_profile(committed, stand_ins)
    assert problems == [] and profile is not None, problems  # and so does the profile made from it

    edited = hand_edited_lines(name)
    assert name in recorded(), f"conformance/README.md records no hand-edit count for {name}"
    assert len(edited) == recorded()[name], (
        f"{name}: {len(edited)} lines differ from init's output, the README says {recorded()[name]} "
        "(PYTHONPATH=. .venv/bin/python -m conformance.init_edits recomputes the table):\n" + "\n".join(edited))
