"""Steps of every later sign-in (user guide 1.2 tips): e-mail, password and a one-time code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from pages.keycloak import KeycloakScreens, OtpPage
from pages.portal.dashboard import PortalDashboard, SignedOut
from support.actor import Actor
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig
from support.target import Target
from support.tasks.ready_user import ready_actor
from support.tasks.sign_in import sign_in_as_set_up, sign_in_with_code
from support.users.credentials import wrong_code
from support.users.providers.base import UserProvider
from support.users.registry import ScenarioUsers


@given(
    parsers.re(
        r'an onboarded external user with the role "(?P<roles>[^"]*)" in '
        r"(?P<organisations>their organisation(?: and their second organisation)?)"
    ),
    target_fixture="actor",
)
def onboarded_user(
    user_provider: UserProvider, scenario_users: ScenarioUsers, authenticator: VirtualAuthenticator,
    uat_config: UatConfig, target: Target, request: pytest.FixtureRequest, roles: str, organisations: str,
) -> Actor:  # fmt: skip
    return ready_actor(
        user_provider, scenario_users, authenticator, uat_config.authenticator_issuer,
        roles=target.roles(roles), organisations=target.organisations(organisations), tag=request.node.name,
    )  # fmt: skip


@when("they open the IAM External Portal and sign in with their e-mail and password")
def open_portal_and_sign_in(page: Page, keycloak_screens: KeycloakScreens, uat_config: UatConfig, actor: Actor) -> None:
    page.goto(uat_config.portal_url)
    keycloak_screens.sign_in(actor.email, actor.password)


@then("a one-time code is asked")
@then("a one-time code is still asked")
def code_asked(keycloak_screens: KeycloakScreens) -> None:
    expect(keycloak_screens.wait_for(OtpPage).code_input).to_be_editable()


@when("they enter the code from their authenticator app")
def enter_code(keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor) -> None:
    keycloak_screens.wait_for(OtpPage).enter_code(authenticator.code_for(actor.email))


@when("they enter a wrong one-time code")
def enter_wrong_code(keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor) -> None:
    keycloak_screens.wait_for(OtpPage).enter_code(wrong_code(authenticator.code_for(actor.email)))


@given("they have signed in to the portal and signed out again")
def signed_in_and_out(
    page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, uat_config: UatConfig,
    actor: Actor,
) -> None:  # fmt: skip
    page.goto(uat_config.portal_url)
    sign_in_with_code(keycloak_screens, authenticator, actor.email, actor.password)
    PortalDashboard(page).sign_out()
    expect(SignedOut(page).panel).to_be_visible()


@when("they sign in again at once with e-mail, password and a new code")
@when("they sign in with e-mail, password and a one-time code")
def sign_in_again(
    page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, uat_config: UatConfig,
    actor: Actor,
) -> None:  # fmt: skip
    if keycloak_screens.current() is None:  # not on a sign-in page yet: start from the portal
        page.goto(uat_config.portal_url)
    sign_in_with_code(keycloak_screens, authenticator, actor.email, actor.password)


@given("they have signed in to the IAM External Portal")
def have_signed_in_to_portal(
    page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, uat_config: UatConfig,
    actor: Actor, sign_in_prompts: list[str],
) -> None:  # fmt: skip
    # set-up, not what the scenario is about: over HTTP, the session handed to the browser (see sign_in_as_set_up)
    sign_in_as_set_up(
        keycloak_screens, authenticator, actor.email, actor.password, uat_config.portal_url, uat_config.setup_sign_in
    )
    expect(PortalDashboard(page).user_name).to_be_visible()
    sign_in_prompts.clear()  # from here on, count sign-in prompts (single sign-on expects none)


@when("they sign in to the IAM External Portal")
def sign_in_to_portal(
    page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, uat_config: UatConfig,
    actor: Actor,
) -> None:  # fmt: skip
    page.goto(uat_config.portal_url)
    sign_in_with_code(keycloak_screens, authenticator, actor.email, actor.password)
    expect(PortalDashboard(page).user_name).to_be_visible()


@when("they sign in again with the initial password and a one-time code")
def sign_in_again_initial(
    page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, uat_config: UatConfig,
    actor: Actor,
) -> None:  # fmt: skip
    assert actor.initial_password is not None, "the invitation e-mail has not been read"
    page.goto(uat_config.portal_url)
    sign_in_with_code(keycloak_screens, authenticator, actor.email, actor.initial_password)
