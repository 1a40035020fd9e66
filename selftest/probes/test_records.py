"""Record round trips (create, read back, delete) judged on fixed answers."""

from golive.probes.findings import names
from golive.probes.records import RecordTrip, record_trip_findings

TAG = "golive-20261121-abc123"


def trip(**changes):
    base = dict(service="integration", record="subscription sub_1", expected={"name": TAG, "event": "order.created"},
                read_back={"id": "sub_1", "name": TAG, "event": "order.created"}, delete_status=204, after_delete=None)
    return RecordTrip(**{**base, **changes})


def test_a_complete_round_trip_has_no_findings():
    assert record_trip_findings([trip(), trip(deletion="cancelled", delete_status=200,
                                              after_delete={"status": "cancelled"})]) == []


def test_a_record_that_was_never_stored():
    assert names(record_trip_findings([trip(read_back=None, delete_status=404)])) == ["record-not-stored"]


def test_a_read_back_without_the_tag():
    findings = record_trip_findings([trip(read_back={"name": "other", "event": "order.created"})])
    assert names(findings) == ["record-read-back-differs"] and "name='other'" in findings[0].found


def test_a_refused_delete():
    assert names(record_trip_findings([trip(delete_status=403)])) == ["record-delete-refused"]


def test_a_delete_that_left_the_record():
    assert names(record_trip_findings([trip(after_delete={"name": TAG})])) == ["record-not-deleted"]


def test_a_cancel_that_did_not_cancel():
    findings = record_trip_findings([trip(deletion="cancelled", delete_status=200, after_delete={"status": "created"})])
    assert names(findings) == ["record-not-cancelled"]
