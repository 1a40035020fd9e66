"""Database backups: a fresh one exists and restores, the nightly history covers the retention
window, and the restore drill brings back a database that answers the profile's sanity queries."""

from datetime import UTC, datetime, timedelta

import pytest

from golive import check, expect, required, unverified
from golive.probes import backups as probe
from golive.storage import s3_call, s3_where

ITEMS_RESTORE_DRILL = [
    "consolidated:ENV-BACKUP-03", "consolidated:RB-DB-01", "inventory:RB-IMM-02", "inventory:MAINT-WEEK-04",
    "realserv:INF-DB-08", "realserv:OPS-BC-01", "realserv:ROLLBACK-03",
]


@pytest.fixture
def backup_listing(backup_policy, backup_s3):
    """Every backup under the profile's prefix, oldest first."""
    where = s3_where(backup_s3, backup_policy.bucket, backup_policy.prefix)
    s3_call(backup_s3.head_bucket, "the backup store cannot be reached", where=where, Bucket=backup_policy.bucket)
    objects = []
    for page in backup_s3.get_paginator("list_objects_v2").paginate(Bucket=backup_policy.bucket,
                                                                     Prefix=backup_policy.prefix):
        objects += page.get("Contents", [])
    return probe.backups_from_listing(objects, backup_policy.key_timestamp_regex, backup_policy.key_timestamp_format)


def restore_latest(backup_policy, backup_s3, backups):
    """Download the newest backup and restore it into a scratch database; the sanity answers."""
    latest = required(backups, "a backup to restore (none listed)")[-1]
    where = s3_where(backup_s3, backup_policy.bucket, latest.key)
    if latest.size > backup_policy.max_restore_mb * 1024 * 1024:
        unverified(f"{latest.key} is larger than backups.max_restore_mb ({backup_policy.max_restore_mb} MB)")
    data = s3_call(backup_s3.get_object, "the latest backup cannot be downloaded", where=where,
                   Bucket=backup_policy.bucket, Key=latest.key)["Body"].read()
    queries = {f"{query.name}>={query.min_value}": query.sql for query in backup_policy.sanity_queries}
    return probe.restore_sqlite(data, queries), where


@check("INF-BACKUP-001", "A fresh database backup exists (newer than the allowed age) and restores", critical=True,
       items=["arogya:S7-TASK-01", "consolidated:FINAL-02", "inventory:PRE-DB-03",
              # with REL-MIGRATE-001: "database migrations executed (with backup)"
              "realserv:DEP-PROD-01"], gates=["S7"])
def test_fresh_backup_restores(backup_policy, backup_s3, backup_listing):
    where = s3_where(backup_s3, backup_policy.bucket, backup_policy.prefix)
    expect.no_findings(probe.freshness_findings(backup_listing, datetime.now(UTC),
                                                timedelta(hours=backup_policy.max_age_hours),
                                                backup_policy.not_before),
                       "no fresh database backup", where=where)
    results, where = restore_latest(backup_policy, backup_s3, backup_listing)
    expect.no_findings(probe.sanity_findings(results), "the latest backup does not restore", where=where)


@check("INF-BACKUP-002", "Nightly backups cover the retention window", items=["consolidated:ENV-BACKUP-01"])
def test_nightly_backups_cover_retention(backup_policy, backup_s3, backup_listing):
    expect.no_findings(
        probe.coverage_findings(backup_listing, datetime.now(UTC).date(), backup_policy.retention_days),
        f"nightly backups do not cover the last {backup_policy.retention_days} days",
        where=s3_where(backup_s3, backup_policy.bucket, backup_policy.prefix))


@check("INF-BACKUP-003", "Restore drill: the latest backup restores into a scratch database and answers sanity queries",
       items=ITEMS_RESTORE_DRILL)
def test_restore_drill(backup_policy, backup_s3, backup_listing):
    results, where = restore_latest(backup_policy, backup_s3, backup_listing)
    expect.no_findings(probe.sanity_findings(results), "the restore drill failed", where=where)
