"""Run the Locust scenario headless as a subprocess and read its final per-endpoint statistics."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
#: start-up and shutdown of the Locust process on top of the run's own duration
OVERHEAD_S = 30


class LoadRunError(Exception):
    """Locust could not run or left no statistics: the load was not measured (broken, not failed)."""


@dataclass(frozen=True)
class EndpointStats:
    name: str
    requests: int
    failures: int
    response_times: dict[str, int]  # rounded ms -> count


@dataclass(frozen=True)
class LoadRun:
    users: int
    endpoints: list[EndpointStats]

    @property
    def requests(self) -> int:
        return sum(e.requests for e in self.endpoints)

    @property
    def failures(self) -> int:
        return sum(e.failures for e in self.endpoints)

    @property
    def response_times(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for endpoint in self.endpoints:
            for value, count in endpoint.response_times.items():
                merged[value] = merged.get(value, 0) + count
        return merged


def locust_command() -> list[str]:
    found = shutil.which("locust", path=str(Path(sys.executable).parent)) or shutil.which("locust")
    if not found:
        raise LoadRunError("locust is not installed: pip install 'golive[load]'")
    return [found]


def parse_stats(entries: list[dict[str, Any]], users: int) -> LoadRun:
    return LoadRun(users, [
        EndpointStats(str(e["name"]), int(e["num_requests"]), int(e["num_failures"]),
                      {str(k): int(v) for k, v in (e.get("response_times") or {}).items()})
        for e in entries if e.get("name") != "Aggregated"
    ])


def run_locust(urls: list[str], *, users: int, spawn_rate: float, duration_s: int, workdir: Path) -> LoadRun:
    """``users`` concurrent users for ``duration_s`` seconds over ``urls``; their statistics."""
    workdir.mkdir(parents=True, exist_ok=True)
    stats_base = workdir / f"locust-{users}u"
    first = urlsplit(urls[0])  # Locust wants a host; the scenario requests absolute URLs
    command = [
        *locust_command(), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn_rate),
        "-t", f"{duration_s}s", "--stop-timeout", "2", "--only-summary", "--json-file", str(stats_base),
        "--host", f"{first.scheme}://{first.netloc}", "--skip-log-setup", "--loglevel", "ERROR",
    ]
    env = {**os.environ, "GOLIVE_LOAD_URLS": json.dumps(urls)}
    try:
        finished = subprocess.run(command, env=env, cwd=workdir, capture_output=True, text=True,
                                  timeout=duration_s + OVERHEAD_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise LoadRunError(f"locust did not finish within {duration_s + OVERHEAD_S} s") from error
    stats_file = stats_base.with_suffix(".json")
    if not stats_file.is_file():
        raise LoadRunError(f"locust exited {finished.returncode} without statistics: {finished.stderr[-800:]}")
    run = parse_stats(json.loads(stats_file.read_text()), users)
    if run.requests == 0:
        raise LoadRunError(f"locust sent no requests in {duration_s} s: {finished.stderr[-800:]}")
    return run
