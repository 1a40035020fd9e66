"""How many lines of each system's profile were edited by hand after `golive init` wrote it.

    PYTHONPATH=. .venv/bin/python -m conformance.init_edits [SYSTEM ...]

For each system, `golive init --yes` runs on the system's own API description (`api_description.file`
in system.yaml) or, where it publishes none, the short `openapi.yaml` beside its profile, with the
answers a user gives init about the system (system.yaml's `init`: `absent` sections, the `login`
the description does not say, more `roles`), into a
temporary folder; the committed profile.yaml is compared with what init wrote. Counted: the lines
of the committed profile that init did not write (added or changed), comment lines aside, since
init's comments name the checks each section feeds and change whenever a check is added.
"""

from __future__ import annotations

import difflib
import io
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

from conformance.systems import discover, load_system

ROOT = Path(__file__).resolve().parent.parent


def description_of(name: str) -> Path:
    folder = ROOT / "conformance" / name
    spec = load_system(folder).api_description
    return folder / (spec.file if spec else "openapi.yaml")


def init_arguments(name: str) -> list[str]:
    """The answers given to `golive init` for the system (system.yaml's `init`), as its arguments."""
    answers = load_system(ROOT / "conformance" / name).init
    return [*(["--absent", ",".join(answers.absent)] if answers.absent else []),
            *(["--login", answers.login] if answers.login else []),
            *(["--roles", ",".join(answers.roles)] if answers.roles else [])]


def generated_profile(name: str) -> str:
    """The profile `golive init --yes` writes from the system's description and its init answers."""
    from golive import cli

    with tempfile.TemporaryDirectory(prefix="golive-init-") as out, redirect_stdout(io.StringIO()):
        code = cli.main(["--root", str(ROOT), "init", name, "--openapi", str(description_of(name)),
                         "--base-url", "http://127.0.0.1:1", "--yes", "--profiles-dir", out, "--envs-dir", out,
                         *init_arguments(name)])
        if code != 0:
            raise RuntimeError(f"golive init {name} exited {code}")
        return (Path(out) / f"{name}.yaml").read_text(encoding="utf-8")


def _settings(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def hand_edited_lines(name: str) -> list[str]:
    """The committed profile's lines init did not write (comment lines aside)."""
    committed = (ROOT / "conformance" / name / "profile.yaml").read_text(encoding="utf-8")
    diff = difflib.ndiff(_settings(generated_profile(name)), _settings(committed))
    return [line[2:] for line in diff if line.startswith("+ ")]


def main(argv: list[str]) -> int:
    print("| system | description init read | sections declared absent | lines edited by hand |")
    print("|---|---|---|---|")
    for name in argv or discover(ROOT):
        source = description_of(name).relative_to(ROOT / "conformance" / name)
        absent = load_system(ROOT / "conformance" / name).init.absent
        print(f"| {name} | `{source}` | {len(absent)} | {len(hand_edited_lines(name))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
