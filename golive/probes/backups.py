"""Database backups: when each was taken, whether the newest is fresh, whether the nightly
history covers the retention window, and what a restored copy answered."""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from golive.probes.findings import Finding


@dataclass(frozen=True)
class Backup:
    key: str
    taken_at: datetime
    size: int


def taken_at(key: str, last_modified: datetime, pattern: str, time_format: str) -> datetime:
    """The time in the key (``db-20261121T020000Z.sqlite3``), else the object's LastModified."""
    match = re.search(pattern, key)
    if match:
        try:
            return datetime.strptime(match.group(1), time_format).replace(tzinfo=UTC)
        except ValueError:
            pass
    return last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)


def backups_from_listing(objects: Iterable[Mapping[str, object]], pattern: str, time_format: str) -> list[Backup]:
    """ListObjectsV2 ``Contents`` entries, oldest first."""
    backups = [
        Backup(str(obj["Key"]), taken_at(str(obj["Key"]), obj["LastModified"], pattern, time_format), int(obj.get("Size", 0)))  # type: ignore[arg-type]
        for obj in objects if not str(obj["Key"]).endswith("/")
    ]
    return sorted(backups, key=lambda backup: backup.taken_at)


def freshness_findings(backups: list[Backup], now: datetime, max_age: timedelta,
                       not_before: datetime | None = None) -> list[Finding]:
    if not backups:
        return [Finding("no-backup", "at least one database backup", "none listed",
                        "schedule the backup job and check it writes where the profile says")]
    latest = backups[-1]
    age = now - latest.taken_at
    findings = []
    if age > max_age:
        findings.append(Finding("backup-stale", f"latest backup younger than {max_age}",
                                f"{latest.key} taken {_hours(age)} ago",
                                "take a backup now and find out why the scheduled job stopped"))
    if not_before is not None and latest.taken_at < not_before:
        findings.append(Finding("backup-before-change-window", f"a backup taken after {not_before.isoformat()}",
                                f"latest {latest.key} taken {latest.taken_at.isoformat()}",
                                "take the final backup now, after writes were stopped, before switching over"))
    if latest.size <= 0:
        findings.append(Finding("backup-empty", "a non-empty latest backup", f"{latest.key} is 0 bytes",
                                "the dump job fails silently: check its logs and disk space"))
    return findings


def coverage_findings(backups: list[Backup], today: date, retention_days: int) -> list[Finding]:
    """One backup per calendar day (UTC) for each of the ``retention_days`` days before today."""
    days = {backup.taken_at.astimezone(UTC).date() for backup in backups if backup.size > 0}
    wanted = [today - timedelta(days=offset) for offset in range(1, retention_days + 1)]
    missing = [day for day in wanted if day not in days]
    if missing:
        shown = ", ".join(day.isoformat() for day in missing[:5]) + (" ..." if len(missing) > 5 else "")
        return [Finding("backup-history-gap", f"a nightly backup on each of the last {retention_days} days",
                        f"{len(missing)} day(s) without one: {shown}",
                        "alert on failed backup jobs; keep backups at least as long as the retention policy says")]
    return []


def sanity_findings(results: Mapping[str, int | str]) -> list[Finding]:
    """``name -> value`` of each sanity query (an error message when it failed), checked against
    the minimum its name was given with: keys are ``name>=min``."""
    findings = []
    for label, value in results.items():
        name, _, minimum = label.partition(">=")
        if isinstance(value, str):
            findings.append(Finding("restore-query-failed", f"{name} answers on the restored database", value,
                                    "the backup is missing tables or is not a database at all"))
        elif value < int(minimum or 1):
            findings.append(Finding("restore-data-missing", f"{name} >= {minimum or 1}", str(value),
                                    "the backup holds no data: check what the dump job copies"))
    return findings


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:.1f} h"


def restore_sqlite(data: bytes, queries: Mapping[str, str]) -> dict[str, int | str]:
    """Restore a SQLite backup into a scratch file and run ``label -> SELECT`` on it: each
    answers its first column as a number, or the error message. ``integrity_check`` always runs."""
    fd, path = tempfile.mkstemp(prefix="golive-restore-", suffix=".sqlite3")
    try:
        with os.fdopen(fd, "wb") as scratch:
            scratch.write(data)
        results: dict[str, int | str] = {}
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for label, sql in {"PRAGMA integrity_check>=1": "PRAGMA integrity_check", **queries}.items():
                try:
                    row = connection.execute(sql).fetchone()
                except sqlite3.Error as exc:
                    results[label] = f"{type(exc).__name__}: {exc}"
                    continue
                value = row[0] if row else None
                if label.startswith("PRAGMA integrity_check"):
                    results[label] = 1 if value == "ok" else f"integrity_check: {value}"
                else:
                    results[label] = value if isinstance(value, int) else f"answered {value!r}, not a number"
        finally:
            connection.close()
        return results
    finally:
        os.remove(path)
