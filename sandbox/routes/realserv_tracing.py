"""A RealServ call that crosses services: the checkout page asks OrderService for the payment
methods, and OrderService asks PaymentService. Each records its X-Ray segment (sandbox/tracing.py);
OrderService passes the trace (X-Amzn-Trace-Id) and the caller's X-Request-ID downstream, the way
the services' HttpClient handlers do.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox import tracing
from sandbox.settings import Settings

PAYMENT_METHODS = ("upi", "card", "netbanking", "wallet")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["realserv-tracing"])

    @router.get("/payment/api/payment-methods")
    async def payment_methods(request: Request) -> JSONResponse:
        tracing.record(request, "payment", status=200)
        return JSONResponse({"methods": list(PAYMENT_METHODS)})

    @router.get("/order/api/payment-methods")
    async def checkout_payment_methods(request: Request) -> JSONResponse:
        segment = tracing.record(request, "order", status=200)
        headers = {}
        if not faults.active("order_drops_trace_context"):
            # the propagation handler: the same trace (this segment as parent) and correlation id
            headers = {"X-Amzn-Trace-Id": segment.header(),
                       "X-Request-ID": request.scope.get("state", {}).get("request_id", "")}
        transport = httpx.ASGITransport(app=request.app, client=("10.0.1.5", 5004))
        async with httpx.AsyncClient(transport=transport, base_url="http://payment.internal") as client:
            answer = await client.get("/payment/api/payment-methods", headers=headers)
        if answer.status_code != 200:
            return JSONResponse({"error": "payment service unavailable"}, status_code=502)
        return JSONResponse({"methods": answer.json()["methods"]})

    return router
