"""Steps that only production can pass (itsme®, eID); the scenarios carry @prod-only and are skipped elsewhere."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_bdd import parsers, then, when

from fixtures.config import UatConfig
from pages.keycloak import LoginPage, LoginUsernamePage, Onboarding


@when("an external user opens the IAM External Portal")
def open_portal(page: Page, uat_config: UatConfig) -> None:
    page.goto(uat_config.portal_url)


@then(parsers.parse('the sign-in page offers "{provider}"'))
def offers_provider(onboarding: Onboarding, provider: str) -> None:
    expect(onboarding.expect_one_of(LoginUsernamePage, LoginPage).identity_provider(provider)).to_be_visible()
