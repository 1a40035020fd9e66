"""Command line: ``python -m sandbox [serve|faults]``.

    python -m sandbox                                   standalone demo on 127.0.0.1:8780
    python -m sandbox serve --host 127.0.0.1 --port N   what golive starts
    python -m sandbox serve --fd N                      serve on an inherited, bound socket
    python -m sandbox serve --fd N --tls-fd T --redirect-fd R
                                                        plus HTTPS on T and an HTTP->HTTPS redirect on R
    python -m sandbox faults [--json]                   the fault catalog

Exit codes: 0 after a clean shutdown, 2 for a usage or configuration error, 3 when start-up
failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.faults import CATALOG
from sandbox.settings import STANDALONE_DEFAULTS, ConfigError, Settings

PARENT_POLL_S = 1.0
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
EXIT_CONFIG = 2
EXIT_STARTUP = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="golive's reference target system.")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the sandbox (configuration from SANDBOX_* env vars)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--port", type=int, default=None, help=f"TCP port (default {DEFAULT_PORT}; 0 = any free port)")
    where.add_argument("--fd", type=int, default=None, help="an inherited socket, already bound (and maybe listening)")
    serve.add_argument("--tls-fd", type=int, default=None,
                       help="an inherited socket for HTTPS (certificates made at start, CA in SANDBOX_STATE_DIR/tls)")
    serve.add_argument("--redirect-fd", type=int, default=None,
                       help="an inherited socket for plain HTTP that redirects to the HTTPS socket (needs --tls-fd)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    faults = commands.add_parser("faults", help="list the fault catalog")
    faults.add_argument("--json", action="store_true", help="machine-readable: [{name, description, checks[, env][, args]}] (env: the golive env, default local; args: golive arguments the fault needs, e.g. an observation window)")
    return parser


def print_faults(as_json: bool) -> None:
    faults = sorted(CATALOG.values(), key=lambda f: f.name)
    if as_json:
        print(json.dumps([f.as_json() for f in faults], indent=2))
        return
    name_width = max(len(f.name) for f in faults)
    checks_width = max(len(", ".join(f.checks)) for f in faults)
    print(f"{'FAULT'.ljust(name_width)}  {'CHECKS'.ljust(checks_width)}  DESCRIPTION")
    indent = " " * (name_width + checks_width + 4)
    for fault in faults:
        lines = textwrap.wrap(fault.description, width=max(40, 120 - len(indent)), break_on_hyphens=False) or [""]
        print(f"{fault.name.ljust(name_width)}  {', '.join(fault.checks).ljust(checks_width)}  {lines[0]}")
        for line in lines[1:]:
            print(indent + line)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def _inherited(fd: int) -> socket.socket:
    # socket.socket(fileno=...) detects the family (uvicorn's own fd= path assumes AF_UNIX)
    sock = socket.socket(fileno=fd)
    if sock.type != socket.SOCK_STREAM:
        raise ConfigError(f"--fd {fd} is not a stream socket")
    return sock


def serve(env: Mapping[str, str], host: str, port: int | None, fd: int | None, log_level: str,
          banner: bool = False, tls_fd: int | None = None, redirect_fd: int | None = None) -> int:
    try:  # before the heavy imports: a configuration error answers at once
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    import uvicorn  # imported late: `faults` and config errors need no server stack

    from sandbox.app import create_app
    from sandbox.logs import configure_stderr_logging, uvicorn_log_config

    configure_stderr_logging(log_level)
    try:
        sock = _inherited(fd) if fd is not None else _bind(host, DEFAULT_PORT if port is None else port)
        if redirect_fd is not None and tls_fd is None:
            raise ConfigError("--redirect-fd needs --tls-fd (it redirects to the HTTPS socket)")
        extra = {name: _inherited(number) for name, number in (("tls", tls_fd), ("redirect", redirect_fd))
                 if number is not None}
    except (ConfigError, OSError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    bound_host, bound_port = sock.getsockname()[:2]
    settings = settings.with_port(bound_host, bound_port)
    try:
        app = create_app(settings)
    except ConfigError as exc:
        sock.close()
        print(f"sandbox: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    if banner:
        _print_banner(settings)
    config = uvicorn.Config(
        app,
        log_config=uvicorn_log_config(log_level),
        log_level=log_level,
        access_log=False,  # our middleware writes one JSON line per request, with its id
        server_header=False,
        date_header=True,
        proxy_headers=False,  # never trust X-Forwarded-For: rate limits key on the real peer
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    followers = []
    if extra:
        from sandbox.transport import extra_listeners

        try:
            followers = extra_listeners(app, server, extra, _state_dir(env), settings.faults, log_level)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"sandbox: {exc}", file=sys.stderr)
            return EXIT_STARTUP
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the handler
    # that was installed before it: make that a clean exit (0), not "killed by SIGTERM".
    signal.signal(signal.SIGTERM, _exit_cleanly)
    _stop_when_parent_dies(env.get("SANDBOX_PARENT_PID"))
    try:
        if followers:
            from sandbox.transport import serve_together

            asyncio.run(serve_together(server, sock, followers))
        else:
            server.run(sockets=[sock])
    except (KeyboardInterrupt, _CleanExit):
        pass
    return 0 if server.started else EXIT_STARTUP


class _CleanExit(Exception):
    pass


def _stop_when_parent_dies(parent: str | None) -> None:
    """A sandbox started for a test run must not outlive it, even when the run is killed outright."""
    if not parent or not parent.isdigit():
        return

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            try:
                os.kill(int(parent), 0)
            except ProcessLookupError:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            except PermissionError:  # alive, owned by someone else
                continue

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _state_dir(env: Mapping[str, str]) -> Path:
    """Where the local CA and the stand-in repository go (golive names it; else a temp dir)."""
    return Path(env.get("SANDBOX_STATE_DIR") or tempfile.mkdtemp(prefix="sandbox-state-"))


def _exit_cleanly(signum: int, frame: object) -> None:
    raise _CleanExit()


def _print_banner(settings: Settings) -> None:
    port = settings.port
    faults = ", ".join(settings.faults.names) or "none"
    print(
        textwrap.dedent(
            f"""\
            golive sandbox ({settings.flavor}) on http://127.0.0.1:{port}
              health      http://127.0.0.1:{port}/health/ready
              API login   POST http://127.0.0.1:{port}/api/auth/login  {{"username", "password"}}
              admin page  http://localhost:{port}/admin/login
              demo users  admin, manager, cashier; passwords from SANDBOX_ADMIN_PASSWORD,
                          SANDBOX_MANAGER_PASSWORD, SANDBOX_CASHIER_PASSWORD (defaults: sandbox/README.md)
              faults      {faults}   (catalog: python -m sandbox faults)
            Ctrl+C stops it; the database is removed on exit."""
        ),
        flush=True,
    )


def standalone_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for plain ``python -m sandbox``: demo defaults for what is not set."""
    env = dict(environ)
    for name, value in STANDALONE_DEFAULTS.items():
        env.setdefault(name, value)
    env.setdefault("SANDBOX_JWT_SECRET", secrets.token_urlsafe(48))
    return env


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "faults":
        print_faults(args.json)
        return 0
    if args.command == "serve":
        return serve(os.environ, args.host, args.port, args.fd, args.log_level,
                     tls_fd=args.tls_fd, redirect_fd=args.redirect_fd)
    return serve(standalone_env(os.environ), DEFAULT_HOST, DEFAULT_PORT, None, "info", banner=True)


if __name__ == "__main__":
    sys.exit(main())
