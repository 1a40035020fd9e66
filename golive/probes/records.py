"""Database round trips through each service's API: a tagged record is stored, read back with
what was sent, deleted, and no longer returned (or, for records a service keeps, cancelled).

Pure: the adapter performs the requests and hands over what each step answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from golive.probes.findings import Finding

#: a deleted record is gone (404 / not listed) or, for records a service must keep, cancelled
Deletion = Literal["gone", "cancelled"]


@dataclass(frozen=True)
class RecordTrip:
    service: str
    record: str  # what was created, e.g. "subscription sub_12ab"
    expected: Mapping[str, Any]  # fields the read-back must carry (the tag, the values sent)
    read_back: Mapping[str, Any] | None  # the record as the service returned it; None: not found
    delete_status: int
    after_delete: Mapping[str, Any] | None  # the record read again after the delete
    deletion: Deletion = "gone"


def _differences(expected: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {name: (value, found.get(name)) for name, value in expected.items() if found.get(name) != value}


def record_trip_findings(trips: Iterable[RecordTrip]) -> list[Finding]:
    findings = []
    for trip in trips:
        label = f"{trip.service}: {trip.record}"
        if trip.read_back is None:
            # a record never stored cannot be deleted either: its delete's answer says nothing more
            findings.append(Finding("record-not-stored", f"{label} read back after it was created",
                                    "not found", f"{trip.service} must save what it answered 201 to"))
            continue
        if differences := _differences(trip.expected, trip.read_back):
            shown = ", ".join(f"{name}={found!r} (sent {sent!r})" for name, (sent, found) in differences.items())
            findings.append(Finding("record-read-back-differs", f"{label} with the fields sent", shown,
                                    f"{trip.service} must store the fields it accepts unchanged"))
        if not 200 <= trip.delete_status < 300:
            findings.append(Finding("record-delete-refused", f"{label} deleted (HTTP 2xx)",
                                    f"HTTP {trip.delete_status}", f"{trip.service} must delete its records"))
        elif trip.deletion == "gone" and trip.after_delete is not None:
            findings.append(Finding("record-not-deleted", f"{label} gone after the delete",
                                    "still returned", f"{trip.service} must remove the record, not only answer 2xx"))
        elif trip.deletion == "cancelled" and (trip.after_delete or {}).get("status") != "cancelled":
            findings.append(Finding("record-not-cancelled", f"{label} with status cancelled after the cancel",
                                    f"status {(trip.after_delete or {}).get('status')!r}",
                                    f"{trip.service} must save the cancellation"))
    return findings
