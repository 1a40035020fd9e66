"""A warm start for golive runs of the selftest: ``python -m selftest.forkserver``.

The fault matrix runs golive once per fault, two hundred times; most of each run used to be the
interpreter importing pytest, its plugins, golive and the fixtures. This process imports them
once, then forks one child per request: each child is a fresh ``pytest.main`` with its own
environment, working directory and output file, exactly like a new ``python -m pytest``
(nothing of one run reaches the next: each is its own process).

Protocol: one JSON line per request on stdin ``{"id", "args", "env", "cwd", "output"}``; one JSON
line per answer on stdout, carrying the request's id: ``{"id", "pid"}`` when the child starts, then
``{"id", "exit"}`` when it ends.
"""

from __future__ import annotations

import json
import os
import sys

import pytest

WARM = ("golive.plugin", "golive.auth", "golive.aws", "fixtures.http", "fixtures.auth", "fixtures.storage",
        "fixtures.release", "allure_pytest.plugin", "pytest_playwright.pytest_playwright", "xdist.plugin")


def warm_up() -> None:
    for name in WARM:
        __import__(name)


def child(request: dict[str, object]) -> None:
    """Become one golive run; never returns."""
    code = 70
    try:
        os.environ.clear()
        os.environ.update(request["env"])  # type: ignore[arg-type]
        os.chdir(str(request["cwd"]))
        output = os.open(str(request["output"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(output, 1)
        os.dup2(output, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        code = int(pytest.main(list(request["args"])))  # type: ignore[arg-type]
    except BaseException as error:  # noqa: BLE001 (the run's own outcome is its exit status)
        print(f"selftest.forkserver: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    warm_up()
    answers = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            child(request)
        answers.write(json.dumps({"id": request.get("id"), "pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"id": request.get("id"), "exit": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
