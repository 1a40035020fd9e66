"""Amazon S3 (path-style, ``/_emulators/s3/<bucket>/<key>``) and a CloudFront-like distribution
serving the media bucket's public files (``/_emulators/cloudfront/<key>``).

S3 requests are verified by the sandbox's own SigV4 gate and answered by moto (see
sandbox/object_store.py). The access keys come from SANDBOX_S3_ACCESS_KEY_ID /
SANDBOX_S3_SECRET_ACCESS_KEY; without them every S3 request is refused.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qsl, unquote

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from sandbox.logs import get_logger, log
from sandbox.object_store import PUBLIC_PREFIX, ObjectStore, S3Error, SigV4Gate, store_keys
from sandbox.settings import Settings

PREFIX = "/_emulators/s3"
CDN_PREFIX = "/_emulators/cloudfront"
CDN_MAX_AGE_S = 86_400
S3_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]


def build_router(settings: Settings) -> APIRouter:
    logger = get_logger("s3")
    gate = SigV4Gate(store_keys(settings.feature_env, settings.faults), settings.faults)
    started_at = datetime.now(UTC)  # the pre-deployment backup is stamped with the start time
    edge_cache: set[str] = set()  # keys this "edge" has served once: the next answer is a hit
    stores: list[ObjectStore] = []
    seeding = threading.Lock()

    def store_for(request: Request) -> ObjectStore:
        """The store, seeded on first use (moto's import and the seed cost a second: most
        sandbox apps, e.g. in selftests, never touch S3). The backup copies the database as the
        app found it at that moment."""
        with seeding:
            if not stores:
                state = getattr(request.app.state, "sandbox", None)
                try:
                    engine = state.db.engine if state is not None else None
                except RuntimeError:  # the database did not open: the backups hold an empty schema
                    engine = None
                store = ObjectStore(settings.flavor, settings.faults)
                store.seed(engine, started_at)
                log(logger, logging.INFO, "object store seeded", media_bucket=store.media_bucket,
                    backup_bucket=store.backup_bucket, faults=settings.faults.names)
                stores.append(store)
            return stores[0]

    router = APIRouter()

    def journal(method: str, path: str, query: str, status: int, headers: list[tuple[str, str]]) -> None:
        """An accepted object PUT or DELETE is a "write", like a database change: the journal that
        shows what a run left behind (bucket settings and the seed are not journaled)."""
        bucket, _, key = path.lstrip("/").partition("/")
        params = dict(parse_qsl(query, keep_blank_values=True))
        if method not in ("PUT", "DELETE") or status >= 300 or not key or set(params) - {"versionId", "x-id"}:
            return
        # a PUT writes a version; a DELETE of a version removes it, a plain DELETE only hides the key
        version = (dict((name.lower(), value) for name, value in headers).get("x-amz-version-id", "")
                   if method == "PUT" else params.get("versionId", ""))
        log(logger, logging.INFO, "write", table=f"s3:{bucket}", action="insert" if method == "PUT" else "delete",
            key=f"{key}@{version}" if version else key)

    def s3_response(status: int, headers: list[tuple[str, str]], body: bytes, method: str,
                    length: str | None) -> Response:
        response = Response(content=b"" if method == "HEAD" else body, status_code=status)
        for name, value in headers:
            response.headers.append(name, value)
        if method == "HEAD" and length is not None:
            # HEAD has no body, but its Content-Length is the object's size (HeadObject reads it)
            response.headers["content-length"] = length
        return response

    async def s3(request: Request) -> Response:
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0]
        raw_query = request.scope.get("query_string", b"").decode("latin-1")
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            gate.verify(request.method, raw_path, raw_query, headers)
        except S3Error as error:
            return Response(content=b"" if request.method == "HEAD" else error.xml(), status_code=error.status,
                            media_type="application/xml")
        inner_path = raw_path[len(PREFIX):] or "/"
        # presign parameters authenticated the request; moto must not see them as sub-resources
        query = "&".join(part for part in raw_query.split("&") if part and not part.startswith("X-Amz-"))
        body = await request.body()
        store = await run_in_threadpool(store_for, request)
        status, out_headers, data, length = await run_in_threadpool(
            store.call, request.method, unquote(inner_path), query, body, request.headers)
        journal(request.method, unquote(inner_path), query, status, out_headers)
        return s3_response(status, out_headers, data, request.method, length)

    router.add_api_route(PREFIX, s3, methods=S3_METHODS, include_in_schema=False)
    router.add_api_route(PREFIX + "/{path:path}", s3, methods=S3_METHODS, include_in_schema=False)

    @router.get(CDN_PREFIX + "/{key:path}", include_in_schema=False)
    async def cdn(key: str, request: Request) -> Response:
        """A CloudFront distribution whose origin is the media bucket, limited to public/."""
        store = await run_in_threadpool(store_for, request)
        if not key.startswith(PUBLIC_PREFIX):
            return Response(status_code=403, content=b"<Error><Code>AccessDenied</Code></Error>", media_type="application/xml")
        status, headers, data, _ = await run_in_threadpool(store.call, "GET", f"/{store.media_bucket}/{key}")
        if status != 200:
            return Response(status_code=status, content=data, media_type="application/xml")
        content_type = dict((name.lower(), value) for name, value in headers).get("content-type", "application/octet-stream")
        if settings.faults.active("cdn_bypassed"):
            # the public URL points straight at the bucket website: no edge, no caching policy
            return Response(content=data, media_type=content_type, headers={"Server": "AmazonS3"})
        hit = key in edge_cache
        edge_cache.add(key)
        edge = hashlib.sha256(store.media_bucket.encode()).hexdigest()[:16]
        return Response(content=data, media_type=content_type, headers={
            "Cache-Control": f"public, max-age={CDN_MAX_AGE_S}",
            "Via": f"1.1 {edge}.cloudfront.net (CloudFront)",
            "X-Cache": "Hit from cloudfront" if hit else "Miss from cloudfront",
            "X-Amz-Cf-Pop": "BOM78-P1",
        })

    return router
