"""The conformance tier: golive against real open-source servers, unmodified.

    scripts/conformance [SYSTEM ...]

For each system (``conformance/<system>/``): install it into a cached venv under
``.conformance/<system>/`` (rebuilt only when the install spec changes), start it on a free
127.0.0.1 port, wait for readiness (bounded), seed its throwaway accounts through its own API or
CLI, run golive on the default configuration and once per misconfiguration (a fresh server and
data directory each time), stop it (process group), and write ``reports/conformance.json``.
Exit status 1 when a failed check is not an expected true finding, an expected finding was not
reported, or a misconfiguration was not caught; 2 when a system could not be installed or started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from dotenv import dotenv_values

from conformance.judge import failures, judge_default, judge_misconfiguration, status_counts
from conformance.systems import (
    Misconfiguration,
    System,
    SystemDefinitionError,
    discover,
    install_key,
    load_expected,
    load_system,
)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".conformance"
REPORTS = ROOT / "reports"
INSTALL_TIMEOUT_S = 900
PREPARE_TIMEOUT_S = 120
SEED_TIMEOUT_S = 120
DOCTOR_TIMEOUT_S = 120
STOP_GRACE_S = 10


class TierError(Exception):
    """A system could not be installed, started or seeded: the tier cannot judge golive on it."""


def say(message: str) -> None:
    print(f"conformance: {message}", file=sys.stderr, flush=True)


def run_quietly(argv: list[str], *, cwd: Path, env: dict[str, str] | None, timeout: float, what: str,
                log: Path) -> None:
    """Run a setup command; its output goes to ``log`` and is shown only when it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            done = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise TierError(f"{what}: no answer within {timeout:.0f} s ({' '.join(argv)}); log: {log}") from error
        except OSError as error:
            raise TierError(f"{what}: cannot run {argv[0]} ({error.strerror})") from error
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise TierError(f"{what}: exit {done.returncode} ({' '.join(argv)}); log {log}:\n" + "\n".join(tail))


# ---------------------------------------------------------------------------------------- install


def machine_python() -> str:
    return shutil.which("python3") or sys.executable


def python_version(python: str) -> str:
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True,
                          text=True, timeout=30, check=True).stdout.strip()


@dataclass
class Installed:
    venv: Path
    node_modules: Path
    fresh: bool


def install(system: System) -> Installed:
    """The system's venv (and node_modules), reused while its install spec is unchanged."""
    python = machine_python()
    key = install_key(system.install, python_version(python))
    home = CACHE / system.name
    target = home / f"install-{key}"
    stamp = target / ".complete"
    installed = Installed(venv=target / "venv", node_modules=target / "node_modules", fresh=False)
    if stamp.is_file():
        return installed
    for stale in home.glob("install-*"):
        shutil.rmtree(stale, ignore_errors=True)
    target.mkdir(parents=True)
    log = home / "install.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    if system.install.pip:
        run_quietly([python, "-m", "venv", str(installed.venv)], cwd=ROOT, env=env, timeout=120,
                    what=f"{system.name}: venv", log=log)
        run_quietly([str(installed.venv / "bin" / "python"), "-m", "pip", "install", "-q", *system.install.pip],
                    cwd=ROOT, env=env, timeout=INSTALL_TIMEOUT_S, what=f"{system.name}: pip install", log=log)
    if system.install.npm:
        npm = shutil.which("npm")
        if not npm:
            raise TierError(f"{system.name}: npm is not installed (scripts/install installs it)")
        (target / "package.json").write_text(json.dumps({"name": f"conformance-{system.name}", "private": True}))
        env.update(npm_config_loglevel="error", npm_config_fund="false", npm_config_audit="false",
                   npm_config_update_notifier="false")
        run_quietly([npm, "install", "--no-save", *system.install.npm], cwd=target, env=env,
                    timeout=INSTALL_TIMEOUT_S, what=f"{system.name}: npm install", log=log)
    stamp.write_text(key + "\n")
    installed.fresh = True
    return installed


# ------------------------------------------------------------------------------------------ serve


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def die_with_parent() -> None:
    """In the server's child process, before exec: SIGTERM when the tier dies, even by SIGKILL, so
    no server outlives a killed run (Linux's PR_SET_PDEATHSIG; elsewhere the tier's own stop)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Server:
    """One server process in its own process group, stopped with the whole group."""

    def __init__(self, system: System, folder: Path, installed: Installed, run: str,
                 extra_env: dict[str, str]) -> None:
        self.system = system
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = CACHE / system.name / "data" / run
        self.log = CACHE / system.name / "logs" / f"{run}.log"
        self.placeholders = {
            "venv": str(installed.venv), "node_modules": str(installed.node_modules), "port": str(self.port),
            "data": str(self.data), "system_dir": str(folder), "python": sys.executable,
        }
        self.env = {**os.environ, **{k: fill(v, self.placeholders) for k, v in system.start.env.items()},
                    **{k: fill(v, self.placeholders) for k, v in extra_env.items()}}
        self.process: subprocess.Popen[bytes] | None = None

    def argv(self, command: list[str]) -> list[str]:
        return [fill(part, self.placeholders) for part in command]

    def start(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.unlink(missing_ok=True)
        for command in self.system.start.prepare:
            run_quietly(self.argv(command), cwd=self.folder, env=self.env, timeout=PREPARE_TIMEOUT_S,
                        what=f"{self.system.name}: prepare", log=self.log)
        out = self.log.open("ab")
        try:
            self.process = subprocess.Popen(self.argv(self.system.start.command), cwd=self.folder, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, preexec_fn=die_with_parent)
        except OSError as error:
            raise TierError(f"{self.system.name}: cannot start {self.system.start.command[0]} ({error.strerror})") from error
        finally:
            out.close()
        self.wait_ready()

    def wait_ready(self) -> None:
        ready = self.system.ready
        url = self.url + ready.path
        deadline = time.monotonic() + ready.timeout_s
        last = "no answer"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise TierError(f"{self.system.name}: the server exited with {self.process.returncode} before "
                                    f"it was ready; log {self.log}:\n{self.log_tail()}")
                try:
                    status = client.get(url).status_code
                    if status == ready.status:
                        return
                    last = f"HTTP {status}"
                except httpx.HTTPError as error:
                    last = type(error).__name__
                time.sleep(0.25)  # polling a starting server: nothing to wait on but its port
        raise TierError(f"{self.system.name}: GET {url} did not answer {ready.status} within {ready.timeout_s:.0f} s "
                        f"(last: {last}); log {self.log}:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        except OSError:
            return "(no log)"

    def seed(self, env_values: dict[str, str]) -> None:
        env = {**self.env, **env_values, "GOLIVE_TARGET_URL": self.url}
        for command in self.system.seed:
            run_quietly(self.argv(command), cwd=self.folder, env=env, timeout=SEED_TIMEOUT_S,
                        what=f"{self.system.name}: seed", log=self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, STOP_GRACE_S)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


# ----------------------------------------------------------------------------------------- golive


def run_golive(system: System, folder: Path, server: Server, run: str, checks: list[str]) -> dict[str, Any]:
    """One golive run: the system's selection, or only ``checks`` when given."""
    reports = REPORTS / "conformance" / system.name / run
    shutil.rmtree(reports, ignore_errors=True)
    argv = [
        str(ROOT / ".venv" / "bin" / "pytest"), "--env", system.name, "--envs-dir", str(folder),
        "--reports-dir", str(reports), "-m", system.select, "-p", "no:cacheprovider", "-q", "--durations=12",
        *(argument for check in checks for argument in ("--check", check)),
    ]
    env = {**os.environ, system.url_var: server.url, "PYTHONPATH": str(ROOT)}
    log = reports / "golive.log"
    reports.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("wb") as out:
        try:
            done = subprocess.run(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=system.golive_timeout_s, check=False)
        except subprocess.TimeoutExpired as error:
            raise TierError(f"{system.name}/{run}: golive did not finish within {system.golive_timeout_s:.0f} s; "
                            f"log {log}") from error
    verdict = reports / "verdict.json"
    if not verdict.is_file():
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise TierError(f"{system.name}/{run}: golive exited {done.returncode} without a verdict; log {log}:\n{tail}")
    document = json.loads(verdict.read_text(encoding="utf-8"))
    document["_duration_s"] = round(time.monotonic() - started, 1)
    document["_reports"] = str(reports.relative_to(ROOT))
    return document


def run_doctor(system: System, folder: Path, server: Server) -> dict[str, Any]:
    """`golive doctor` against the started system (read-only): the env is ready for a first run."""
    argv = [str(ROOT / ".venv" / "bin" / "golive"), "doctor", "--env", system.name, "--envs-dir", str(folder)]
    env = {**os.environ, system.url_var: server.url, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=DOCTOR_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise TierError(f"{system.name}: golive doctor did not finish within {DOCTOR_TIMEOUT_S:.0f} s") from error
    problems = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("✗")]
    return {"exit": done.returncode, "problems": problems}


def serve_and_check(system: System, folder: Path, installed: Installed, run: str,
                    extra_env: dict[str, str], env_values: dict[str, str], checks: list[str],
                    doctor: bool = False) -> dict[str, Any]:
    server = Server(system, folder, installed, run, extra_env)
    started = time.monotonic()
    try:
        server.start()
        server.seed(env_values)
        doctored = run_doctor(system, folder, server) if doctor else None
        started_golive = time.monotonic()
        document = run_golive(system, folder, server, run, checks)
        document["_setup_s"] = round(started_golive - started, 1)
        if doctored is not None:
            document["_doctor"] = doctored
        return document
    finally:
        server.stop()


def env_values(folder: Path, system: System) -> dict[str, str]:
    values = dotenv_values(folder / f"{system.name}.env")
    return {key: value or "" for key, value in values.items()}


def check_system(name: str, full_misconfigurations: bool) -> dict[str, Any]:
    folder = ROOT / "conformance" / name
    system = load_system(folder)
    expected = load_expected(folder).findings
    started = time.monotonic()
    installed = install(system)
    say(f"{name}: {'installed' if installed.fresh else 'install cached'} in {time.monotonic() - started:.1f} s")
    values = env_values(folder, system)

    document = serve_and_check(system, folder, installed, "default", {}, values, [], doctor=True)
    default = judge_default(failures(document["checks"]), expected)
    doctored = document["_doctor"]
    say(f"{name}/doctor: exit {doctored['exit']}" + "".join(f"\n  DOCTOR {line}" for line in doctored["problems"]))
    say(f"{name}/default: {document['decision']}, {status_counts(document['checks'])}, "
        f"{len(default.true_findings)} true findings, {len(default.false_findings)} false findings, "
        f"{len(default.missed)} expected findings not reported (setup {document['_setup_s']} s, golive "
        f"{document['_duration_s']} s)")
    for failure in default.false_findings:
        say(f"  FALSE FINDING {failure.label}: {failure.title}: {failure.message.splitlines()[0] if failure.message else ''}")
    for finding in default.missed:
        say(f"  NOT REPORTED {finding.check}{'[' + finding.param + ']' if finding.param else ''}: {finding.evidence}")

    results = []
    for misconfiguration in system.misconfigurations:
        results.append(check_misconfiguration(system, folder, installed, misconfiguration, expected, values,
                                              full_misconfigurations))

    return {
        "name": system.name,
        "login": system.login,
        "default": {
            "failed": [f.label for f in default.failed],
            "true_findings": [f.label for f in default.true_findings],
            "false_findings": [f.as_json() for f in default.false_findings],
            "expected_not_reported": [f.check + (f"[{f.param}]" if f.param else "") for f in default.missed],
            "counts": status_counts(document["checks"]),
            "decision": document["decision"],
            "reports": document["_reports"],
            "setup_s": document["_setup_s"],
            "golive_s": document["_duration_s"],
        },
        "doctor": doctored,
        "misconfigurations": results,
        "duration_s": round(time.monotonic() - started, 1),
        "ok": default.ok and doctored["exit"] == 0 and all(r["ok"] for r in results),
    }


def check_misconfiguration(system: System, folder: Path, installed: Installed, misconfiguration: Misconfiguration,
                           expected: list[Any], values: dict[str, str], full: bool) -> dict[str, Any]:
    run = misconfiguration.name
    # The default run proves golive claims nothing false on this system; a misconfiguration run
    # proves the setting is caught, so it runs the checks named for it (full: the whole selection,
    # to see everything else the setting makes fail)
    checks = [] if full else misconfiguration.checks
    document = serve_and_check(system, folder, installed, run, misconfiguration.env, values, checks)
    judgement = judge_misconfiguration(misconfiguration, failures(document["checks"]), expected)
    say(f"{system.name}/{run}: {'caught' if judgement.caught else 'MISSED ' + ', '.join(judgement.missed_checks)}"
        f"{'' if not judgement.unexplained else ', unexplained failures: ' + ', '.join(f.label for f in judgement.unexplained)}"
        f" (setup {document['_setup_s']} s, golive {document['_duration_s']} s)")
    for failure in judgement.unexplained:
        say(f"  UNEXPLAINED {failure.label}: {failure.title}: {failure.message.splitlines()[0] if failure.message else ''}")
    return {
        "name": misconfiguration.name,
        "expected_checks": judgement.expected_checks,
        "caught": judgement.caught,
        "missed_checks": judgement.missed_checks,
        "unexplained_failures": [f.as_json() for f in judgement.unexplained],
        "checks": misconfiguration.checks if not full else "all selected",
        "counts": status_counts(document["checks"]),
        "reports": document["_reports"],
        "setup_s": document["_setup_s"],
        "golive_s": document["_duration_s"],
        "ok": judgement.ok,
    }


def interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # a SIGTERM (CI stopping the job) stops the servers like Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, interrupted)
    parser = argparse.ArgumentParser(prog="scripts/conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("systems", nargs="*", metavar="SYSTEM", help="systems to run (default: all in conformance/)")
    parser.add_argument("--full-misconfigurations", action="store_true",
                        help="run the whole selection on each misconfiguration, not only the checks named for it")
    args = parser.parse_args(argv)
    known = discover(ROOT)
    unknown = [name for name in args.systems if name not in known]
    if unknown:
        say(f"unknown system(s) {', '.join(unknown)}; systems: {', '.join(known) or 'none'}")
        return 4
    names = args.systems or known
    started = time.monotonic()
    systems: list[dict[str, Any]] = []
    status = 0
    try:
        for name in names:
            try:
                result = check_system(name, args.full_misconfigurations)
            except (TierError, SystemDefinitionError) as error:
                say(f"{name}: {error}")
                systems.append({"name": name, "error": str(error), "ok": False})
                status = max(status, 2)
                continue
            systems.append(result)
            if not result["ok"]:
                status = max(status, 1)
    except KeyboardInterrupt:
        say("interrupted: servers stopped")
        status = 130
    report = {"systems": systems, "duration_s": round(time.monotonic() - started, 1)}
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "conformance.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    ok = sum(1 for s in systems if s.get("ok"))
    say(f"{ok}/{len(systems)} systems conform in {report['duration_s']} s: reports/conformance.json")
    # one closing line CI reads like a test runner's: each system is one test
    print(f"conformance: {ok} passed, {len(systems) - ok} failed", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
