"""The post-deploy suite: ``-m post_deploy`` selects the checks of the hour after the switch, in the
seeds' order (checks of other folders joining at their step), and ends GO on healthy targets."""

from __future__ import annotations

import re
import subprocess
import sys

from selftest.golive_runs import ROOT, golive

SEED_ORDER = [
    # 1 services healthy at the release version
    "suites/infrastructure/test_health.py::test_liveness",
    "suites/infrastructure/test_health.py::test_health_response_time",
    "suites/post_deploy/test_01_release.py::test_service_reports_release",
    "suites/post_deploy/test_01_release.py::test_rollout_is_consistent",
    # 2 database and Redis connections (readiness: each dependency, replica lag)
    "suites/infrastructure/test_health.py::test_readiness",
    "suites/infrastructure/test_health.py::test_database_ping",
    # 3 error rate and response times since the deploy
    "suites/observability/test_latency.py::test_key_endpoint_latency",
    "suites/post_deploy/test_03_error_rate.py::test_error_rate_since_deploy",
    # 4 a staged Razorpay test webhook processed (once)
    "suites/security/test_webhooks.py::test_signed_payment_accepted",
    "suites/security/test_webhooks.py::test_replayed_event_processed_once",
    # 5 test buyer and vendor accounts, an order end to end, notifications, data written
    "suites/post_deploy/test_05_accounts_and_order.py::test_buyer_orders_pays_and_is_notified",
    "suites/post_deploy/test_05_accounts_and_order.py::test_vendor_registers_passes_kyc_and_fulfils",
    # 6 the Rs 1 payment
    "suites/post_deploy/test_06_rs1_checkout.py::test_rupee_payment_and_refund",
    "suites/post_deploy/test_06_rs1_payment.py::test_rs1_payment_is_refunded_and_reconciled",
]


def test_post_deploy_runs_in_the_seeds_order(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "-m", "post_deploy", "--env", "local", f"--reports-dir={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    collected = re.findall(r"^(suites/\S+?)(?:\[[^\]]*\])?$", done.stdout, re.M)
    assert list(dict.fromkeys(collected)) == SEED_ORDER, done.stdout[-3000:]


def test_post_deploy_is_go_on_the_healthy_sandbox(tmp_path):
    run = golive(tmp_path, "-m", "post_deploy", "--env", "local")
    assert run.exit_code == 0 and run.verdict["decision"] == "GO", run.verdict["reasons"]
    assert {c["section"] for c in run.verdict["checks"]} == {"infrastructure", "post_deploy", "observability",
                                                              "security"}
    assert any(c["critical"] and c["status"] == "passed" for c in run.verdict["checks"])


def test_post_deploy_with_writes_on_realserv_is_go_with_the_marketplace_journeys(tmp_path):
    run = golive(tmp_path, "-m", "post_deploy", "--env", "realserv-local", "--allow-writes", timeout_s=400)
    assert run.exit_code == 0 and run.verdict["decision"] == "GO", run.verdict["reasons"]
    for check_id in ("MKT-BUY-001", "MKT-VENDOR-001", "MKT-REFUND-001"):
        assert run.status_of(check_id) == {"passed"}, check_id
