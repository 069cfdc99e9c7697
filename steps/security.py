"""Steps of the security scenarios (@security): what someone who tampers with FAMHP Connect's screens, a Keycloak
administrator acting behind its back, or a finder of an old invitation e-mail meets. Only user-facing screens and
the profile's facts: they hold against a real deployment as against the reference stack."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from pages.famhp_connect import ApiKeysPage, ConnectTabs, CreateApiKeyForm, RevokeConfirmation, UsersPage
from pages.famhp_connect.refusal import RequestRefused
from pages.keycloak import KeycloakScreens
from pages.keycloak.login import LoginPage
from pages.portal import PortalDashboard
from pages.portal.invitation import InvitationRefusal
from support.account_administration import AccountAdministration
from support.actor import Actor
from support.config import UatConfig
from support.mail import extract
from support.target import FAMHP_CONNECT, THEIR, THEIR_ORGANISATION, Target
from support.tasks.access import wait_until_api_keys_refused
from support.tasks.api_keys import ScenarioApiKeys
from support.users.model import TestUser
from support.users.providers.base import UserProvider
from support.users.providers.invite_ui import InviteUiProvider
from support.users.registry import ScenarioUsers


# ---- Keycloak's administrator, behind FAMHP Connect's back ------------------------------------------------
@when("their account is disabled in Keycloak")
def account_disabled(account_administration: AccountAdministration, actor: Actor) -> None:
    account_administration.disable(actor.user)


@when(parsers.parse('their role "{role}" is taken away in Keycloak'))
def role_taken_away(account_administration: AccountAdministration, actor: Actor, target: Target, role: str) -> None:
    account_administration.take_roles(actor.user, target.roles(role))


@when(parsers.re(rf"they are removed from {THEIR} in Keycloak"))
def removed_from(
    account_administration: AccountAdministration, actor: Actor, target: Target, organisation: str
) -> None:
    account_administration.remove_from_organisation(actor.user, target.organisation(organisation))


@when(parsers.re(rf"they are a member of {THEIR} again"))
def member_again(account_administration: AccountAdministration) -> None:
    account_administration.restore()


@then('within the documented bound FAMHP Connect no longer shows them the "API Keys" tab')
def api_keys_tab_closes(page: Page, target: Target, uat_config: UatConfig) -> None:
    uat_config.require("access_revocation_bound_s", purpose="waiting no longer than the documented bound")
    assert uat_config.access_revocation_bound_s is not None
    bound = uat_config.access_revocation_bound_s
    wait_until_api_keys_refused(page, target.api_keys_tab_address, bound, uat_config.ui_timeout_ms)


# ---- requests FAMHP Connect must refuse -----------------------------------------------------------------
@when("they try to save the new key")
def try_to_save(page: Page) -> None:
    CreateApiKeyForm(page).save()


@when("they save the new key from a form without its CSRF token")
def save_without_token(page: Page) -> None:
    CreateApiKeyForm(page).save_without_form_protection()


@when("they confirm the revocation from a form without its CSRF token")
def revoke_without_token(page: Page) -> None:
    RevokeConfirmation(page).confirm_without_form_protection()


@then("FAMHP Connect refuses the request")
def request_refused(page: Page) -> None:
    expect(RequestRefused(page).panel).to_be_visible()


@then(parsers.re(rf'no API key "(?P<name>[^"]+)" is listed for {THEIR}'))
def no_such_key(page: Page, scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str) -> None:
    api_keys, named = ApiKeysPage(page), target.organisation(organisation)
    api_keys.open(target.api_keys_tab_address)
    expect(api_keys.create_api_key_button).to_be_visible()
    expect(api_keys.key(scenario_api_keys.key(name, named).name, named).root).to_have_count(0)


# ---- a user manager and an active colleague ----------------------------------------------------------
@given("an active colleague in their organisation", target_fixture="colleague")
def active_colleague(
    user_provider: UserProvider, scenario_users: ScenarioUsers, target: Target, request: pytest.FixtureRequest
) -> TestUser:
    colleague = user_provider.create_onboarded(
        roles={}, organizations=[target.organisation(THEIR_ORGANISATION)], tag=f"colleague-{request.node.name}"
    )
    scenario_users.add(user_provider, colleague)
    return colleague


@given('they have opened the "Users" tab of FAMHP Connect from the dashboard')
def opened_users_tab(page: Page) -> None:
    PortalDashboard(page).open_application(FAMHP_CONNECT)
    ConnectTabs(page).open_users()
    expect(UsersPage(page).invite_button).to_be_visible()


@when('they look up their colleague in the "Users" tab')
def look_up_colleague(page: Page, colleague: TestUser) -> None:
    UsersPage(page).search(colleague.email)


@then(parsers.parse('their colleague is listed as "{status}"'))
@then(parsers.parse('their colleague is still listed as "{status}"'))
def colleague_status(page: Page, colleague: TestUser, status: str) -> None:
    users = UsersPage(page)
    users.search(colleague.email)
    expect(users.status_of(colleague.email).first).to_have_text(status)


@then("nothing on their colleague's entry removes, disables or re-invites them")
def no_account_changes(page: Page, colleague: TestUser) -> None:
    users = UsersPage(page)
    expect(users.row(colleague.email).first).to_be_visible()
    expect(users.account_changes(colleague.email)).to_have_count(0)


@when("they invite their colleague's e-mail address")
def invite_colleague(page: Page, colleague: TestUser, target: Target) -> None:
    organisation = target.organisation(THEIR_ORGANISATION)
    UsersPage(page).invite(colleague.email, colleague.first_name, colleague.last_name, organisation, roles=[])


@then("FAMHP Connect says an invitation was sent to that address")
def says_invitation_sent(page: Page, colleague: TestUser) -> None:
    expect(UsersPage(page).notices.filter(has_text=colleague.email)).to_be_visible()


# ---- invitations that are spent ------------------------------------------------------------------------
@when("the organisation administrator sends the invitation again")
def invitation_sent_again(inviter: InviteUiProvider, actor: Actor) -> None:
    inviter.resend(actor.email)


@then("the link of the first e-mail says the invitation was replaced")
def first_link_replaced(page: Page, actor: Actor, target: Target) -> None:
    assert actor.invitation_mail is not None
    refusal = InvitationRefusal(page)
    refusal.open(extract.invitation_link(actor.invitation_mail, target.invitation_mail.link_label))
    expect(refusal.replaced).to_be_visible()


@then("the initial password of the first e-mail is refused at sign-in")
def first_password_refused(
    page: Page, actor: Actor, target: Target, keycloak_screens: KeycloakScreens, uat_config: UatConfig
) -> None:
    assert actor.invitation_mail is not None
    first_password = extract.initial_password(actor.invitation_mail, target.invitation_mail.password_labels)
    PortalDashboard(page).open(uat_config.portal_url)
    keycloak_screens.sign_in(actor.email, first_password)
    expect(keycloak_screens.wait_for(LoginPage).refusal.first).to_be_visible()
