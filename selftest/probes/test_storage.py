"""golive.probes.storage and golive.probes.backups against fixed vectors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from golive.probes import backups, storage
from golive.probes.findings import names

PRESIGNED = ("https://s3.ap-south-1.amazonaws.com/media/docs/coa.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
             "&X-Amz-Credential=AKIAEXAMPLE%2F20261121%2Fap-south-1%2Fs3%2Faws4_request&X-Amz-Date=20261121T081338Z"
             "&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=12d9dbec4324")


def test_encryption_rule_accepted_and_missing_rule_named():
    rule = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}
    assert storage.encryption_findings(rule) == []
    assert names(storage.encryption_findings(None)) == ["bucket-encryption-missing"]
    assert names(storage.encryption_findings({"Rules": [{"ApplyServerSideEncryptionByDefault": {}}]})) == [
        "bucket-encryption-missing"]


def test_object_encryption_lists_plain_objects():
    assert storage.object_encryption_findings({"a": "AES256", "b": "aws:kms"}) == []
    finding = storage.object_encryption_findings({"a": "AES256", "b": None})[0]
    assert finding.name == "object-not-encrypted" and "1 of 2" in finding.found and "b" in finding.found


def test_versioning_must_be_enabled():
    assert storage.versioning_findings({"Status": "Enabled"}) == []
    assert "Suspended" in storage.versioning_findings({"Status": "Suspended"})[0].found
    assert "never enabled" in storage.versioning_findings({})[0].found


def test_lifecycle_needs_an_enabled_expiring_rule():
    expiring = [{"ID": "tmp", "Status": "Enabled", "Expiration": {"Days": 30}}]
    noncurrent = [{"ID": "old", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]
    transition_only = [{"ID": "ia", "Status": "Enabled", "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}]
    disabled = [{"ID": "tmp", "Status": "Disabled", "Expiration": {"Days": 30}}]
    assert storage.lifecycle_findings(expiring) == [] and storage.lifecycle_findings(noncurrent) == []
    assert names(storage.lifecycle_findings(transition_only)) == ["lifecycle-expiration-missing"]
    assert names(storage.lifecycle_findings(disabled)) == ["lifecycle-expiration-missing"]
    assert "no lifecycle configuration" in storage.lifecycle_findings(None)[0].found


def test_cdn_headers():
    cloudfront = {"Via": "1.1 abc.cloudfront.net (CloudFront)", "X-Cache": "Hit from cloudfront",
                  "Cache-Control": "public, max-age=86400"}
    assert storage.cdn_findings(cloudfront) == []
    assert names(storage.cdn_findings({"Server": "AmazonS3"})) == ["public-file-not-via-cdn", "public-file-not-cacheable"]
    assert names(storage.cdn_findings({**cloudfront, "Cache-Control": "no-store"})) == ["public-file-not-cacheable"]
    fastly = {"X-Served-By": "cache-bom4720", "Cache-Control": "s-maxage=600"}
    assert names(storage.cdn_findings(fastly, "cloudfront")) == ["public-file-not-via-cdn", "public-file-not-cacheable"]
    assert storage.cdn_findings({**fastly, "Cache-Control": "public, s-max-age=600"}, "any") == []


def test_tampered_and_extended_urls_keep_the_signature():
    tampered = storage.tampered_presigned_url(PRESIGNED)
    assert urlsplit(tampered).path == "/media/docs/coa.pdf.tampered" and "X-Amz-Signature=12d9dbec4324" in tampered
    extended = parse_qs(urlsplit(storage.extended_presigned_url(PRESIGNED)).query)
    assert extended["X-Amz-Expires"] == ["604800"] and extended["X-Amz-Signature"] == ["12d9dbec4324"]
    assert extended["X-Amz-Credential"] == ["AKIAEXAMPLE/20261121/ap-south-1/s3/aws4_request"]


def test_refused_findings():
    assert storage.refused_findings("x", 403, "a tampered URL") == []
    assert names(storage.refused_findings("presigned-url-tampering-accepted", 200, "a tampered URL")) == [
        "presigned-url-tampering-accepted"]


NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def nightly(days: range, skip: tuple[int, ...] = ()) -> list[dict[str, object]]:
    listing = []
    for offset in days:
        if offset in skip:
            continue
        taken = (NOW - timedelta(days=offset)).replace(hour=2)
        listing.append({"Key": f"nightly/{taken:%Y/%m/%d}/db-{taken:%Y%m%dT%H%M%SZ}.sqlite3",
                        "LastModified": NOW, "Size": 4096})
    return listing


def test_backup_time_comes_from_the_key_else_last_modified():
    pattern, fmt = r"(\d{8}T\d{6}Z)", "%Y%m%dT%H%M%SZ"
    assert backups.taken_at("db-20261120T020000Z.sqlite3", NOW, pattern, fmt) == datetime(2026, 11, 20, 2, tzinfo=UTC)
    assert backups.taken_at("latest.dump", NOW, pattern, fmt) == NOW
    listed = backups.backups_from_listing(nightly(range(1, 4)) + [{"Key": "nightly/", "LastModified": NOW}], pattern, fmt)
    assert [b.taken_at.day for b in listed] == [18, 19, 20]


def test_freshness():
    listed = backups.backups_from_listing(nightly(range(1, 5)), r"(\d{8}T\d{6}Z)", "%Y%m%dT%H%M%SZ")
    assert backups.freshness_findings(listed, NOW, timedelta(hours=31)) == []
    stale = backups.freshness_findings(listed, NOW, timedelta(hours=26))
    assert names(stale) == ["backup-stale"] and "30.0 h" in stale[0].found
    assert names(backups.freshness_findings([], NOW, timedelta(hours=26))) == ["no-backup"]
    window = NOW - timedelta(hours=2)
    assert names(backups.freshness_findings(listed, NOW, timedelta(hours=31), window)) == ["backup-before-change-window"]
    assert backups.freshness_findings(listed, NOW, timedelta(hours=31), NOW - timedelta(days=2)) == []
    empty = [backups.Backup("nightly/x", NOW, 0)]
    assert names(backups.freshness_findings(empty, NOW, timedelta(hours=26))) == ["backup-empty"]


def test_coverage_of_the_retention_window():
    pattern, fmt = r"(\d{8}T\d{6}Z)", "%Y%m%dT%H%M%SZ"
    full = backups.backups_from_listing(nightly(range(1, 31)), pattern, fmt)
    assert backups.coverage_findings(full, NOW.date(), 30) == []
    assert names(backups.coverage_findings(full, NOW.date(), 31)) == ["backup-history-gap"]
    holes = backups.backups_from_listing(nightly(range(1, 31), skip=(9, 10)), pattern, fmt)
    finding = backups.coverage_findings(holes, date(2026, 11, 21), 30)[0]
    assert "2 day(s)" in finding.found and "2026-11-12" in finding.found and "2026-11-11" in finding.found


def test_restore_sqlite_runs_sanity_queries(tmp_path: Path):
    database = tmp_path / "backup.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO users VALUES (?)", [(1,), (2,)])
        conn.execute("CREATE TABLE products (sku TEXT)")
    conn.close()
    queries = {"users>=2": "SELECT COUNT(*) FROM users", "products>=1": "SELECT COUNT(*) FROM products",
               "orders>=1": "SELECT COUNT(*) FROM orders"}
    results = backups.restore_sqlite(database.read_bytes(), queries)
    assert results["PRAGMA integrity_check>=1"] == 1 and results["users>=2"] == 2 and results["products>=1"] == 0
    assert "no such table" in str(results["orders>=1"])
    assert names(backups.sanity_findings(results)) == ["restore-data-missing", "restore-query-failed"]


def test_truncated_backup_does_not_restore(tmp_path: Path):
    database = tmp_path / "backup.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO users VALUES (?)", [(n,) for n in range(2000)])
    conn.close()
    results = backups.restore_sqlite(database.read_bytes()[:512], {"users>=1": "SELECT COUNT(*) FROM users"})
    assert "restore-query-failed" in names(backups.sanity_findings(results))
    assert backups.sanity_findings(backups.restore_sqlite(database.read_bytes(), {"users>=1": "SELECT COUNT(*) FROM users"})) == []
