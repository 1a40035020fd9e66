"""golive.tls_scan against local endpoints: a closed port fails fast, once per run, as a scan error."""

from __future__ import annotations

import socket
import time

import pytest

from golive.tls_scan import TlsScanError, scan


def test_a_closed_port_is_a_scan_error_and_is_not_scanned_twice():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TlsScanError, match="cannot connect"):
        scan("localhost", port, ip_address="127.0.0.1", timeout_s=30)
    first = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(TlsScanError):
        scan("localhost", port, ip_address="127.0.0.1", timeout_s=30)
    assert time.monotonic() - started < max(0.05, first / 2)  # the failure was remembered


def test_a_missing_ca_bundle_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="transport.ca_file"):
        scan("localhost", 1, ip_address="127.0.0.1", ca_file=str(tmp_path / "none.pem"), timeout_s=5)
