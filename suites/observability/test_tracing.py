"""Distributed tracing and correlation ids: one call across services is one trace, one request id."""

import json
import time
import uuid

from golive import check, expect
from golive.probes.tracing import evaluate_trace_chain, trace_root

#: between two BatchGetTraces polls while the trace is still being assembled
POLL_INTERVAL_S = 1.0


def trace_documents(xray, root: str, chain: list[str], wait_s: float) -> list[dict]:
    """The trace's segment documents, polled until every service of the chain reported (or the wait is over)."""
    deadline = time.monotonic() + wait_s
    while True:
        answer = xray.batch_get_traces(TraceIds=[root])
        documents = [json.loads(segment["Document"]) for trace in answer.get("Traces", [])
                     for segment in trace.get("Segments", [])]
        if {document.get("name") for document in documents} >= set(chain) or time.monotonic() >= deadline:
            return documents
        time.sleep(POLL_INTERVAL_S)  # X-Ray assembles traces within seconds of the request


@check("OBS-TRACE-001", "One trace and the caller's request id span a cross-service call (gateway -> order -> payment)",
       items=["realserv:OBS-TRACE-02", "realserv:OBS-LOG-04"])
def test_one_trace_spans_the_call_chain(profile, tracing_policy, xray, http):
    policy = tracing_policy
    request_id = f"golive-trace-{uuid.uuid4().hex[:20]}"
    # every service answers with the caller's correlation id
    for service in profile.services:
        if service.health.live:
            echoed = http.get(service.url(service.health.live), headers={policy.request_id_header: request_id})
            expect.true(echoed.headers.get(policy.request_id_header) == request_id,
                        f"{service.name} does not echo the caller's {policy.request_id_header}",
                        expected=request_id, found=str(echoed.headers.get(policy.request_id_header)),
                        where=expect.where(echoed), fix="echo the caller's id (or generate one) on every answer")
    response = http.get(str(policy.entry_url), headers={policy.request_id_header: request_id})
    expect.status(response, 200, "the traced cross-service call fails", fix="look at the services' logs")
    root = trace_root(response.headers.get(policy.trace_header))
    expect.true(root is not None, "the answer names no trace", expected=f"{policy.trace_header}: Root=...",
                found=str(response.headers.get(policy.trace_header)), where=expect.where(response),
                fix="enable tracing (X-Ray) on the gateway stage and in every service")
    documents = trace_documents(xray, root, policy.chain, policy.xray.wait_s)
    expect.no_findings(evaluate_trace_chain(documents, policy.chain, request_id=request_id,
                                            annotation=policy.request_id_annotation),
                       f"trace {root} does not span {' -> '.join(policy.chain)}", where=expect.where(response))
