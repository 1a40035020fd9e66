"""boto3 clients for checks (S3, X-Ray): the run's timeouts, no retries, and the run's reachability,
so a dead or black-holed endpoint costs one timeout per worker, as it does for HTTP and the browser."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from golive.http import Reachability


def aws_client(service: str, *, endpoint_url: object | None, region: str, access_key_id: str | None,
               secret_access_key: str | None, timeout_s: float, reachability: Reachability,
               **config: Any) -> Any:
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

    def refuse_known_dead(request: Any, **_: Any) -> None:
        reachability.check(request.url)

    def remember_dead(caught_exception: Exception | None = None, request_dict: Any = None, **_: Any) -> None:
        url = (request_dict or {}).get("url", "")
        if isinstance(caught_exception, (ConnectTimeoutError, ReadTimeoutError)):
            reachability.mark(url, f"no answer within {timeout_s:g} s")
        elif isinstance(caught_exception, EndpointConnectionError):
            reachability.mark(url, "connection refused")

    client.meta.events.register("before-send", refuse_known_dead)
    client.meta.events.register("needs-retry", remember_dead)
    return client
