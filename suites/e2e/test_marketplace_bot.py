"""The marketplace's WhatsApp bot (RealServ's NotificationService): a buyer messages the business
number and the bot converses: menu, the live status of an order, help. golive sends what the Cloud
API would deliver (signed with the app secret) and reads the replies the bot sent."""

from __future__ import annotations

from golive import check, expect
from golive.probes.whatsapp_bot import help_findings, menu_findings, status_findings


@check("MKT-BOT-001", "Inbound WhatsApp messages drive the bot's conversation and its replies arrive",
       safety="mutating", items=["realserv:TEST-E2E-04"])
def test_whatsapp_bot_conversation(marketplace, marketplace_bot):
    buyer = marketplace.existing(marketplace.spec.customer_role)
    catalog = marketplace.catalog(buyer)
    expect.true(bool(catalog), "the catalog is empty", expected="a product to order", found="none", where="catalog",
                fix="load the launch catalog before go-live")
    order = marketplace.place_order(buyer, catalog[0], quantity=1)
    marketplace.order_confirmations(buyer, order)  # deleted at teardown with the order's cancel
    phone = marketplace_bot.test_phone()
    where = f"the bot's replies to {phone}"

    expect.no_findings(menu_findings(marketplace_bot.say(phone, "hi"), "track"), "'hi' did not open the menu",
                       where=where)
    expect.no_findings(status_findings(marketplace_bot.say(phone, f"track {order['id']}"), order["id"], "created"),
                       "'track' did not answer the order's status", where=where)
    marketplace.cancel(order)
    expect.no_findings(status_findings(marketplace_bot.say(phone, f"track {order['id']}"), order["id"], "cancelled"),
                       "'track' did not follow the order's change", where=where)
    expect.no_findings(help_findings(marketplace_bot.say(phone, "help")), "'help' got no answer", where=where)
