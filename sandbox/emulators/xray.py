"""AWS X-Ray's read API (BatchGetTraces, ``POST /Traces``) over the segments the sandbox's RealServ
services recorded (sandbox/tracing.py). Callers sign with SigV4; the emulator accepts the sandbox
AWS account's access key id (SANDBOX_S3_ACCESS_KEY_ID) and does not re-verify the signature.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.settings import Settings
from sandbox.tracing import as_batch_trace, store_of

_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")
_TRACE_ID = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["emulator-xray"])
    access_key = settings.feature_env.get("SANDBOX_S3_ACCESS_KEY_ID")

    @router.post("/_emulators/xray/Traces")
    async def batch_get_traces(request: Request) -> JSONResponse:
        match = _CREDENTIAL.search(request.headers.get("authorization", ""))
        if access_key is None or match is None or match.group(1) != access_key:
            return JSONResponse({"__type": "UnrecognizedClientException",
                                 "message": "The security token included in the request is invalid."},
                                status_code=403)
        body: Any = await request.json()
        ids = body.get("TraceIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not 1 <= len(ids) <= 5 or not all(isinstance(i, str) for i in ids):
            return JSONResponse({"__type": "InvalidRequestException", "message": "TraceIds: 1 to 5 trace ids"},
                                status_code=400)
        traces, unprocessed = [], []
        for trace_id in ids:
            documents = store_of(request).get(trace_id) if _TRACE_ID.match(trace_id) else None
            if documents:
                traces.append(as_batch_trace(trace_id, documents))
            else:
                unprocessed.append(trace_id)
        return JSONResponse({"Traces": traces, "UnprocessedTraceIds": unprocessed})

    return router
