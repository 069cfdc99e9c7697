"""Steps of every later sign-in (user guide 1.2 tips): e-mail, password and a one-time code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page, expect
from pytest_bdd import given, parsers, then, when

from fixtures.authenticator import VirtualAuthenticator
from fixtures.config import UatConfig
from fixtures.plugin import ScenarioUsers
from fixtures.secrets import Secret
from fixtures.users import TestUser, UserProvider
from pages.keycloak import Onboarding, OtpPage
from pages.portal.dashboard import PortalDashboard, SignedOut
from steps.codes import wrong_code
from steps.newcomer import Newcomer
from steps.roles import roles_by_client

# a committed navigation to one of these shows a sign-in form; a single-sign-on pass only redirects through
SIGN_IN_PATHS = ("/protocol/openid-connect/auth", "/login-actions/authenticate")


@given(
    parsers.parse('an onboarded external user with the role "{roles}" in "{organisation}"'),
    target_fixture="member",
)
def onboarded_member(
    user_provider: UserProvider,
    scenario_users: ScenarioUsers,
    authenticator: VirtualAuthenticator,
    uat_config: UatConfig,
    request: pytest.FixtureRequest,
    roles: str,
    organisation: str,
) -> TestUser:
    member = user_provider.create_onboarded(
        roles=roles_by_client(roles), organizations=[organisation], tag=request.node.name
    )
    scenario_users.add(user_provider, member)
    # the user's phone already holds the account: it was set up before this scenario
    assert member.totp_secret is not None
    authenticator.enrol_from_manual_key(member.totp_secret, uat_config.authenticator_issuer, member.email)
    return member


def sign_in_fully(onboarding: Onboarding, authenticator: VirtualAuthenticator, email: str, password: Secret) -> None:
    onboarding.sign_in(email, password)
    onboarding.otp().enter_code(authenticator.code_for(email))


@when("they open the IAM External Portal and sign in with their e-mail and password")
def open_portal_and_sign_in(page: Page, onboarding: Onboarding, uat_config: UatConfig, member: TestUser) -> None:
    page.goto(uat_config.portal_url)
    onboarding.sign_in(member.email, member.password)


@then("a one-time code is asked")
@then("a one-time code is still asked")
def code_asked(onboarding: Onboarding) -> None:
    expect(onboarding.expect(OtpPage).code_input).to_be_editable()


@when("they enter the code from their authenticator app")
def enter_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, member: TestUser) -> None:
    onboarding.otp().enter_code(authenticator.code_for(member.email))


@when("they enter a wrong one-time code")
def enter_wrong_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, member: TestUser) -> None:
    onboarding.otp().enter_code(wrong_code(authenticator.code_for(member.email)))


@given("they have signed in to the portal and signed out again")
def signed_in_and_out(
    page: Page, onboarding: Onboarding, authenticator: VirtualAuthenticator, uat_config: UatConfig, member: TestUser
) -> None:
    signed_in_to_portal(page, onboarding, authenticator, uat_config, member, [])
    PortalDashboard(page).sign_out()
    expect(SignedOut(page).panel).to_be_visible()


@when("they sign in again at once with e-mail, password and a new code")
@when("they sign in with e-mail, password and a one-time code")
def sign_in_again(
    page: Page, onboarding: Onboarding, authenticator: VirtualAuthenticator, uat_config: UatConfig, member: TestUser
) -> None:
    if onboarding.current() is None:  # not on a sign-in page yet: start from the portal
        page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, member.email, member.password)


@given("they have signed in to the IAM External Portal")
@when("they sign in to the IAM External Portal")
def signed_in_to_portal(
    page: Page,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,
    uat_config: UatConfig,
    member: TestUser,
    sign_in_prompts: list[str],
) -> None:
    page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, member.email, member.password)
    expect(PortalDashboard(page).user_name).to_be_visible()
    sign_in_prompts.clear()  # from here on, count sign-in prompts (single sign-on expects none)


@when("they sign in again with the initial password and a one-time code")
def sign_in_again_initial(
    page: Page, onboarding: Onboarding, authenticator: VirtualAuthenticator, uat_config: UatConfig, newcomer: Newcomer
) -> None:
    assert newcomer.initial_password is not None
    page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, newcomer.email, newcomer.initial_password)


@pytest.fixture
def sign_in_prompts(page: Page) -> list[str]:
    """URLs of every Keycloak sign-in form the browser showed in this scenario. Redirects are not committed
    navigations, so a single-sign-on pass through Keycloak leaves no entry; a rendered form does."""
    prompts: list[str] = []

    def record(frame: Frame) -> None:
        if frame == page.main_frame and any(part in frame.url for part in SIGN_IN_PATHS):
            prompts.append(frame.url)

    page.on("framenavigated", record)
    return prompts
