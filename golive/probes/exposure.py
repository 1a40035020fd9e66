"""What a live site must not serve: configuration and VCS files, backups, source maps, debug
consoles, API docs (in production), directory listings.

Each answer is judged by its content, not its status alone: a single-page app answers 200 with
its index.html for every path, and that is no leak.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urljoin

from golive.probes.findings import Finding

Body = str


def _is_html(content_type: str, body: Body) -> bool:
    return "html" in content_type.lower() or body.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def _dotenv(content_type: str, body: Body) -> bool:
    lines = [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return bool(lines) and not _is_html(content_type, body) and \
        sum(bool(re.match(r"^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=", line)) for line in lines) >= max(1, len(lines) // 2)


def _git_config(content_type: str, body: Body) -> bool:
    return "[core]" in body or "repositoryformatversion" in body


def _git_head(content_type: str, body: Body) -> bool:
    return bool(re.match(r"^(ref: refs/|[0-9a-f]{40}\s*$)", body.strip()))


def _sql_dump(content_type: str, body: Body) -> bool:
    return not _is_html(content_type, body) and bool(
        re.search(r"(?i)(CREATE TABLE|INSERT INTO|-- MySQL dump|PostgreSQL database dump)", body[:20000]))


def _sqlite(content_type: str, body: Body) -> bool:
    return body.startswith("SQLite format 3")


def _not_html(content_type: str, body: Body) -> bool:
    # a backup or config copy: anything but the app's HTML fallback page
    return bool(body.strip()) and not _is_html(content_type, body)


Signature = Callable[[str, Body], bool]

#: path -> what the content of a real leak looks like
SENSITIVE_FILES: dict[str, Signature] = {
    "/.env": _dotenv, "/.env.production": _dotenv, "/.env.local": _dotenv, "/.env.bak": _dotenv,
    "/.git/config": _git_config, "/.git/HEAD": _git_head,
    "/backup.sql": _sql_dump, "/dump.sql": _sql_dump, "/db.sql": _sql_dump, "/database.sql": _sql_dump,
    "/db.sqlite3": _sqlite, "/database.sqlite": _sqlite,
    "/config.json.bak": _not_html, "/config.js.bak": _not_html, "/appsettings.json": _not_html,
    "/appsettings.Production.json": _not_html, "/web.config.bak": _not_html, "/.aws/credentials": _not_html,
    "/.npmrc": _not_html, "/.htpasswd": _not_html, "/backup.zip": _not_html, "/backup.tar.gz": _not_html,
}

DEBUG_MARKERS = re.compile(
    r"(?i)(Werkzeug Debugger|Interactive Console|phpinfo\(\)|<title>phpinfo|PHP Version \d|\"activeProfiles\"|"
    r"\"propertySources\"|django-debug-toolbar|Symfony Profiler|/debug/pprof/|Error Log for|"
    r"You're seeing this error because you have <code>DEBUG = True|Rails\.root:|Whoops! There was an error)")
DEBUG_PATHS = ("/debug", "/console", "/__debug__/", "/actuator/env", "/actuator/heapdump", "/phpinfo.php",
               "/_profiler", "/debug/pprof/", "/elmah.axd", "/rails/info/properties")

API_DOC_PATHS = ("/docs", "/redoc", "/openapi.json", "/swagger.json", "/swagger-ui", "/swagger-ui.html",
                 "/swagger-ui/index.html", "/api-docs", "/v3/api-docs", "/api/docs", "/api/openapi.json")
API_DOC_MARKERS = re.compile(r"(?i)(swagger-ui|<redoc|redoc\.standalone|SwaggerUIBundle)")

LISTING_MARKERS = re.compile(r"(?i)(<title>\s*Index of /|<h1>\s*Index of /|<title>\s*Directory listing for|"
                             r"\[To Parent Directory\])")


def evaluate_sensitive_file(path: str, status: int, content_type: str, body: Body,
                            signature: Signature = _not_html) -> list[Finding]:
    if status != 200 or not signature(content_type, body):
        return []
    return [Finding("sensitive-file-served", f"{path} not served (404)", f"HTTP 200, {len(body)} bytes of {content_type or 'content'}",
                    f"block {path} at the web server and keep it out of the deployed artifact")]


def evaluate_debug_console(path: str, status: int, body: Body) -> list[Finding]:
    match = DEBUG_MARKERS.search(body) if status == 200 else None
    if not match:
        return []
    return [Finding("debug-console-exposed", f"no debug console on {path}", f"HTTP 200 showing {match.group(0)!r}",
                    "turn debug mode off in production and remove debug/actuator endpoints from the public port")]


def is_api_doc(content_type: str, body: Body) -> bool:
    if API_DOC_MARKERS.search(body[:50000]):
        return True
    if "json" in content_type.lower() or body.lstrip().startswith("{"):
        try:
            document = json.loads(body)
        except ValueError:
            return False
        return isinstance(document, dict) and ("openapi" in document or "swagger" in document) and "paths" in document
    return False


def evaluate_api_doc(path: str, status: int, content_type: str, body: Body) -> list[Finding]:
    if status != 200 or not is_api_doc(content_type, body):
        return []
    return [Finding("api-docs-public", f"no public API docs on {path} in production", f"HTTP 200 serving API docs ({content_type})",
                    "disable the docs routes in production or put them behind authentication")]


def evaluate_directory_listing(path: str, status: int, body: Body) -> list[Finding]:
    match = LISTING_MARKERS.search(body) if status == 200 else None
    if not match:
        return []
    return [Finding("directory-listing", f"no directory index on {path}", f"HTTP 200 {match.group(0)!r}",
                    "disable autoindex / directory browsing on static folders")]


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)


def script_urls(page_url: str, html: str) -> list[str]:
    """The absolute URLs of a page's external scripts, in order, without duplicates."""
    parser = _Scripts()
    parser.feed(html)
    return list(dict.fromkeys(urljoin(page_url, src) for src in parser.sources))


SOURCE_MAP_COMMENT = re.compile(r"[#@]\s*sourceMappingURL\s*=\s*(\S+)\s*(?:\*/)?\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SourceMapProbe:
    """Where a script's source map would be: a header, its comment, or <script>.map."""

    script_url: str
    map_url: str
    advertised_by: str  # "SourceMap header", "sourceMappingURL comment" or "convention"


def source_map_candidates(script_url: str, headers: Mapping[str, str], body: Body) -> list[SourceMapProbe]:
    lowered = {name.lower(): value for name, value in headers.items()}
    found: list[SourceMapProbe] = []
    for header in ("sourcemap", "x-sourcemap"):
        if header in lowered:
            found.append(SourceMapProbe(script_url, urljoin(script_url, lowered[header].strip()), f"{header} header"))
    comments = SOURCE_MAP_COMMENT.findall(body[-2000:])
    for reference in comments[-1:]:
        if not reference.startswith("data:"):
            found.append(SourceMapProbe(script_url, urljoin(script_url, reference), "sourceMappingURL comment"))
    found.append(SourceMapProbe(script_url, script_url.split("?", 1)[0] + ".map", "convention"))
    unique: dict[str, SourceMapProbe] = {}
    for probe in found:
        unique.setdefault(probe.map_url, probe)  # the first way it was advertised names it
    return list(unique.values())


def evaluate_source_map(probe: SourceMapProbe, status: int, body: Body) -> list[Finding]:
    if status != 200:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []
    if not (isinstance(document, dict) and "mappings" in document and ("sources" in document or "sections" in document)):
        return []
    sources = document.get("sources") or []
    return [Finding("source-map-served", f"no source map for {probe.script_url}",
                    f"{probe.map_url} (found via {probe.advertised_by}) serves {len(sources)} original sources",
                    "do not deploy .map files (or upload them to the error tracker only) and drop the SourceMap header")]
