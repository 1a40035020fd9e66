"""Save each system's API description as the system serves it: what `golive init` starts from.

    PYTHONPATH=. .venv/bin/python -m conformance.describe [SYSTEM ...]

Installs (cached) and starts each system with `api_description` in its system.yaml as the tier
does, runs its seed, fetches `api_description.path` and writes the answer unchanged to
`conformance/<system>/<api_description.file>` (or runs the framework's own generator,
`api_description.command`, which writes that file). Systems without one (they publish none) keep a
hand-written `openapi.yaml` beside their profile.
"""

from __future__ import annotations

import re
import sys

import httpx

from conformance.runner import ROOT, Server, TierError, env_values, install, run_quietly, say
from conformance.systems import discover, load_system

FETCH_TIMEOUT_S = 30.0


def describe(name: str) -> None:
    folder = ROOT / "conformance" / name
    system = load_system(folder)
    if system.api_description is None:
        say(f"{name}: publishes no API description (hand-written: {folder / 'openapi.yaml'})")
        return
    spec = system.api_description
    values = env_values(folder, system)
    headers = {key: re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), ""), value)
               for key, value in spec.headers.items()}
    server = Server(system, folder, install(system), "describe", {})
    if spec.command:
        run_quietly(server.argv(spec.command), cwd=folder, env=server.env, timeout=FETCH_TIMEOUT_S,
                    what=f"{name}: describe", log=server.log)
        say(f"{name}: {' '.join(spec.command)} wrote {folder / spec.file}")
        return
    try:
        server.start()
        server.seed(values)
        answer = httpx.get(server.url + spec.path, headers=headers, timeout=FETCH_TIMEOUT_S)
        if answer.status_code != 200:
            raise TierError(f"{name}: GET {spec.path} answered HTTP {answer.status_code}")
        (folder / spec.file).write_bytes(answer.content)
        say(f"{name}: saved {spec.path} to {folder / spec.file} ({len(answer.content)} bytes)")
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    for name in argv or discover(ROOT):
        describe(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
