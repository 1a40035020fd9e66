"""The CDN: fingerprinted static assets come from the edge with long-lived caching; HTML pages and
API answers are never stored by it (a cached API answer serves one user's data to everyone)."""

from dataclasses import replace

from golive import check, expect
from golive.probes.cdn import evaluate_asset, evaluate_uncached


@check("INF-CDN-001", "CDN caches fingerprinted assets for long and never caches HTML or API answers",
       items=["consolidated:ENV-CDN-01"])
def test_cdn_cache_rules(cdn_policy, http):
    findings, fetched = [], []
    for url in map(str, cdn_policy.assets):
        response = http.get(url)
        fetched.append(expect.where(response))
        findings += [replace(finding, found=f"{url}: {finding.found}")
                     for finding in evaluate_asset(response.status_code, response.headers,
                                                   min_max_age_s=cdn_policy.min_asset_max_age_s)]
    for url in map(str, cdn_policy.uncached):
        response = http.get(url)
        fetched.append(expect.where(response))
        findings += [replace(finding, found=f"{url} (HTTP {response.status_code}): {finding.found}")
                     for finding in evaluate_uncached(response.headers)]
    expect.no_findings(findings, "the CDN's cache rules are wrong", where="; ".join(fetched))
