"""Steps of the first login (user guide 1.1 steps 2-5, 1.2): initial password, authenticator, terms, password."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from pages.keycloak import KeycloakScreens, OtpPage, TermsPage, TotpSetupPage, UpdatePasswordPage
from support.actor import Actor
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig
from support.mail.scenario_inbox import ScenarioInbox
from support.target import Target
from support.tasks.first_sign_in import FirstSignIn
from support.tasks.invitation import invite_newcomer, sign_in_from_invitation
from support.users.credentials import password_breaking, policy_password, wrong_code
from support.users.providers.invite_ui import InviteUiProvider
from support.users.registry import ScenarioUsers


@when("they sign in with the initial password")
def sign_in_with_initial_password(keycloak_screens: KeycloakScreens, actor: Actor) -> None:
    assert actor.initial_password is not None, "the invitation e-mail has not been read"
    keycloak_screens.sign_in(actor.email, actor.initial_password)


@when("they scan the QR code with their authenticator app")
def scan_qr_code(keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor) -> None:
    actor.new_entry = authenticator.enrol_from_qr(keycloak_screens.wait_for(TotpSetupPage).qr_code_png())


@when("they set up their authenticator app by scanning the QR code")
def set_up_by_qr_code(keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor) -> None:
    setup = keycloak_screens.wait_for(TotpSetupPage)
    actor.new_entry = authenticator.enrol_from_qr(setup.qr_code_png())
    setup.submit_code(authenticator.code_for(actor.email))


@when('they set up their authenticator app with the key shown under "Unable to scan?"')
def set_up_by_manual_key(
    keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor, uat_config: UatConfig
) -> None:
    setup = keycloak_screens.wait_for(TotpSetupPage)
    setup.switch_to_manual_key()
    issuer = uat_config.authenticator_issuer
    actor.new_entry = authenticator.enrol_from_manual_key(setup.manual_key_text(), issuer, actor.email)
    setup.submit_code(authenticator.code_for(actor.email))


@when("they enter a wrong code to finish the set-up")
def wrong_setup_code(keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor) -> None:
    keycloak_screens.wait_for(TotpSetupPage).submit_code(wrong_code(authenticator.code_for(actor.email)))


@then("the code is refused with a message")
def code_refused(keycloak_screens: KeycloakScreens) -> None:
    screen = keycloak_screens.wait_for_one_of(TotpSetupPage, OtpPage)
    assert isinstance(screen, TotpSetupPage | OtpPage)
    expect(screen.code_error.first).to_be_visible()


@then("the authenticator set-up is still shown")
def setup_still_shown(keycloak_screens: KeycloakScreens) -> None:
    setup = keycloak_screens.wait_for(TotpSetupPage)
    expect(setup.qr_code.or_(setup.manual_key)).to_be_visible()


@then("the new authenticator account is named after the environment")
def entry_named_after_environment(actor: Actor, uat_config: UatConfig) -> None:
    assert actor.new_entry is not None, "the authenticator app enrolled nothing"
    assert actor.new_entry.issuer == uat_config.authenticator_issuer
    assert actor.new_entry.name == uat_config.authenticator_issuer


@then("the account of the new authenticator entry is the user's e-mail address")
def entry_account_is_email(actor: Actor) -> None:
    assert actor.new_entry is not None, "the authenticator app enrolled nothing"
    assert actor.new_entry.account_name.lower() == actor.email.lower()


@given(parsers.parse('their authenticator app already holds an account named "{name}"'))
def already_holds_account(authenticator: VirtualAuthenticator, actor: Actor, name: str) -> None:
    # the production account: another key, the same e-mail address
    uri = pyotp.TOTP(pyotp.random_base32()).provisioning_uri(name=actor.email, issuer_name=name)
    actor.older_entry = authenticator.enrol_from_uri(uri)


@when(parsers.parse('they rename the new entry to "{new_name}"'))
def rename_new_entry(authenticator: VirtualAuthenticator, actor: Actor, new_name: str) -> None:
    assert actor.new_entry is not None, "the authenticator app enrolled nothing"
    actor.new_entry = authenticator.rename(actor.new_entry.name, new_name, entry=actor.new_entry)


@when("they finish the set-up with a code from the new entry")
def finish_setup_from_new_entry(
    keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator, actor: Actor
) -> None:
    assert actor.new_entry is not None, "the authenticator app enrolled nothing"
    code = authenticator.code_for(actor.email, name=actor.new_entry.name)
    keycloak_screens.wait_for(TotpSetupPage).submit_code(code)


@then("both authenticator accounts still give valid codes")
def both_entries_valid(authenticator: VirtualAuthenticator, actor: Actor) -> None:
    assert actor.older_entry is not None and actor.new_entry is not None, "the app does not hold both entries"
    for entry in (actor.older_entry, actor.new_entry):
        code = authenticator.code_for(actor.email, name=entry.name)
        assert authenticator.account(actor.email, name=entry.name).totp().verify(code, valid_window=1), entry.label
    assert actor.older_entry.secret != actor.new_entry.secret


@when("they accept the terms of use")
def accept_terms(keycloak_screens: KeycloakScreens) -> None:
    keycloak_screens.wait_for(TermsPage).accept_terms()


@when("they decline the terms of use")
def decline_terms(keycloak_screens: KeycloakScreens) -> None:
    keycloak_screens.wait_for(TermsPage).decline_terms()


@then("the terms of use are asked again")
def terms_asked_again(keycloak_screens: KeycloakScreens) -> None:
    expect(keycloak_screens.wait_for(TermsPage).terms_text.first).to_be_visible()


@when("they choose a new password that meets the policy")
def choose_valid_password(keycloak_screens: KeycloakScreens, actor: Actor) -> None:
    new_password = policy_password(avoid=[actor.email])
    keycloak_screens.wait_for(UpdatePasswordPage).change_password(new_password, new_password)
    actor.password = new_password
    if actor.first_sign_in is not None:  # only reached, not walked in the guide's order: the realm's rest follows
        actor.first_sign_in.complete()


@when(parsers.re(r"they choose a new password that (?P<rule>(?!meets the policy).+)"))
def choose_password_breaking(keycloak_screens: KeycloakScreens, actor: Actor, rule: str) -> None:
    assert actor.initial_password is not None
    new, confirmation = password_breaking(rule, email=actor.email, initial_password=actor.initial_password)
    keycloak_screens.wait_for(UpdatePasswordPage).change_password(new, confirmation)


@then("the new password is refused with a message")
def password_refused(keycloak_screens: KeycloakScreens) -> None:
    expect(keycloak_screens.wait_for(UpdatePasswordPage).password_refusal.first).to_be_visible()


@then("they are still asked to choose a new password")
def still_asked_for_password(keycloak_screens: KeycloakScreens) -> None:
    expect(keycloak_screens.wait_for(UpdatePasswordPage).new_password_input).to_be_editable()


@given("an invited user has reached the step to choose a new password", target_fixture="actor")
def reached_password_step(
    inviter: InviteUiProvider, uat_config: UatConfig, target: Target, scenario_users: ScenarioUsers,
    inbox: ScenarioInbox, page: Page, keycloak_screens: KeycloakScreens, authenticator: VirtualAuthenticator,
    request: pytest.FixtureRequest,
) -> Actor:  # fmt: skip
    actor = invite_newcomer(inviter, target, uat_config, request.node.name)
    scenario_users.add(inviter, actor.user)
    sign_in_from_invitation(actor, inbox, page, keycloak_screens, target.invitation_mail)
    first_sign_in = FirstSignIn(keycloak_screens, actor.user, authenticator, uat_config.authenticator_issuer)
    first_sign_in.reach(UpdatePasswordPage)
    actor.new_entry, actor.first_sign_in = first_sign_in.enrolled, first_sign_in
    return actor
