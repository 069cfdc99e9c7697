"""Steps of every later sign-in (user guide 1.2 tips): e-mail, password and a one-time code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from fixtures.authenticator import VirtualAuthenticator
from fixtures.config import UatConfig
from pages.keycloak import Onboarding, OtpPage
from pages.portal.dashboard import PortalDashboard, SignedOut
from steps.newcomer import Newcomer
from steps.roles import roles_by_client


@given(
    parsers.parse('an onboarded external user with the role "{roles}" in "{organisation}"'),
    target_fixture="member",
)
def onboarded_member(
    user_provider,
    authenticator: VirtualAuthenticator,
    uat_config: UatConfig,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
    roles: str,
    organisation: str,
):
    member = user_provider.create_onboarded(
        roles=roles_by_client(roles), organizations=[organisation], tag=request.node.name
    )
    # the user's phone already holds the account (it was set up before this scenario)
    authenticator.enrol_from_manual_key(member.totp_secret, uat_config.authenticator_issuer, member.email)
    return member


def sign_in_fully(onboarding: Onboarding, authenticator: VirtualAuthenticator, email: str, password) -> None:  # type: ignore[no-untyped-def]
    onboarding.sign_in(email, password)
    onboarding.otp().enter_code(authenticator.code_for(email))


@when("they open the IAM External Portal and sign in with their e-mail and password")
def open_portal_and_sign_in(page: Page, onboarding: Onboarding, uat_config: UatConfig, member) -> None:  # type: ignore[no-untyped-def]
    page.goto(uat_config.portal_url)
    onboarding.sign_in(member.email, member.password)


@then("a one-time code is asked")
@then("a one-time code is still asked")
def code_asked(onboarding: Onboarding) -> None:
    expect(onboarding.expect(OtpPage).code_input).to_be_editable()


@when("they enter the code from their authenticator app")
def enter_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, member) -> None:  # type: ignore[no-untyped-def]
    onboarding.otp().enter_code(authenticator.code_for(member.email))


@when("they enter a wrong one-time code")
def enter_wrong_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, member) -> None:  # type: ignore[no-untyped-def]
    code = authenticator.code_for(member.email)
    onboarding.otp().enter_code(f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}")


@given("they have signed in to the portal and signed out again")
def signed_in_and_out(
    page: Page,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,  # type: ignore[no-untyped-def]
    uat_config: UatConfig,
    member,
) -> None:
    page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, member.email, member.password)
    dashboard = PortalDashboard(page)
    expect(dashboard.user_name).to_be_visible()
    dashboard.sign_out()
    expect(SignedOut(page).panel).to_be_visible()


@when("they sign in again at once with e-mail, password and a new code")
@when("they sign in with e-mail, password and a one-time code")
def sign_in_again(
    page: Page,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,  # type: ignore[no-untyped-def]
    uat_config: UatConfig,
    member,
) -> None:
    if onboarding.current() is None:  # not on a sign-in page yet: start from the portal
        page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, member.email, member.password)


@given("they have signed in to the IAM External Portal")
@when("they sign in to the IAM External Portal")
def signed_in_to_portal(
    page: Page,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,  # type: ignore[no-untyped-def]
    uat_config: UatConfig,
    member,
    sign_in_prompts: list[str],
) -> None:
    page.goto(uat_config.portal_url)
    sign_in_fully(onboarding, authenticator, member.email, member.password)
    expect(PortalDashboard(page).user_name).to_be_visible()
    sign_in_prompts.clear()  # from here on, count sign-in prompts (single sign-on expects none)


@when("they sign in again with the initial password and a one-time code")
def sign_in_again_initial(
    page: Page,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,
    uat_config: UatConfig,
    newcomer: Newcomer,
) -> None:
    page.goto(uat_config.portal_url)
    assert newcomer.initial_password is not None
    sign_in_fully(onboarding, authenticator, newcomer.email, newcomer.initial_password)


SIGN_IN_PATHS = ("/protocol/openid-connect/auth", "/login-actions/authenticate")


@pytest.fixture
def sign_in_prompts(page: Page) -> list[str]:
    """URLs of every Keycloak sign-in form the browser showed in this scenario. Redirects are not committed
    navigations, so a single-sign-on pass through Keycloak leaves no entry; a rendered form does."""
    prompts: list[str] = []

    def record(frame) -> None:  # type: ignore[no-untyped-def]
        if frame == page.main_frame and any(part in frame.url for part in SIGN_IN_PATHS):
            prompts.append(frame.url)

    page.on("framenavigated", record)
    return prompts
