"""The Locust runner: statistics parsing, and one short real run against a local server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from golive.loadgen.runner import parse_stats, run_locust
from golive.probes.latency import summarize_histogram

LOCUST_JSON = [
    {"name": "http://127.0.0.1:9/ok", "method": "GET", "num_requests": 16, "num_failures": 0,
     "response_times": {"1": 12, "2": 1, "3": 1, "7": 1, "130": 1}},
    {"name": "http://127.0.0.1:9/fail", "method": "GET", "num_requests": 4, "num_failures": 4,
     "response_times": {"1": 4}},
]


def test_stats_are_merged_across_endpoints():
    run = parse_stats(LOCUST_JSON, users=2)
    assert (run.requests, run.failures, run.response_times["1"]) == (20, 4, 16)
    summary = summarize_histogram(run.response_times, run.requests, run.failures)
    assert (summary.p50_ms, summary.p95_ms, summary.error_rate) == (1, 7, 0.2)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200 if self.path.startswith("/ok") else 500)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_real_locust_run_counts_requests_and_failures(local_server, tmp_path):
    run = run_locust([f"{local_server}/ok?q=1", f"{local_server}/fail"], users=2, spawn_rate=10, duration_s=2,
                     workdir=tmp_path)
    by_name = {endpoint.name: endpoint for endpoint in run.endpoints}
    assert by_name[f"{local_server}/ok"].failures == 0 < by_name[f"{local_server}/ok"].requests
    assert by_name[f"{local_server}/fail"].failures == by_name[f"{local_server}/fail"].requests > 0
