"""Steps of VAMREG (user guide 1.3): by its direct link or from the portal tile, by single sign-on."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_bdd import parsers, then, when

from pages.keycloak import KeycloakScreens, LoginPage, LoginUsernamePage
from pages.portal.dashboard import PortalDashboard
from pages.vamreg.home import VamregHome
from support.actor import Actor
from support.config import UatConfig


@when(parsers.parse('they open "{application}" from its tile on the dashboard'))
def open_from_tile(page: Page, application: str) -> None:
    PortalDashboard(page).open_application(application)


@when("they open VAMREG by its direct link")
def open_direct_link(page: Page, uat_config: UatConfig) -> None:
    VamregHome(page).open(uat_config.vamreg_url)


@then("they are asked to sign in")
def asked_to_sign_in(keycloak_screens: KeycloakScreens) -> None:
    keycloak_screens.wait_for_one_of(LoginUsernamePage, LoginPage)


@then("VAMREG opens for that user and their organisation")
def vamreg_opens(page: Page, actor: Actor) -> None:
    home = VamregHome(page)
    expect(home.user_email).to_have_text(actor.email)
    expect(home.organisations).to_contain_text(actor.user.organizations)


@then("they were not asked to sign in again")
def not_asked_again(sign_in_prompts: list[str]) -> None:
    assert sign_in_prompts == [], f"the browser showed a sign-in form: {sign_in_prompts}"
