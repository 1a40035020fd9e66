"""The admin signs in through the real web page in Chromium, and the browser logs no errors."""

import allure
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from golive import check, expect
from golive.browser import open_page


@check("BRW-ADMIN-001", "Admin logs in through the web page with no console errors", critical=True,
       items=["arogya:S0-EXIT-02", "arogya:S0-EXIT-03"], gates=["S0"])
def test_admin_logs_in_through_web_page(admin_login_page, auth_config, page, console):
    credentials = auth_config.roles[admin_login_page.role]
    open_page(page, str(admin_login_page.url))
    page.fill(admin_login_page.username_selector, credentials.username)
    page.fill(admin_login_page.password_selector, credentials.password)
    page.click(admin_login_page.submit_selector)
    signed_in = page.locator(admin_login_page.signed_in_selector)
    try:
        signed_in.wait_for(state="visible")
        shown = signed_in.inner_text()
    except PlaywrightTimeout:  # the sign-in never completed; say what the page showed instead
        shown = ""
    page.wait_for_load_state("networkidle")
    allure.attach(page.screenshot(full_page=True), name="after sign-in", attachment_type=allure.attachment_type.PNG)
    expect.true(bool(shown) and admin_login_page.signed_in_text in shown, "admin did not reach the signed-in page",
                expected=f"{admin_login_page.signed_in_selector} showing {admin_login_page.signed_in_text!r}",
                found=f"{shown!r} at {page.url}" + (f"; browser said: {console.errors[0]}" if console.errors else ""),
                where=str(admin_login_page.url), fix="open the page in a browser with devtools and sign in")
    expect.true(not console.errors, "the admin pages logged errors", expected="no console errors or failed requests",
                found=" | ".join(console.errors[:5]), where=page.url,
                fix="fix the page's scripts, CORS allow-list (admin origin) or failing requests")
