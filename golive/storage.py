"""S3 calls made by checks: an S3 error answer becomes a failed check saying expected / found /
where / fix; an endpoint that does not answer is an environment problem (broken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from golive.http import origin_of
from golive.outcomes import CheckFailed, TargetUnreachable

#: what an S3 error code means for the app, and what to do about it
S3_FIXES: dict[str, str] = {
    "InvalidAccessKeyId": "the app's access key does not exist or was deactivated: deploy the current key",
    "SignatureDoesNotMatch": "the app's secret key does not match its access key id: deploy the matching pair",
    "AccessDenied": "grant the app's IAM role s3:ListBucket / GetObject / PutObject / DeleteObject on the bucket",
    "403": "grant the app's IAM role access to the bucket (and check its key is active)",
    "NoSuchBucket": "create the bucket in the expected region, or fix the bucket name in the configuration",
    "404": "create the bucket in the expected region, or fix the bucket name in the configuration",
}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) or str(
        error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))


def s3_call(operation: Callable[..., Any], title: str, *, where: str, **params: Any) -> Any:
    """``operation(**params)``; a refusal fails the check with the S3 error code as evidence."""
    try:
        return operation(**params)
    except ClientError as error:
        code = error_code(error)
        raise CheckFailed(title, expected=f"{getattr(operation, '__name__', 'the call')} succeeds",
                          found=f"{code}: {error.response.get('Error', {}).get('Message', '')}".rstrip(": "),
                          where=where, fix=S3_FIXES.get(code, "look at the bucket policy and the app's IAM permissions")) from None
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as error:
        reason = "connection refused" if isinstance(error, EndpointConnectionError) else "no answer in time"
        client_meta = getattr(getattr(operation, "__self__", None), "meta", None)
        endpoint = getattr(client_meta, "endpoint_url", "") or where
        raise TargetUnreachable(f"unreachable: {origin_of(endpoint)} ({reason}; {where})") from None


def s3_where(client: Any, bucket: str, key: str | None = None) -> str:
    return f"s3://{bucket}{'/' + key if key else ''} at {client.meta.endpoint_url}"


def s3_optional(operation: Callable[..., Any], absent_code: str, title: str, *, where: str, **params: Any) -> Any:
    """Like ``s3_call``, but the error S3 uses for "not configured" answers None."""
    try:
        return operation(**params)
    except ClientError as error:
        if error_code(error) == absent_code:
            return None
    return s3_call(operation, title, where=where, **params)
