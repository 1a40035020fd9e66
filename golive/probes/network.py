"""Inbound network exposure: ports that must be closed on a public host (database, cache,
internal service ports) are probed with one bounded TCP connect each; nothing is sent.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from golive.probes.findings import Finding

OPEN, REFUSED, FILTERED, UNREACHABLE = "open", "refused", "filtered", "unreachable"


@dataclass(frozen=True)
class PortState:
    port: int
    state: str  # OPEN, REFUSED (RST), FILTERED (no answer in time), UNREACHABLE (no route)
    detail: str = ""


def probe_port(host: str, port: int, timeout_s: float) -> PortState:
    """One TCP connect, closed straight away: RST is refused, silence is filtered (both closed)."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return PortState(port, OPEN)
    except ConnectionRefusedError:
        return PortState(port, REFUSED)
    except TimeoutError:  # socket.timeout: a security group drops the SYN
        return PortState(port, FILTERED, f"no answer within {timeout_s} s")
    except OSError as error:
        if error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return PortState(port, UNREACHABLE, error.strerror or "")
        raise


def probe_ports(host: str, ports: Iterable[int], timeout_s: float,
                connect: Callable[[str, int, float], PortState] = probe_port) -> list[PortState]:
    return [connect(host, port, timeout_s) for port in ports]


def evaluate_closed_ports(host: str, states: Iterable[PortState]) -> list[Finding]:
    """Every port that accepted a connection is a finding: the security group lets the world in."""
    return [
        Finding("network-port-open", f"{host}:{state.port} refused or filtered (closed to the internet)",
                f"{host}:{state.port} accepted a TCP connection",
                f"remove the inbound rule that opens port {state.port} to the public (security group / firewall): "
                "databases, caches and service ports must only be reachable from inside the VPC")
        for state in states if state.state == OPEN
    ]


def unanswered(states: Iterable[PortState]) -> list[PortState]:
    """Ports that should answer but do not: the host is wrong or down, so closed ports prove nothing."""
    return [state for state in states if state.state != OPEN]
