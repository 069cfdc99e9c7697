"""Keycloak's real login pages in Debian Chromium: a new user is sent to OTP set-up; the seed admin signs in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.stack.conftest import OneTimeCodes

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def _account_console(stack_info: dict) -> str:
    kc = stack_info["keycloak"]
    return f"{kc['url']}/realms/{kc['realm']}/account/"


def sign_in(page: Page, email: str, password: str) -> None:
    """With Organizations on, Keycloak asks the username first (identity-first), then the password."""
    expect(page.locator("body")).to_have_attribute("data-page-id", re.compile(r"^login-login(-username)?$"))
    page.locator("#username").fill(email)
    if page.locator("#password").count() == 0:
        page.locator("#kc-login").click()
        expect(page.locator("body")).to_have_attribute("data-page-id", "login-login")
    page.locator("#password").fill(password)
    page.locator("#kc-login").click()


@pytest.fixture
def new_user(realm_user: Callable[..., dict]) -> dict:
    password = "Temp#" + uuid.uuid4().hex[:12] + "A1"
    user = realm_user(
        "stack",
        requiredActions=["CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD"],
        credentials=[{"type": "password", "value": password, "temporary": True}],
    )
    return {**user, "password": password}


def test_new_user_with_temporary_password_lands_on_otp_setup(page: Page, stack_info: dict, new_user: dict) -> None:
    page.goto(_account_console(stack_info))
    sign_in(page, new_user["email"], new_user["password"])
    expect(page.locator("body")).to_have_attribute("data-page-id", "login-login-config-totp")
    expect(page.locator("#kc-totp-secret-qr-code")).to_be_visible()


def test_seed_admin_signs_in_with_password_and_one_time_code(
    page: Page, stack_info: dict, one_time_codes: OneTimeCodes
) -> None:
    seed = stack_info["seed_users"][0]
    page.goto(_account_console(stack_info))
    sign_in(page, seed["email"], seed["password"])
    expect(page.locator("body")).to_have_attribute("data-page-id", "login-login-otp")
    page.locator("#otp").fill(one_time_codes.next_code(seed["totp_secret"]))
    page.locator("#kc-login").click()
    expect(page).to_have_url(re.compile(r"/realms/[^/]+/account/"))
    expect(page.locator("body")).to_have_attribute("data-page-id", "account")  # the account console, signed in
