"""boto3 clients for checks (S3, X-Ray): the run's timeouts, no retries, the run's reachability (a
dead or black-holed endpoint costs one timeout per worker, as it does for HTTP and the browser),
and the check's safety class (a readonly check's client refuses PutObject like HttpClient refuses POST)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from golive.http import Reachability
from golive.safety import guard

#: AWS operations that only read, whatever HTTP method their protocol uses (X-Ray reads with POST)
READ_OPERATIONS = ("Get", "List", "Head", "Describe", "BatchGet")


def aws_client(service: str, *, endpoint_url: object | None, region: str, access_key_id: str | None,
               secret_access_key: str | None, timeout_s: float, reachability: Reachability,
               safety: str, **config: Any) -> Any:
    client = boto3.client(
        service,
        endpoint_url=str(endpoint_url).rstrip("/") if endpoint_url else None,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        # one attempt: a refused request is the finding, not something to retry away
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=min(timeout_s, 5.0),
                      read_timeout=timeout_s, **config),
    )

    def refuse_known_dead_or_unsafe(request: Any, event_name: str = "", **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        guard(safety, request.method, request.url, "read" if operation.startswith(READ_OPERATIONS) else "write")
        reachability.check(request.url)

    def remember_dead(caught_exception: Exception | None = None, request_dict: Any = None, **_: Any) -> None:
        url = (request_dict or {}).get("url", "")
        if isinstance(caught_exception, (ConnectTimeoutError, ReadTimeoutError)):
            reachability.mark(url, f"no answer within {timeout_s:g} s")
        elif isinstance(caught_exception, EndpointConnectionError):
            reachability.mark(url, "connection refused")

    client.meta.events.register("before-send", refuse_known_dead_or_unsafe)
    client.meta.events.register("needs-retry", remember_dead)
    return client
