"""Leaks judged by content, secrets found by detect-secrets and provider shapes, config reports,
and the CORS preflight matrix, with fixed vectors."""

from __future__ import annotations

import json
import subprocess

import pytest

from golive.probes.cors import evaluate_credentials_with_wildcard, evaluate_preflight_granted, evaluate_preflight_refused
from golive.probes.exposure import (
    SENSITIVE_FILES,
    evaluate_api_doc,
    evaluate_debug_console,
    evaluate_directory_listing,
    evaluate_sensitive_file,
    evaluate_source_map,
    script_urls,
    source_map_candidates,
)
from golive.probes.findings import names
from golive.probes.runtime_config import evaluate_fields, evaluate_no_test_keys
from golive.probes.secrets import baseline_hashes, evaluate_secrets, hash_secret, scan_texts
from golive.repo_scan import RepoScanError, history_additions, working_tree

SPA_FALLBACK = "<!doctype html><html><body><div id=root></div></body></html>"
AWS_KEY = "AKIA" + "Q3EGT7XJ4M2LWN5P"  # assembled: no scanner of this repository flags the vector itself
RZP_SECRET = "t7Gx9Qe" + "Lr2VnB4hK8sWzP1dF"


# --- files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, status, content_type, body, leaked", [
    ("/.env", 200, "text/plain", "DB_URL=postgres://x\nSECRET=y\n", True),
    ("/.env", 200, "text/html", SPA_FALLBACK, False),  # a single-page app's fallback is no leak
    ("/.env", 404, "text/plain", "Not Found", False),
    ("/.git/config", 200, "text/plain", "[core]\n\tbare = false\n", True),
    ("/.git/HEAD", 200, "text/plain", "ref: refs/heads/main\n", True),
    ("/.git/HEAD", 200, "text/html", SPA_FALLBACK, False),
    ("/backup.sql", 200, "application/sql", "-- PostgreSQL database dump\nCREATE TABLE users (id int);", True),
    ("/db.sqlite3", 200, "application/octet-stream", "SQLite format 3\0...", True),
    ("/config.json.bak", 200, "application/octet-stream", '{"db": "x"}', True),
])
def test_sensitive_files(path, status, content_type, body, leaked):
    found = evaluate_sensitive_file(path, status, content_type, body, SENSITIVE_FILES[path])
    assert names(found) == (["sensitive-file-served"] if leaked else [])


def test_consoles_docs_and_listings():
    assert names(evaluate_debug_console("/console", 200, "<title>Interactive Console // Werkzeug Debugger</title>")) == \
        ["debug-console-exposed"]
    assert evaluate_debug_console("/console", 200, SPA_FALLBACK) == []
    openapi = json.dumps({"openapi": "3.1.0", "paths": {}})
    assert names(evaluate_api_doc("/openapi.json", 200, "application/json", openapi)) == ["api-docs-public"]
    assert names(evaluate_api_doc("/docs", 200, "text/html", "<div id=swagger-ui></div>")) == ["api-docs-public"]
    assert evaluate_api_doc("/docs", 200, "text/html", SPA_FALLBACK) == []
    assert evaluate_api_doc("/openapi.json", 401, "application/json", openapi) == []
    assert names(evaluate_directory_listing("/static/", 200, "<title>Index of /static/</title>")) == ["directory-listing"]
    assert evaluate_directory_listing("/static/", 403, "<title>Index of /static/</title>") == []


def test_scripts_and_source_maps():
    page = '<script src="/static/app.js?v=3" defer></script><script>inline()</script><script src="https://cdn.x/lib.js"></script>'
    assert script_urls("https://shop.example/admin/", page) == ["https://shop.example/static/app.js?v=3", "https://cdn.x/lib.js"]
    probes = source_map_candidates("https://shop.example/static/app.js?v=3", {"SourceMap": "/maps/app.map"},
                                   "code();\n//# sourceMappingURL=app.js.map\n")
    assert [(p.map_url, p.advertised_by) for p in probes] == [
        ("https://shop.example/maps/app.map", "sourcemap header"),
        ("https://shop.example/static/app.js.map", "sourceMappingURL comment"),
    ]  # the conventional <script>.map is the comment's URL here: asked once
    source_map = json.dumps({"version": 3, "sources": ["src/app.ts"], "mappings": "AAAA"})
    assert names(evaluate_source_map(probes[0], 200, source_map)) == ["source-map-served"]
    assert evaluate_source_map(probes[0], 200, SPA_FALLBACK) == []
    assert evaluate_source_map(probes[0], 404, source_map) == []


# --- secrets --------------------------------------------------------------------------------

def test_secret_shapes_in_bundles_and_env_files():
    bundle = f'window.CFG = {{ razorpayKeyId: "rzp_live_Jq3kT8vWm2XbYp", razorpayKeySecret: "{RZP_SECRET}", aws: "{AWS_KEY}" }};'
    kinds = {hit.kind for hit in scan_texts({"https://shop.example/app.js": bundle})}
    assert {"AWS Access Key", "Razorpay Key Secret"} <= kinds
    env_hits = scan_texts({"commit abc: .env": f"RAZORPAY_KEY_SECRET={RZP_SECRET}\nAWS_ACCESS_KEY_ID={AWS_KEY}\n"})
    assert {hit.kind for hit in env_hits} >= {"AWS Access Key", "Razorpay Key Secret"}
    assert {hit.line for hit in env_hits} == {1, 2}
    assert scan_texts({"test.js": 'const key = "rzp_test_Jq3kT8vWm2XbYp";'})[0].kind == "Razorpay Test Key"


def test_clean_code_has_no_findings():
    clean = {
        "app/settings.py": 'import os\nRAZORPAY_KEY_SECRET = os.environ["RAZORPAY_KEY_SECRET"]\n',
        ".env.example": "RAZORPAY_KEY_ID=\nRAZORPAY_KEY_SECRET=\n",
        "admin.js": 'const password = document.getElementById("password").value;\nfetch("/api/auth/login");\n',
        "checkout.js": 'const razorpayKeyId = "rzp_live_Jq3kT8vWm2XbYp"; // public by design\n',
    }
    assert scan_texts(clean) == []


def test_a_baseline_accepts_reviewed_findings():
    hits = scan_texts({"config.py": f'AWS = "{AWS_KEY}"\n'})
    baseline = json.dumps({"results": {"config.py": [{"type": "AWS Access Key", "hashed_secret": hash_secret(AWS_KEY)}]}})
    assert evaluate_secrets(hits, accepted=baseline_hashes(baseline), where="repo", fix="x") == []
    assert names(evaluate_secrets(hits, where="repo", fix="x")) == ["secrets-found"]
    assert AWS_KEY not in str(evaluate_secrets(hits, where="repo", fix="x"))  # only where, never the value


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
                    *args], check=True, capture_output=True)


def test_history_keeps_what_the_working_tree_lost(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README.md").write_text("hello\n")
    (repo / ".env").write_text(f"AWS_ACCESS_KEY_ID={AWS_KEY}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "one")
    _git(repo, "rm", "-q", ".env")
    _git(repo, "commit", "-q", "-m", "two")
    assert set(working_tree(repo)) == {"README.md"}
    history = history_additions(repo, 10)
    assert any(source.endswith(": .env") and AWS_KEY in text for source, text in history.items())
    assert [hit.kind for hit in scan_texts(history)] == ["AWS Access Key"]
    with pytest.raises(RepoScanError):
        working_tree(tmp_path / "missing")


# --- config reports -------------------------------------------------------------------------

def test_config_fields_and_test_keys():
    body = {"providers": {"razorpay": {"mode": "live"}, "payments": "real"}, "flags": {"ALLOW_INSECURE_TRACKER": False}}
    expect = {"providers.razorpay.mode": "live", "flags.ALLOW_INSECURE_TRACKER": False, "flags.SKIP_WEBHOOK_SIGNATURE": None}
    assert evaluate_fields(body, expect, name="x", fix="") == []
    body["flags"]["SKIP_WEBHOOK_SIGNATURE"] = "true"
    body["flags"]["ALLOW_INSECURE_TRACKER"] = "false"  # a string is not the boolean false
    assert len(evaluate_fields(body, expect, name="x", fix="")) == 2
    assert names(evaluate_no_test_keys({"key_id_prefix": "rzp_test_"})) == ["provider-test-key-in-production"]
    assert evaluate_no_test_keys({"key_id_prefix": "rzp_live_"}) == []


# --- CORS preflights ------------------------------------------------------------------------

ORIGIN = "https://admin.shop.example"


def test_preflight_grants_and_refusals():
    granted = {"Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Methods": "GET, POST",
               "Access-Control-Allow-Headers": "authorization, content-type", "Access-Control-Allow-Credentials": "true"}
    assert evaluate_preflight_granted(ORIGIN, "POST", ["Authorization", "Content-Type"], granted, credentials=True) == []
    assert names(evaluate_preflight_granted(ORIGIN, "DELETE", ["X-Tenant"], granted, credentials=True)) == \
        ["cors-preflight-method-not-granted", "cors-preflight-headers-not-granted"]
    wildcard = {**granted, "Access-Control-Allow-Methods": "*", "Access-Control-Allow-Headers": "*"}
    assert names(evaluate_preflight_granted(ORIGIN, "PUT", ["X-Tenant"], wildcard, credentials=True)) == \
        ["cors-preflight-method-not-granted", "cors-preflight-headers-not-granted"]  # '*' is literal with credentials
    assert evaluate_preflight_refused("PROPFIND", ["X-Unlisted"], granted) == []
    echoed = {**granted, "Access-Control-Allow-Methods": "PROPFIND", "Access-Control-Allow-Headers": "X-Unlisted"}
    assert names(evaluate_preflight_refused("PROPFIND", ["X-Unlisted"], echoed)) == \
        ["cors-preflight-grants-unlisted-method", "cors-preflight-grants-unlisted-headers"]
    assert evaluate_preflight_refused("PROPFIND", ["X-Unlisted"], {}) == []


def test_credentials_never_with_wildcard():
    assert names(evaluate_credentials_with_wildcard({"Access-Control-Allow-Origin": "*",
                                                     "Access-Control-Allow-Credentials": "true"})) == \
        ["cors-wildcard-with-credentials"]
    assert evaluate_credentials_with_wildcard({"Access-Control-Allow-Origin": "*"}) == []
