"""The consolidated shop's CDN (a CloudFront-like distribution in front of the front-end build):
fingerprinted static files under ``/_edge/static/...`` answered with the edge's headers and the
distribution's cache policy. HTML pages and API answers come from the app itself (not cached).
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Response

from sandbox.settings import Settings

EDGE_PREFIX = "/_edge"
# the build's main bundle; its name carries the first 8 hex digits of its content's SHA-256
MAIN_BUNDLE = b"(()=>{\"use strict\";document.documentElement.dataset.shop=\"consolidated\";})();\n"
MAIN_BUNDLE_NAME = f"main.{hashlib.sha256(MAIN_BUNDLE).hexdigest()[:8]}.js"
ASSETS: dict[str, tuple[bytes, str]] = {f"static/js/{MAIN_BUNDLE_NAME}": (MAIN_BUNDLE, "application/javascript")}
LONG_LIVED = "public, max-age=31536000, immutable"
# fault cdn_assets_short_lived: the distribution's cache policy was left at a five-minute TTL
SHORT_LIVED = "public, max-age=300"


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["cdn"])
    edge_cache: set[str] = set()  # what this edge served once: the next answer is a hit
    edge_id = hashlib.sha256(b"consolidated-static").hexdigest()[:16]

    @router.get(EDGE_PREFIX + "/{key:path}")
    def edge(key: str) -> Response:
        edge_headers = {"Via": f"1.1 {edge_id}.cloudfront.net (CloudFront)", "X-Amz-Cf-Pop": "BOM78-P1",
                        "X-Amz-Cf-Id": hashlib.sha256(f"{key}:{len(edge_cache)}".encode()).hexdigest()[:40]}
        if key not in ASSETS:
            return Response(status_code=404, content=b"Not Found", media_type="text/plain",
                            headers={**edge_headers, "X-Cache": "Error from cloudfront"})
        hit = key in edge_cache
        edge_cache.add(key)
        body, media_type = ASSETS[key]
        cache_control = SHORT_LIVED if settings.faults.active("cdn_assets_short_lived") else LONG_LIVED
        return Response(content=body, media_type=media_type, headers={
            **edge_headers, "Cache-Control": cache_control,
            "X-Cache": "Hit from cloudfront" if hit else "Miss from cloudfront",
        })

    return router
