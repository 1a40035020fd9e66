"""The marketplace's journeys end to end (RealServ's E2E tests): a role the admin assigns takes
effect. The buyer, vendor and Rs 1 journeys are the post-deployment smoke: suites/post_deploy/.
Everything created is tagged and undone afterwards."""

from __future__ import annotations

from golive import check, expect


@check("MKT-ROLE-001", "A role the admin assigns takes effect", safety="mutating", items=["realserv:TEST-E2E-03"])
def test_assigned_role_takes_effect(marketplace):
    email, password = marketplace.create_user(marketplace.spec.customer_role)
    before = marketplace.vendor_record_status(marketplace.sign_in(email, password))
    expect.true(before == 403, "a customer reaches vendor functions", expected="HTTP 403 before the role is assigned",
                found=f"HTTP {before}", where="GET vendor /api/vendors/me", fix="RBAC must follow the token's role")
    marketplace.assign_role(email, "vendor")
    after = marketplace.vendor_record_status(marketplace.sign_in(email, password))
    expect.true(after == 200, "the assigned role did not take effect", expected="HTTP 200 once the role is vendor",
                found=f"HTTP {after}", where="GET vendor /api/vendors/me after signing in again",
                fix="write the role to the identity provider's custom claims, not only the profile")
