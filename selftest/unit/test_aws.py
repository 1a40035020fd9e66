"""boto3 clients of checks obey the check's safety class and the run's reachability, like HttpClient."""

from __future__ import annotations

import socket

import pytest

from golive.aws import aws_client
from golive.http import Reachability
from golive.outcomes import TargetUnreachable
from golive.safety import SafetyViolation


def client(safety: str, reachability: Reachability, service: str = "s3"):  # type: ignore[no-untyped-def]
    return aws_client(service, endpoint_url=f"http://127.0.0.1:{free_port()}", region="us-east-1",
                      access_key_id="AKIDEXAMPLE", secret_access_key="secret", timeout_s=1,
                      reachability=reachability, safety=safety)


def free_port() -> int:
    with socket.socket() as probe:  # free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_readonly_check_cannot_write_through_boto3():
    with pytest.raises(SafetyViolation, match="readonly check may not send PUT"):
        client("readonly", Reachability()).put_object(Bucket="b", Key="k", Body=b"x")


def test_reads_pass_the_guard_even_over_post():
    # X-Ray reads with POST: the operation name, not the method, says what it does (it then finds
    # nothing listening, which is the reachability's business, not the guard's)
    with pytest.raises(TargetUnreachable, match="connection refused"):
        client("readonly", Reachability(), "xray").get_trace_summaries(StartTime=0, EndTime=1)


def test_a_refused_endpoint_is_remembered_and_not_tried_again():
    reachability = Reachability()
    s3 = client("mutating", reachability)
    with pytest.raises(TargetUnreachable, match="connection refused"):
        s3.head_bucket(Bucket="b")
    assert list(reachability.down.values()) == ["connection refused"]
    with pytest.raises(TargetUnreachable, match="connection refused"):
        s3.put_object(Bucket="b", Key="k", Body=b"x")
