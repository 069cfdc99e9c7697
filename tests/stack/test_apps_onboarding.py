"""First sign-in of an invited user in a real browser: invitation e-mail, OTP enrolment, terms, new password,
and the IAM External Portal with exactly the tiles of the user's roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    ALL_ROLES,
    StackUser,
    UserFactory,
    access_token,
    browser_sign_in,
    managed_users,
    wait_for_invitations,
)

pytestmark = [pytest.mark.stack, pytest.mark.browser]

ACME = "Acme Pharma NV"
ONBOARDING_PAGES = ["login-login-config-totp", "login-terms", "login-login-update-password"]


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


def _new_password() -> str:
    return f"Nw#{uuid.uuid4().hex[:14]}Z9"


def _onboard_from_mail(browser: Browser, stack_info: dict, email: str, codes: OneTimeCodes) -> tuple:
    """Opens the link of the invitation e-mail in a fresh browser and completes the first sign-in."""
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    invited = StackUser("", email, mail.password, "", {}, [])
    context = browser.new_context()
    page = context.new_page()
    page.goto(mail.link)
    page.get_by_role("button", name="Confirm your invitation").click()  # opening the link alone does not use it
    expect(page.locator("body")).to_have_attribute("data-page-id", "login-login")
    seen = browser_sign_in(page, invited, codes, new_password=_new_password())
    return context, page, seen


def test_user_invited_in_the_ui_lands_on_the_portal_with_their_tiles(
    browser: Browser, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    base = stack_info["apps"]["base_url"]
    manager = users.create(ALL_ROLES, [ACME], tag="inviter")  # an inviter grants only roles they hold
    email = f"onboard-{uuid.uuid4().hex[:12]}@example.test"

    admin_context = browser.new_context()
    try:
        page = admin_context.new_page()
        page.goto(f"{base}/portal")
        browser_sign_in(page, manager, one_time_codes)
        page.get_by_test_id("tile-famhp-connect").click()
        expect(page).to_have_url(f"{base}/famhp-connect/users")
        page.get_by_role("button", name="Invite user").click()
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("First name").fill("Vera")
        page.get_by_label("Last name").fill("Vet")
        page.get_by_label("Organisation").select_option(label=ACME)
        page.get_by_label("VAMREG_USER").check()
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_test_id("notice")).to_contain_text(email)
    finally:
        admin_context.close()
    invited_id = users.find_id(email)
    assert invited_id
    users.adopt(invited_id)

    context, page, seen = _onboard_from_mail(browser, stack_info, email, one_time_codes)
    try:
        assert seen[-3:] == ONBOARDING_PAGES  # the realm's order: OTP, terms, new password
        expect(page).to_have_url(f"{base}/portal")
        expect(page.get_by_test_id("portal-user-name")).to_have_text("Vera Vet")
        expect(page.get_by_test_id("portal-organizations")).to_have_text(ACME)
        expect(page.get_by_test_id("tile-vamreg")).to_be_visible()
        expect(page.locator("[data-testid^='tile-']")).to_have_count(1)
    finally:
        context.close()
    assert users.user(invited_id)["requiredActions"] == []


def test_user_invited_through_the_api_gets_the_connect_tile_only(
    browser: Browser, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    base = stack_info["apps"]["base_url"]
    manager = users.create(ALL_ROLES, [ACME], tag="inviter")  # an inviter grants only roles they hold
    token = access_token(stack_info, "famhp-connect", manager, one_time_codes)
    email = f"onboard-{uuid.uuid4().hex[:12]}@example.test"
    created = httpx.post(
        f"{base}/famhp-connect/api/invitations",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "email": email,
            "firstName": "Kai",
            "lastName": "Keys",
            "organizationId": users.organization_id(ACME),
            "roles": ["IAM_API_KEY_MANAGER"],
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    users.adopt(created.json()["userId"])

    context, page, _ = _onboard_from_mail(browser, stack_info, email, one_time_codes)
    try:
        expect(page).to_have_url(f"{base}/portal")
        expect(page.locator("[data-testid^='tile-']")).to_have_count(1)
        page.get_by_test_id("tile-famhp-connect").click()
        # SSO: FAMHP Connect runs its own flow, Keycloak answers from its session without a prompt
        expect(page).to_have_url(f"{base}/famhp-connect/apikeys")
        tabs = page.get_by_role("navigation", name="FAMHP Connect").get_by_role("link")
        expect(tabs).to_have_text(["API Keys"])
    finally:
        context.close()
