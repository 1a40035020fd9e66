"""RealServ's AWS API Gateway in front of the seven services: /gateway/<service>/... is proxied to
the service (/<service>/...) inside this process, the way API Gateway's HTTP proxy integration
forwards to each ECS service.

What API Gateway does and golive checks: every answer carries x-amzn-RequestId and x-amz-apigw-id;
X-Ray tracing adds X-Amzn-Trace-Id (kept when the caller sent one); the caller's X-Request-ID
reaches the service; a path without a route answers 403 {"message": "Missing Authentication
Token"}; the mobile stage (/gateway/mobile/...) needs the issued API key in x-api-key.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sandbox import tracing
from sandbox.settings import Settings

#: the services the gateway has routes for (its OpenAPI import); each forwards to /<service>/...
ROUTED_SERVICES: tuple[str, ...] = ("identity", "vendor", "order", "catalog", "payment", "notification", "integration")
#: request headers the proxy integration forwards (hop-by-hop and host are the gateway's own)
FORWARDED = ("authorization", "content-type", "accept", "x-request-id", "x-correlation-id", "traceparent",
             "x-amzn-trace-id", "user-agent")
#: answer headers that belong to the service's hop, not the gateway's
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "server", "date"}


def _trace_id() -> str:
    # X-Ray: Root=1-<epoch seconds hex>-<96-bit random hex>
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def _apigw_id() -> str:
    return base64.b64encode(secrets.token_bytes(6)).decode().rstrip("=")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    api_key = settings.feature_env.get("SANDBOX_GATEWAY_API_KEY")
    router = APIRouter(tags=["realserv-gateway"])

    def routed(service: str) -> bool:
        if service == "catalog" and faults.active("gateway_catalog_route_missing"):
            return False  # the catalog resource was never added to the deployed stage
        return service in ROUTED_SERVICES

    def gateway_headers(response: Response, trace: str) -> Response:
        if faults.active("gateway_bypassed"):
            return response  # DNS points at the load balancer: no API Gateway in the path
        response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        response.headers["x-amz-apigw-id"] = _apigw_id()
        response.headers["X-Amzn-Trace-Id"] = trace
        return response

    async def forward(request: Request, service: str, path: str) -> Response:
        trace = request.headers.get("x-amzn-trace-id") or _trace_id()
        if not routed(service):
            return gateway_headers(JSONResponse({"message": "Missing Authentication Token"}, status_code=403), trace)
        headers = {name: value for name, value in request.headers.items() if name in FORWARDED}
        if not faults.active("gateway_bypassed"):
            # X-Ray on the stage: the gateway's own segment, the service continues the trace under it
            headers["x-amzn-trace-id"] = tracing.record(request, "realserv-gateway", trace_header=trace).header()
        transport = httpx.ASGITransport(app=request.app, client=("10.0.0.1", 443))
        async with httpx.AsyncClient(transport=transport, base_url="http://service.internal") as client:
            answer = await client.request(request.method, f"/{service}/{path}", headers=headers,
                                          params=request.query_params, content=await request.body())
        kept = {name: value for name, value in answer.headers.items() if name.lower() not in _HOP_BY_HOP}
        return gateway_headers(Response(answer.content, status_code=answer.status_code, headers=kept), trace)

    @router.api_route("/gateway/mobile/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def mobile(service: str, path: str, request: Request) -> Response:
        # the mobile stage's usage plan: a request without the issued key never reaches a service
        key_required = not (faults.active("gateway_api_key_not_required") or faults.active("gateway_bypassed"))
        if key_required and (api_key is None or not secrets.compare_digest(
                request.headers.get("x-api-key", "").encode(), api_key.encode())):
            return gateway_headers(JSONResponse({"message": "Forbidden"}, status_code=403),
                                   request.headers.get("x-amzn-trace-id") or _trace_id())
        return await forward(request, service, path)

    @router.api_route("/gateway/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def web(service: str, path: str, request: Request) -> Response:
        return await forward(request, service, path)

    return router
