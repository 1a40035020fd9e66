"""Inputs at the edges of the API description's schemas: boundary, null, type-edge and overlong
values are refused (4xx) or served, never crash the system (5xx)."""

from golive import check, expect, required
from golive.api_description import example_path
from golive.outcomes import inconclusive
from golive.probes.edges import EdgeAnswer, evaluate_edges, generate_queries

# cases per operation: the request budget (per endpoint) bounds it too
CASES_PER_OPERATION = 20


@check("SEC-INPUT-010", "Inputs at the edges of the API description's schemas are refused or served, never "
       "crash the system (5xx)", safety="probe", items=["realserv:TEST-SEC-05"])  # OWASP Top 10 verification
def test_schema_edges_never_crash(profile, api_operations, tokens, http):
    spec = profile.openapi
    service = profile.service(spec.service)
    credential = tokens(spec.role) if spec.role else None
    reads = [op for op in api_operations if op.method == "GET" and op.params_in("query")][: spec.max_operations]
    findings, broken_controls = [], []
    for operation in required(reads, "GET operations with query parameters in the API description"):
        url = service.url(example_path(operation))
        # the control: the operation as documented does not crash, else an edge's 5xx proves nothing
        control = http.get(url, auth=credential)
        if control.status_code >= 500:
            broken_controls.append(f"{operation.label}: HTTP {control.status_code}")
            continue
        answers: list[EdgeAnswer] = []
        where: dict[str, str] = {}

        def send(query: dict[str, str]) -> None:
            answer = http.get(url, params=query, auth=credential, intent="probe")
            answers.append(EdgeAnswer(query, answer.status_code))
            if answer.status_code >= 500:
                where.setdefault(next(iter(query)), expect.where(answer))

        generate_queries({p.name: p.schema for p in operation.params_in("query")}, send, cases=CASES_PER_OPERATION)
        findings += [finding.__class__(finding.name, finding.expected,
                                       f"{finding.found} ({where.get(finding.name.rsplit(' ', 1)[-1], url)})",
                                       finding.fix)
                     for finding in evaluate_edges(operation.label, answers)]
    expect.no_findings(findings, "edge inputs crash the system", where=service.url("/"))
    if len(broken_controls) == len(reads):
        inconclusive("every operation's documented request already fails with 5xx: " + "; ".join(broken_controls[:5]))
