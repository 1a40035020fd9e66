"""The Rs 1 payment with a live Razorpay key, end to end (envs/realserv-live-local.env): golive shows
a payment link, the sandbox's Razorpay emulator plays the person who pays it, and the chain from
capture to refund.processed is proven; nobody paying leaves the check unverified within the window.
Each broken link of the chain is the fault matrix's (sandbox/faults.py, env realserv-live-local)."""

from __future__ import annotations

from selftest.golive_runs import golive

CHECK = ("--env", "realserv-live-local", "--check", "MKT-REFUND-001")


def test_the_post_deploy_run_with_a_live_key_ends_go_with_a_person_paying_every_link(tmp_path):
    run = golive(tmp_path, "-m", "post_deploy", "--env", "realserv-live-local", "--allow-writes", timeout_s=300)
    assert run.verdict["decision"] == "GO", run.verdict["reasons"]
    for check_id in ("MKT-BUY-001", "MKT-VENDOR-001", "MKT-REFUND-001"):
        assert run.status_of(check_id) == {"passed"}, check_id
    assert run.output.count("golive: pay Rs ") == 3
    ledger = (tmp_path / "ledger.jsonl").read_text()
    assert ledger.count('"method": "SETTLE"') == 3 and '"undo_failed"' not in ledger


def test_a_person_pays_the_link_and_the_chain_is_proven(tmp_path):
    run = golive(tmp_path, *CHECK)
    assert run.verdict["decision"] == "GO", run.output
    assert run.status_of("MKT-REFUND-001") == {"passed"}
    assert "golive: pay Rs 1.00 within 1m to verify the live payment chain (it is refunded): http" in run.output
    attachments = [path.read_text() for path in (tmp_path / "allure-results").glob("*-attachment*")]
    table = next(text for text in attachments if text.startswith("| record | id |"))
    for row in ("| payment link | plink_", "| paid |", "| webhook payment.captured | evt_",
                "| webhook refund.processed | evt_", "| refund (system) | rfnd_"):
        assert row in table, table
    ledger = (tmp_path / "ledger.jsonl").read_text()
    assert '"method": "SETTLE"' in ledger and '"undo_failed"' not in ledger


def test_nobody_paying_is_unverified_within_the_window_with_the_order_and_link_cancelled(tmp_path):
    run = golive(tmp_path, *CHECK, "--payment-window", "3s", environ={"SANDBOX_RAZORPAY_PAYER_DELAY_S": "off"})
    assert run.verdict["decision"] == "NO-GO" and run.status_of("MKT-REFUND-001") == {"unverified"}
    (result,) = [c for c in run.verdict["checks"] if c["id"] == "MKT-REFUND-001"]
    assert "nobody paid the payment link http" in result["message"] and "(Rs 1.00) within 3s" in result["message"]
    assert "are cancelled" in result["message"]
    ledger = (tmp_path / "ledger.jsonl").read_text()
    assert '"method": "SETTLE"' in ledger and '"undo_failed"' not in ledger


def test_a_test_key_keeps_the_automatic_payment(tmp_path):
    run = golive(tmp_path, "--env", "realserv-local", "--check", "MKT-REFUND-001")
    assert run.status_of("MKT-REFUND-001") == {"passed"}, run.output
    assert "golive: pay Rs" not in run.output and "payment_links" not in (tmp_path / "ledger.jsonl").read_text()
