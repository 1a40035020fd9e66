"""Ports a misconfigured security group exposes: under a fault the sandbox listens on the
stand-in port of a database (or Redis) on the public address, accepting and closing connections,
for as long as it runs. The port numbers come from golive (SANDBOX_DB_PUBLIC_PORT,
SANDBOX_REDIS_PUBLIC_PORT): free ports nothing else uses.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from sandbox.logs import get_logger, log
from sandbox.settings import Settings

# fault name -> the variable naming the port it opens
EXPOSURES: dict[str, str] = {
    "database_port_public": "SANDBOX_DB_PUBLIC_PORT",
    "redis_port_public": "SANDBOX_REDIS_PUBLIC_PORT",
}


class ExposedPort:
    """A TCP listener that accepts every connection and closes it (like a server's banner-less refusal)."""

    def __init__(self, host: str, port: int) -> None:
        self.listener = socket.create_server((host, port), reuse_port=False)
        self.listener.settimeout(0.2)  # lets the thread notice close()
        self.port = self.listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"exposed-port-{self.port}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            connection.close()

    def close(self) -> None:
        self._stopped.set()
        self.listener.close()
        self._thread.join(timeout=2)


def open_exposed_ports(settings: Settings) -> list[ExposedPort]:
    """The listeners the active faults call for (a fault without its port variable opens nothing)."""
    opened = []
    for fault, variable in EXPOSURES.items():
        port = settings.feature_env.get(variable)
        if settings.faults.active(fault) and port:
            opened.append(ExposedPort("127.0.0.1", int(port)))
    return opened


def build_router(settings: Settings) -> APIRouter:
    logger = get_logger("network")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = open_exposed_ports(settings)
        for exposed in opened:
            log(logger, logging.WARNING, "port open to the public", port=exposed.port)
        try:
            yield
        finally:
            for exposed in opened:
                exposed.close()

    return APIRouter(lifespan=lifespan)
