"""Release identity: is the running build the tagged release, everywhere, on every instance?

Also what a built front-end bundle calls: the production API, never localhost or staging.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from golive.probes.findings import Finding
from golive.probes.health import lookup

_MISSING = lookup({}, "x")  # the health probe's "no such field" marker

#: what a build nobody tagged reports: a dirty working tree, a dev or snapshot build, no version
_UNTAGGED = re.compile(r"(dirty|dev|snapshot|local|unknown|untagged|wip)|^0\.0\.0|^v?0$|^$", re.IGNORECASE)
_SHA = re.compile(r"^[0-9a-f]{7,40}$")


def untagged_marker(value: str) -> str | None:
    """The part of a version or commit that says it is no release build, or None."""
    match = _UNTAGGED.search(value.strip())
    return None if match is None else (match.group(0) or "(empty)")


def evaluate_release_identity(body: Any, *, version_field: str, commit_field: str,
                              expected_version: str, expected_commit: str | None) -> list[Finding]:
    """The body reports the expected version (and commit), and neither looks like a dev or dirty build."""
    findings: list[Finding] = []
    version = lookup(body, version_field)
    if version is _MISSING or not isinstance(version, str):
        return [Finding("release-version-missing", f"{version_field}={expected_version!r}",
                        f"{version_field} {'absent' if version is _MISSING else repr(version)}",
                        "stamp the release version into the build and report it on the health endpoint")]
    marker = untagged_marker(version)
    if marker:
        findings.append(Finding("release-untagged-build", f"a tagged release build ({expected_version})",
                                f"{version_field}={version!r} ({marker!r})",
                                "deploy the artifact CI built and tagged from a clean checkout"))
    if version.strip().lstrip("v") != expected_version.strip().lstrip("v"):
        findings.append(Finding("release-version-mismatch", f"{version_field}={expected_version!r}",
                                f"{version_field}={version!r}", "deploy the release being launched to this service"))
    if expected_commit:
        findings += _commit_findings(lookup(body, commit_field), commit_field, expected_commit)
    return findings


def _commit_findings(commit: Any, commit_field: str, expected: str) -> list[Finding]:
    if commit is _MISSING or not isinstance(commit, str):
        return [Finding("release-commit-missing", f"{commit_field}={expected!r}", f"{commit_field} absent",
                        "report the commit SHA the build was made from")]
    found, wanted = commit.strip().lower(), expected.strip().lower()
    if untagged_marker(found) or not _SHA.match(found):
        return [Finding("release-untagged-build", f"{commit_field} a clean commit SHA",
                        f"{commit_field}={commit!r}", "build from a clean checkout of the release commit")]
    # either side may be abbreviated (7+ hex digits): one must be a prefix of the other
    if not (found.startswith(wanted) or wanted.startswith(found)):
        return [Finding("release-commit-mismatch", f"{commit_field}={expected!r}", f"{commit_field}={commit!r}",
                        "deploy the build of the release commit")]
    return []


@dataclass(frozen=True)
class Poll:
    """One health answer during the rollout watch: status code and the version it reported."""

    status: int
    version: str | None


def evaluate_rollout(polls: list[Poll], expected_version: str) -> list[Finding]:
    """Every answer is 200 and at the release version: no failing and no old instance answered."""
    findings: list[Finding] = []
    failing = Counter(poll.status for poll in polls if poll.status != 200)
    if failing:
        shown = ", ".join(f"{count}x {status}" for status, count in sorted(failing.items()))
        findings.append(Finding("rollout-health-failing", f"all {len(polls)} health answers 200",
                                f"{shown} of {len(polls)}", "an instance is failing its health check: look at "
                                "its logs before rolling further"))
    wanted = expected_version.strip().lstrip("v")
    others = Counter(poll.version or "no version" for poll in polls
                     if poll.status == 200 and (poll.version or "").strip().lstrip("v") != wanted)
    if others:
        shown = ", ".join(f"{count}x {version!r}" for version, count in others.most_common())
        findings.append(Finding("rollout-mixed-versions", f"every answer at {expected_version!r}",
                                f"{shown} of {len(polls)} answers", "an instance still runs another build: finish "
                                "the rollout (or roll back) so every instance serves the release"))
    return findings


def evaluate_pending_migrations(body: Any, pending_field: str) -> list[Finding]:
    """The schema is at the release's migration: the report says 0 pending (a count or a list)."""
    pending = lookup(body, pending_field)
    if pending is _MISSING:
        return [Finding("migrations-not-reported", f"{pending_field}=0", f"no {pending_field}",
                        "report the migration status (pending count) on the health endpoint")]
    count = len(pending) if isinstance(pending, list) else pending
    if type(count) is not int:  # True is not 0 pending, "0" is not a count
        return [Finding("migrations-not-reported", f"{pending_field} a count", f"{pending_field}={pending!r}",
                        "report the number of pending migrations")]
    if count != 0:
        return [Finding("migrations-pending", f"{pending_field}=0", f"{pending_field}={pending!r}",
                        "run the release's database migrations (after a backup) before switching traffic")]
    return []


# --- front-end bundles ---------------------------------------------------------------------------

_URL = re.compile(r"""(?:https?|wss?)://[^\s"'`<>()\\,;]+""", re.IGNORECASE)
#: hosts that appear in bundles as identifiers, never as something the page calls
NAMESPACE_HOSTS = frozenset({"www.w3.org", "w3.org", "reactjs.org", "react.dev", "nextjs.org", "schema.org"})
_LOOPBACK = re.compile(r"^(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\]|::1)$|\.local(host)?$", re.IGNORECASE)
# "test" only as a label before others (api.test.example.com): .test is also a reserved TLD
_NON_PRODUCTION = re.compile(r"(^|[.-])(staging|stage|stg|dev|develop|qa|uat|preview)([.-]|$)|(^|[.-])test[.-]"
                             r"|ngrok", re.IGNORECASE)


class _MetaContent(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name.lower()
        self.content: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").lower() == self.name and self.content is None:
            self.content = values.get("content") or ""


def meta_content(html: str, name: str) -> str | None:
    """The content of the page's first <meta name=name>, or None."""
    parser = _MetaContent(name)
    parser.feed(html)
    return parser.content


def evaluate_built_release(found: str | None, *, where: str, expected_version: str,
                           expected_commit: str | None) -> list[Finding]:
    """A front-end's build marker names the release: its version, or its commit (7+ hex digits prefix)."""
    if not found:
        return [Finding("frontend-release-missing", f"{where} names {expected_commit or expected_version}",
                        f"no {where}", "stamp the commit into the build (e.g. VERCEL_GIT_COMMIT_SHA) and emit it")]
    if found.strip().lstrip("v") == expected_version.strip().lstrip("v"):
        return []
    if expected_commit and _SHA.match(found.strip().lower()):
        found_sha, wanted = found.strip().lower(), expected_commit.strip().lower()
        if found_sha.startswith(wanted) or wanted.startswith(found_sha):
            return []
    return [Finding("frontend-release-mismatch", f"{where}={expected_commit or expected_version!r}",
                    f"{where}={found!r}", "redeploy the front-end from the release commit")]


class _ScriptSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.sources.append(values["src"] or "")
        # <link rel=modulepreload|preload as=script> also ships code the page runs
        preloads_code = values.get("rel") == "modulepreload" or values.get("as") == "script"
        if tag == "link" and values.get("href") and preloads_code:
            self.sources.append(values["href"] or "")


def script_urls(page_url: str, html: str) -> list[str]:
    """The scripts a page loads, as absolute URLs, in page order, without duplicates."""
    parser = _ScriptSources()
    parser.feed(html)
    return list(dict.fromkeys(urljoin(page_url, src) for src in parser.sources))


def referenced_origins(text: str) -> set[str]:
    """scheme://host[:port] of every absolute URL in a page or script."""
    origins = set()
    for match in _URL.finditer(text):
        parts = urlsplit(match.group(0).rstrip("."))
        if parts.hostname:
            origins.add(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
    return origins


def _host(origin: str) -> str:
    return urlsplit(origin).hostname or ""


def evaluate_bundle_origins(origins: set[str], *, api_url: str, allowed_hosts: list[str]) -> list[Finding]:
    """The built front-end calls the production API and nothing local, staging or unlisted."""
    api = urlsplit(api_url)
    api_origin = f"{api.scheme.lower()}://{api.netloc.lower()}"
    findings: list[Finding] = []
    if api_origin not in origins:
        findings.append(Finding("frontend-api-url-missing", f"the bundle calls {api_origin}",
                                f"no reference to {api_origin}; found {sorted(origins) or 'no absolute URLs'}",
                                "set NEXT_PUBLIC_API_URL (or the framework's equivalent) to the production API "
                                "and rebuild"))
    allowed = {host.lower() for host in allowed_hosts} | NAMESPACE_HOSTS
    for origin in sorted(origins - {api_origin}):
        host = _host(origin)
        if _LOOPBACK.search(host):
            findings.append(Finding("frontend-localhost-url", f"only {api_origin}", origin,
                                    "the bundle was built with a local API URL: set the production value and rebuild"))
        elif _NON_PRODUCTION.search(host):
            findings.append(Finding("frontend-non-production-url", f"only {api_origin}", origin,
                                    "the bundle was built with a staging/preview URL: set the production value "
                                    "and rebuild"))
        elif host not in allowed and not any(host.endswith("." + domain) for domain in allowed):
            findings.append(Finding("frontend-unlisted-host", f"only {api_origin} and {sorted(allowed_hosts)}", origin,
                                    "remove the hard-coded host or list it in release.frontends[].allowed_hosts"))
    return findings


# --- API gateway ---------------------------------------------------------------------------------

def evaluate_gateway_headers(headers: dict[str, str], expected: list[str]) -> list[Finding]:
    """The answer came through the gateway: every header the gateway adds is there (names are
    case-insensitive, values must not be blank)."""
    present = {name.lower(): value for name, value in headers.items()}
    missing = [name for name in expected if not present.get(name.lower(), "").strip()]
    if not missing:
        return []
    return [Finding("gateway-headers-missing", f"gateway headers {expected}", f"missing {missing}",
                    "route the API host through the gateway (custom domain mapping / DNS), not straight to the "
                    "services or their load balancer; enable tracing on the stage")]
