"""The trace-chain probe against fixed X-Ray segment documents."""

from __future__ import annotations

from golive.probes.tracing import evaluate_trace_chain, trace_root

CHAIN = ["realserv-gateway", "order", "payment"]


def segment(name: str, seg_id: str, parent: str | None, request_id: str = "golive-1") -> dict:
    document = {"name": name, "id": seg_id, "trace_id": "1-65f00000-0123456789abcdef01234567",
                "annotations": {"request_id": request_id}}
    if parent:
        document["parent_id"] = parent
    return document


def names(documents: list[dict]) -> list[str]:
    return [f.name for f in evaluate_trace_chain(documents, CHAIN, request_id="golive-1", annotation="request_id")]


def test_trace_root_reads_the_x_ray_header() -> None:
    assert trace_root("Root=1-65f00000-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1") \
        == "1-65f00000-0123456789abcdef01234567"
    assert trace_root("Sampled=1") is None and trace_root(None) is None


def test_a_complete_chain_passes() -> None:
    assert names([segment("realserv-gateway", "a1", None), segment("order", "b2", "a1"),
                  segment("payment", "c3", "b2")]) == []


def test_a_service_that_started_its_own_trace_is_missing() -> None:
    findings = evaluate_trace_chain([segment("realserv-gateway", "a1", None), segment("order", "b2", "a1")], CHAIN,
                                    request_id="golive-1", annotation="request_id")
    assert [f.name for f in findings] == ["trace-segment-missing"] and "payment" in findings[0].found


def test_a_wrong_parent_and_a_lost_request_id_are_findings() -> None:
    assert names([segment("realserv-gateway", "a1", None), segment("order", "b2", "a1"),
                  segment("payment", "c3", "zz", request_id="5d0c-generated")]) \
        == ["trace-parent-broken", "correlation-id-lost"]
