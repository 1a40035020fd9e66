"""The admin signs in through the real web page in Chromium, and the browser logs no errors."""

import allure

from golive import check, expect
from golive.browser import alert_text, sign_in


@check("BRW-ADMIN-001", "Admin logs in through the web page with no console errors", critical=True,
       items=["arogya:S0-EXIT-02", "arogya:S0-EXIT-03"], gates=["S0"])
def test_admin_logs_in_through_web_page(admin_login_page, auth_config, page, console, reachability):
    credentials = auth_config.roles[admin_login_page.role]
    shown = sign_in(page, admin_login_page, credentials.username, credentials.password, reachability)
    alert = alert_text(page, admin_login_page.error_selector)
    allure.attach(page.screenshot(full_page=True), name="after sign-in", attachment_type=allure.attachment_type.PNG)
    expect.true(bool(shown) and admin_login_page.signed_in_text in shown, "admin did not reach the signed-in page",
                expected=f"{admin_login_page.signed_in_selector} showing {admin_login_page.signed_in_text!r}",
                found=f"{shown!r} at {page.url}" + (f"; the page says: {alert!r}" if alert else "")
                + (f"; browser said: {console.errors[0]}" if console.errors else ""),
                where=str(admin_login_page.url), fix="open the page in a browser with devtools and sign in")
    expect.true(not console.errors, "the admin pages logged errors", expected="no console errors or failed requests",
                found=" | ".join(console.errors[:5]), where=page.url,
                fix="fix the page's scripts, CORS allow-list (admin origin) or failing requests")
