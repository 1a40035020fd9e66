"""The Rs 1 payment with a live Razorpay key, end to end (envs/realserv-live-local.env): golive shows
a payment link, the sandbox's Razorpay emulator plays the person who pays it, and the chain from
capture to refund.processed is proven; nobody paying leaves the check unverified within the window.
Each broken link of the chain is the fault matrix's (sandbox/faults.py, env realserv-live-local)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from selftest.golive_runs import ROOT, golive
from selftest.runs.test_cleanup import _clean_environ, cleanup, env_values, production_like

CHECK = ("--env", "realserv-live-local", "--check", "MKT-REFUND-001")


def until(read: Callable[[], Any], done: Callable[[Any], bool], deadline_s: float = 30.0) -> Any:
    deadline = time.monotonic() + deadline_s
    while not done(value := read()):
        assert time.monotonic() < deadline, f"never reached: {value!r}"
        time.sleep(0.1)  # poll interval, bounded by the deadline
    return value


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


# --- the consolidated shop's own checkout (envs/consolidated-live-local.env): INT-CHECKOUT-001 ---

SHOP = ("--env", "consolidated-live-local", "--check", "INT-CHECKOUT-001")


def test_the_shops_post_deploy_run_with_a_live_key_ends_go_with_a_person_paying(tmp_path):
    run = golive(tmp_path, "-m", "post_deploy", "--env", "consolidated-live-local", "--allow-writes", timeout_s=300)
    assert run.verdict["decision"] == "GO", run.verdict["reasons"]
    assert run.status_of("INT-CHECKOUT-001") == {"passed"}
    assert "golive: pay Rs 1.00 within 1m to verify the live payment chain (it is refunded): http" in run.output
    attachments = [path.read_text() for path in (tmp_path / "allure-results").glob("*-attachment*")]
    table = next(text for text in attachments if text.startswith("| record | id |"))
    for row in ("| order (system) | co_", "| payment link | plink_", "| webhook payment.captured | evt_",
                "| webhook refund.processed | evt_", "| refund (system) | rfnd_"):
        assert row in table, table
    ledger = (tmp_path / "ledger.jsonl").read_text()
    assert '"method": "SETTLE"' in ledger and "/cancel" in ledger and '"undo_failed"' not in ledger


@pytest.mark.parametrize(("fault", "link"), [
    ("razorpay_payment_not_captured", "capture seen at Razorpay"),
    ("checkout_refund_not_sent", "the refund issued through the system"),
    ("razorpay_webhook_without_refund_events", "refund.processed received"),
])
def test_the_shops_chain_names_the_link_a_reused_fault_breaks(fault, link, tmp_path):
    """Faults of the emulator and of the shop's refund registered for other envs break this chain too
    (the shop's own webhook faults are the fault matrix's, env consolidated-live-local)."""
    run = golive(tmp_path, *SHOP, faults=fault)
    assert run.verdict["decision"] == "NO-GO" and run.status_of("INT-CHECKOUT-001") == {"failed"}
    (result,) = [c for c in run.verdict["checks"] if c["id"] == "INT-CHECKOUT-001"]
    assert f"the live Rs 1 payment chain breaks at: {link}" in result["message"], result["message"]


def test_nobody_paying_the_shops_link_is_unverified_with_the_order_cancelled(tmp_path):
    run = golive(tmp_path, *SHOP, "--payment-window", "3s", environ={"SANDBOX_RAZORPAY_PAYER_DELAY_S": "off"})
    assert run.verdict["decision"] == "NO-GO" and run.status_of("INT-CHECKOUT-001") == {"unverified"}
    (result,) = [c for c in run.verdict["checks"] if c["id"] == "INT-CHECKOUT-001"]
    assert "nobody paid the payment link http" in result["message"] and "(Rs 1.00) within 3s" in result["message"]
    assert "are cancelled" in result["message"]
    ledger = (tmp_path / "ledger.jsonl").read_text()
    assert '"method": "SETTLE"' in ledger and '"undo_failed"' not in ledger


def live_env_as_one_file(tmp_path: Path) -> Path:
    """realserv-live-local as one file (production_like copies one file)."""
    merged = tmp_path / "merged.env"
    own = [line for line in (ROOT / "envs" / "realserv-live-local.env").read_text().splitlines()
           if not line.startswith("GOLIVE_ENV_EXTENDS=")]
    merged.write_text((ROOT / "envs" / "realserv-local.env").read_text() + "\n" + "\n".join(own) + "\n")
    return merged


def test_a_run_killed_while_waiting_leaves_a_link_that_cleanup_refunds_once_paid(tmp_path):
    """The run dies while the person pays: `golive cleanup` refunds the payment through the ledger's link."""
    merged = live_env_as_one_file(tmp_path)
    for sandbox, envs in production_like(tmp_path, {"SANDBOX_RAZORPAY_PAYER_DELAY_S": "2"}, base=merged):
        reports = tmp_path / "killed"
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", f"--reports-dir={reports}", "-p", "no:cacheprovider", "--env", "prodlike",
             f"--envs-dir={envs}", "--allow-writes", "--confirm-live-payment", "--check", "MKT-REFUND-001"],
            cwd=ROOT, env=_clean_environ(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL)
        try:
            assert run.stderr is not None
            for line in run.stderr:  # ends when the run does: a run that never shows the link fails below
                if "golive: pay Rs 1.00" in line:
                    break
        finally:
            run.kill()
            run.wait(timeout=30)
        pending = [json.loads(line) for line in (reports / "ledger.jsonl").read_text().splitlines()]
        (link_url,) = [entry["url"] for entry in pending if entry.get("method") == "SETTLE"]
        auth = (env_values(merged)["RAZORPAY_KEY_ID"], env_values(merged)["RAZORPAY_KEY_SECRET"])
        with httpx.Client(trust_env=False, timeout=5.0, auth=auth) as razorpay:
            paid = until(lambda: razorpay.get(link_url).json(), lambda link: link["status"] == "paid")
            swept = cleanup(envs, "prodlike", reports)
            assert swept.returncode == 0, swept.stdout + swept.stderr
            payment_url = link_url.split("/payment_links/")[0] + f"/payments/{paid['payments'][0]['payment_id']}"
            assert razorpay.get(payment_url).json()["status"] == "refunded"
        assert "nothing pending" in cleanup(envs, "prodlike", reports).stdout


def test_a_run_killed_before_the_links_answer_leaves_it_to_be_found_by_reference(tmp_path):
    """Killed between creating the link and recording its id: cleanup lists links by the order's reference."""
    merged = live_env_as_one_file(tmp_path)
    for sandbox, envs in production_like(tmp_path, {"SANDBOX_RAZORPAY_PAYER_DELAY_S": "0"}, base=merged):
        reports = tmp_path / "killed"
        # the 4th create: the test product, the order, the checkout's Razorpay order, then the link
        killed = subprocess.run(
            [sys.executable, "-m", "pytest", f"--reports-dir={reports}", "-p", "no:cacheprovider", "--env", "prodlike",
             f"--envs-dir={envs}", "--allow-writes", "--confirm-live-payment", "--check", "MKT-REFUND-001"],
            cwd=ROOT, env=_clean_environ(GOLIVE_SELFTEST_CRASH_AT="created:4:KILL"), capture_output=True, text=True,
            timeout=120, stdin=subprocess.DEVNULL)
        assert killed.returncode != 0
        entries = [json.loads(line) for line in (reports / "ledger.jsonl").read_text().splitlines()]
        assert not any(entry.get("method") == "SETTLE" for entry in entries), "the link's id was never recorded"
        (sweep,) = [entry["sweep"] for entry in entries if entry.get("sweep") and "payment_links" in entry["sweep"]["list_url"]]
        values = env_values(merged)
        with httpx.Client(trust_env=False, timeout=5.0, auth=(values["RAZORPAY_KEY_ID"], values["RAZORPAY_KEY_SECRET"])) as razorpay:
            (link,) = until(lambda: razorpay.get(sweep["list_url"]).json()["payment_links"],
                            lambda links: len(links) == 1 and links[0]["status"] == "paid")
            swept = cleanup(envs, "prodlike", reports)
            assert swept.returncode == 0, swept.stdout + swept.stderr
            payment_url = sweep["list_url"].split("/payment_links")[0] + f"/payments/{link['payments'][0]['payment_id']}"
            assert razorpay.get(payment_url).json()["status"] == "refunded"
        assert "nothing pending" in cleanup(envs, "prodlike", reports).stdout
