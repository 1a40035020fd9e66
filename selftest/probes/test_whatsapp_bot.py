"""A bot's conversation judged from fixed replies."""

from golive.probes.findings import names
from golive.probes.whatsapp_bot import help_findings, menu_findings, status_findings

MENU = "Welcome to RealServ! Reply with:\n1. track <order id> - the status of your order\n2. help"


def test_a_menu_offering_tracking():
    assert menu_findings([MENU], "track") == []


def test_an_unanswered_greeting():
    assert names(menu_findings([], "track")) == ["bot-greeting-unanswered"]


def test_a_menu_without_the_command():
    assert names(menu_findings(["Hello!"], "track")) == ["bot-menu-incomplete"]


def test_the_order_status_reply():
    assert status_findings(["Order #42 status: created"], 42, "created") == []
    assert status_findings(["Order #42 status: cancelled"], 42, "cancelled") == []


def test_a_stale_or_foreign_status():
    assert names(status_findings(["Order #42 status: created"], 42, "cancelled")) == ["bot-order-status-wrong"]
    assert names(status_findings(["Order #142 status: created"], 42, "created")) == ["bot-order-status-wrong"]
    assert names(status_findings([], 42, "created")) == ["bot-order-status-wrong"]


def test_help():
    assert help_findings(["RealServ help: send 'track <order id>'"]) == []
    assert names(help_findings([])) == ["bot-help-unanswered"]
