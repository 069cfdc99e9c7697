"""Steps of the first login (user guide 1.1 steps 2-5, 1.2): initial password, authenticator, terms, password."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from fixtures.authenticator import VirtualAuthenticator
from fixtures.config import UatConfig
from fixtures.plugin import ScenarioInbox, ScenarioUsers
from fixtures.users import InviteUiProvider, policy_password
from pages.keycloak import Onboarding, OtpPage, TermsPage, TotpSetupPage, UpdatePasswordPage
from steps.codes import wrong_code
from steps.invitation import confirm_invitation, invited_user
from steps.newcomer import Newcomer
from steps.passwords import password_breaking

# the user's name for the new authenticator entry after the guide's tip
RENAMED_ENTRY = "UAT-FAMHPExternals"


@when("they sign in with the initial password")
def sign_in_with_initial_password(onboarding: Onboarding, newcomer: Newcomer) -> None:
    assert newcomer.initial_password is not None, "the invitation e-mail has not been read"
    onboarding.sign_in(newcomer.email, newcomer.initial_password)


@when("they scan the QR code with their authenticator app")
def scan_qr_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, newcomer: Newcomer) -> None:
    newcomer.new_entry = authenticator.enrol_from_qr(onboarding.totp_setup().qr_code_png())


@when("they set up their authenticator app by scanning the QR code")
def set_up_by_qr_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, newcomer: Newcomer) -> None:
    setup = onboarding.totp_setup()
    newcomer.new_entry = authenticator.enrol_from_qr(setup.qr_code_png())
    setup.submit_code(authenticator.code_for(newcomer.email))


@when('they set up their authenticator app with the key shown under "Unable to scan?"')
def set_up_by_manual_key(
    onboarding: Onboarding, authenticator: VirtualAuthenticator, newcomer: Newcomer, uat_config: UatConfig
) -> None:
    setup = onboarding.totp_setup()
    setup.switch_to_manual_key()
    newcomer.new_entry = authenticator.enrol_from_manual_key(
        setup.manual_key_text(), uat_config.authenticator_issuer, newcomer.email
    )
    setup.submit_code(authenticator.code_for(newcomer.email))


@when("they enter a wrong code to finish the set-up")
def wrong_setup_code(onboarding: Onboarding, authenticator: VirtualAuthenticator, newcomer: Newcomer) -> None:
    onboarding.totp_setup().submit_code(wrong_code(authenticator.code_for(newcomer.email)))


@then("the code is refused with a message")
def code_refused(onboarding: Onboarding) -> None:
    screen = onboarding.expect_one_of(TotpSetupPage, OtpPage)
    assert isinstance(screen, TotpSetupPage | OtpPage)
    expect(screen.code_error.first).to_be_visible()


@then("the authenticator set-up is still shown")
def setup_still_shown(onboarding: Onboarding) -> None:
    expect(onboarding.totp_setup().qr_code.or_(onboarding.totp_setup().manual_key)).to_be_visible()


@then("the new authenticator account is named after the environment")
def entry_named_after_environment(newcomer: Newcomer, uat_config: UatConfig) -> None:
    assert newcomer.new_entry.issuer == uat_config.authenticator_issuer
    assert newcomer.new_entry.name == uat_config.authenticator_issuer


@then("the account of the new authenticator entry is the user's e-mail address")
def entry_account_is_email(newcomer: Newcomer) -> None:
    assert newcomer.new_entry.account_name.lower() == newcomer.email.lower()


@given(parsers.parse('their authenticator app already holds an account named "{name}"'))
def already_holds_account(authenticator: VirtualAuthenticator, newcomer: Newcomer, name: str) -> None:
    # the production account: another key, the same e-mail address
    uri = pyotp.TOTP(pyotp.random_base32()).provisioning_uri(name=newcomer.email, issuer_name=name)
    newcomer.older_entry = authenticator.enrol_from_uri(uri)


@when(parsers.parse('they rename the new entry to "{new_name}"'))
def rename_new_entry(authenticator: VirtualAuthenticator, newcomer: Newcomer, new_name: str) -> None:
    newcomer.new_entry = authenticator.rename(newcomer.new_entry.name, new_name, entry=newcomer.new_entry)


@when("they finish the set-up with a code from the new entry")
def finish_setup_from_new_entry(
    onboarding: Onboarding, authenticator: VirtualAuthenticator, newcomer: Newcomer
) -> None:
    code = authenticator.code_for(newcomer.email, name=newcomer.new_entry.name)
    onboarding.totp_setup().submit_code(code)


@then("both authenticator accounts still give valid codes")
def both_entries_valid(authenticator: VirtualAuthenticator, newcomer: Newcomer) -> None:
    for entry in (newcomer.older_entry, newcomer.new_entry):
        current = authenticator.account(newcomer.email, name=entry.name)
        code = authenticator.code_for(newcomer.email, name=entry.name)
        assert current.totp().verify(code, valid_window=1), f"{current.label} gives an invalid code"
    assert newcomer.older_entry.secret != newcomer.new_entry.secret


@when("they accept the terms of use")
def accept_terms(onboarding: Onboarding) -> None:
    onboarding.terms().accept_terms()


@when("they decline the terms of use")
def decline_terms(onboarding: Onboarding) -> None:
    onboarding.terms().decline_terms()


@then("the terms of use are asked again")
def terms_asked_again(onboarding: Onboarding) -> None:
    expect(onboarding.expect(TermsPage).terms_text.first).to_be_visible()


@when("they choose a new password that meets the policy")
def choose_valid_password(onboarding: Onboarding, newcomer: Newcomer) -> None:
    new_password = policy_password(avoid=[newcomer.email])
    onboarding.password_update().change_password(new_password, new_password)
    newcomer.password = new_password


@when(parsers.re(r"they choose a new password that (?P<rule>(?!meets the policy).+)"))
def choose_password_breaking(onboarding: Onboarding, newcomer: Newcomer, rule: str) -> None:
    assert newcomer.initial_password is not None
    new, confirmation = password_breaking(rule, email=newcomer.email, initial_password=newcomer.initial_password)
    onboarding.password_update().change_password(new, confirmation)


@then("the new password is refused with a message")
def password_refused(onboarding: Onboarding) -> None:
    expect(onboarding.expect(UpdatePasswordPage).password_refusal.first).to_be_visible()


@then("they are still asked to choose a new password")
def still_asked_for_password(onboarding: Onboarding) -> None:
    expect(onboarding.password_update().new_password_input).to_be_editable()


@given("an invited user has reached the step to choose a new password", target_fixture="newcomer")
def reached_password_step(
    request: pytest.FixtureRequest,
    onboarding: Onboarding,
    authenticator: VirtualAuthenticator,
    inbox: ScenarioInbox,
    page: Page,
    inviter: InviteUiProvider,
    uat_config: UatConfig,
    scenario_users: ScenarioUsers,
) -> Newcomer:
    newcomer = invited_user(inviter, uat_config, scenario_users, request)
    confirm_invitation(newcomer, inbox, page)
    sign_in_with_initial_password(onboarding, newcomer)
    set_up_by_qr_code(onboarding, authenticator, newcomer)
    accept_terms(onboarding)
    onboarding.password_update()
    return newcomer
