"""Steps that only production can pass (itsme®, eID); the scenarios carry @prod-only and are skipped elsewhere."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_bdd import parsers, then, when

from pages.keycloak import KeycloakScreens, LoginPage, LoginUsernamePage
from pages.portal.dashboard import PortalDashboard
from support.config import UatConfig


@when("an external user opens the IAM External Portal")
def open_portal(page: Page, uat_config: UatConfig) -> None:
    PortalDashboard(page).open(uat_config.portal_url)


@then(parsers.parse('the sign-in page offers "{provider}"'))
def offers_provider(keycloak_screens: KeycloakScreens, provider: str) -> None:
    sign_in = keycloak_screens.wait_for_one_of(LoginUsernamePage, LoginPage)
    expect(sign_in.identity_provider(provider)).to_be_visible()
