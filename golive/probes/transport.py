"""HTTPS enforcement and cookies: a plain-HTTP answer judged as a redirect, Set-Cookie judged for flags."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from golive.probes.findings import Finding

PERMANENT_REDIRECTS = (301, 308)
SAMESITE_VALUES = ("strict", "lax", "none")


def evaluate_https_redirect(request_url: str, status: int, location: str | None, https_origin: str) -> list[Finding]:
    """A plain-HTTP request must be answered with 301/308 to the same host and path over HTTPS.

    ``https_origin`` is where the HTTPS site lives (scheme, host and port); the path and query
    must survive the redirect, so deep links keep working.
    """
    asked = urlsplit(request_url)
    if status not in (301, 302, 303, 307, 308):
        return [Finding("http-not-redirected", "HTTP 301 or 308 to HTTPS", f"HTTP {status} served over plain HTTP",
                        "redirect every plain-HTTP request to HTTPS (load balancer / web server port-80 rule)")]
    target = urlsplit(urljoin(request_url, location or ""))
    expected = urlsplit(https_origin)
    findings = []
    if status not in PERMANENT_REDIRECTS:
        findings.append(Finding("http-redirect-not-permanent", "HTTP 301 or 308", f"HTTP {status}",
                                "use a permanent redirect (301, or 308 to keep the method)"))
    if target.scheme != "https":
        findings.append(Finding("http-redirect-not-to-https", "a Location with https://", f"Location: {location}",
                                "redirect to the https:// URL"))
    if (target.hostname or "").lower() != (asked.hostname or "").lower() or \
            (target.hostname or "").lower() != (expected.hostname or "").lower():
        findings.append(Finding("http-redirect-other-host", f"the same host ({asked.hostname})", f"Location: {location}",
                                "redirect to the same host name over HTTPS (no detour through another host)"))
    elif (target.port or 443) != (expected.port or 443):
        findings.append(Finding("http-redirect-wrong-port", f"the HTTPS origin {https_origin}", f"Location: {location}",
                                "redirect to the HTTPS listener"))
    if (target.path or "/") != (asked.path or "/") or target.query != asked.query:
        findings.append(Finding("http-redirect-drops-path", f"path {asked.path or '/'}{'?' + asked.query if asked.query else ''} kept",
                                f"Location: {location}", "keep path and query in the redirect"))
    return findings


def parse_set_cookie(header: str) -> tuple[str, dict[str, str]]:
    """(name, attributes lower-cased) of one Set-Cookie header value; flags map to ''."""
    parts = [part.strip() for part in header.split(";")]
    name = parts[0].split("=", 1)[0].strip()
    attributes: dict[str, str] = {}
    for part in parts[1:]:
        if not part:
            continue
        key, _, value = part.partition("=")
        attributes[key.strip().lower()] = value.strip()
    return name, attributes


def evaluate_cookie(header: str, *, script_readable: bool = False) -> list[Finding]:
    """A cookie must be Secure, HttpOnly (unless meant for scripts) and carry an explicit SameSite."""
    name, attributes = parse_set_cookie(header)
    if "max-age" in attributes and attributes["max-age"].lstrip("-").isdigit() and int(attributes["max-age"]) <= 0:
        return []  # a deletion: no value to protect
    findings = []
    if "secure" not in attributes:
        findings.append(Finding("cookie-without-secure", f"{name}: Secure", f"Set-Cookie: {_shown(header)}",
                                "set the Secure flag so the cookie never travels over plain HTTP"))
    if not script_readable and "httponly" not in attributes:
        findings.append(Finding("cookie-without-httponly", f"{name}: HttpOnly", f"Set-Cookie: {_shown(header)}",
                                "set HttpOnly so page scripts (and XSS) cannot read the cookie"))
    samesite = attributes.get("samesite", "").lower()
    if samesite not in SAMESITE_VALUES:
        findings.append(Finding("cookie-without-samesite", f"{name}: SameSite=Strict or Lax",
                                f"Set-Cookie: {_shown(header)}", "set SameSite=Lax (or Strict) against CSRF"))
    elif samesite == "none" and "secure" not in attributes:
        findings.append(Finding("cookie-samesite-none-insecure", f"{name}: SameSite=None only with Secure",
                                f"Set-Cookie: {_shown(header)}", "add Secure or use SameSite=Lax"))
    return findings


def _shown(header: str) -> str:
    # the value may be a session: show the name and attributes only
    name, _, rest = header.partition("=")
    attributes = rest.split(";", 1)[1] if ";" in rest else ""
    return f"{name}=<redacted>" + (f";{attributes}" if attributes else "")

