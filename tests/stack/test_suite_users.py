"""The suite's user providers, FAMHP Connect page objects and API client against the running reference stack,
configured only through `load_config()` (as the Gherkin suite is)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from pages.famhp_connect import ApiKeySecretPanel, ApiKeysPage, ConnectTabs
from pages.keycloak import KeycloakScreens
from pages.portal import PortalDashboard
from support.api_client import ConnectApi
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig, load_config
from support.keycloak_admin import KeycloakAdmin
from support.mail import open_inbox
from support.mail.addresses import unique_address
from support.mail.extract import invitation_link
from support.target import Target
from support.tasks import sign_in
from support.users import (
    InviteUiProvider,
    KeycloakAdminProvider,
    TestUser,
    UserRegistry,
)
from tests.stack.helpers import forget_in_apps_database

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"
BELGIAN_VET = "Belgian Vet Supplies BV"


@pytest.fixture(scope="module")
def config(stack_info: dict) -> UatConfig:
    """What the suite itself would use; `stack_info` only makes sure the reference stack runs."""
    return load_config()


@pytest.fixture(scope="module")
def admin(config: UatConfig) -> Iterator[KeycloakAdmin]:
    with KeycloakAdmin.from_config(config) as client:
        yield client


@pytest.fixture
def admin_provider(config: UatConfig, admin: KeycloakAdmin, stack_info: dict) -> Iterator[KeycloakAdminProvider]:
    provider = KeycloakAdminProvider(config, admin)
    yield provider
    created = [account.id for email in provider.registry.pending if (account := admin.find_user(email))]
    forget_in_apps_database(stack_info, created)
    report = provider.cleanup()
    assert report.clean, report


def sign_in_with_code(page: Page, config: UatConfig, user: TestUser) -> None:
    """Password, then a code from the known TOTP secret, on whatever sign-in form Keycloak shows."""
    assert user.totp_secret is not None
    phone = VirtualAuthenticator(look_around=config.otp_look_around)
    phone.enrol_from_manual_key(user.totp_secret, config.authenticator_issuer, user.email)
    screens = KeycloakScreens(page, config.ui_timeout_ms)
    sign_in.sign_in_with_code(screens, phone, user.email, user.password)
    screens.wait_until_left_keycloak()


@pytest.mark.browser
def test_keycloak_admin_user_signs_in_with_password_and_code_and_is_deleted(
    page: Page, config: UatConfig, admin: KeycloakAdmin, admin_provider: KeycloakAdminProvider,
    keycloak_admin: httpx.Client,
) -> None:  # fmt: skip
    user = admin_provider.create_onboarded(
        {"famhp-connect": ["IAM_API_KEY_MANAGER"], "vamreg": ["VAMREG_USER"]}, [ACME], tag="suite admin user"
    )
    account = admin_provider.find(user.email)
    assert account is not None and account.id == user.user_id
    assert account.required_actions == () and account.email_verified and account.enabled
    assert account.attributes["terms_and_conditions"][0].isdigit()
    assert admin.client_roles_of(account.id) == user.roles
    assert admin.organizations_of(account.id) == [ACME]
    assert Target(config).applications_for(user.roles) == ["FAMHP Connect", "VAMREG"]

    page.goto(config.portal_url)
    sign_in_with_code(page, config, user)
    portal = PortalDashboard(page)
    expect(portal.tile("FAMHP Connect")).to_be_visible()
    expect(portal.tile("VAMREG")).to_be_visible()

    admin_provider.delete(user)
    assert keycloak_admin.get(f"/users/{account.id}").status_code == 404
    assert admin_provider.registry.pending == []
    admin_provider.delete(user)  # already gone: tolerated


@pytest.mark.browser
def test_invite_ui_invites_and_the_invitation_mail_arrives(
    browser: Browser, config: UatConfig, admin: KeycloakAdmin, stack_info: dict
) -> None:
    registry = UserRegistry()
    inviter = InviteUiProvider(config, lambda: browser, registry, admin=admin)
    email = unique_address(config.mail_address_template, "suite invite ui")
    try:
        invitation = inviter.invite(email, "Ingrid", "Invitee", ACME, {"vamreg": ["VAMREG_USER"]})
        assert invitation.email == email and invitation.invited_by == config.org_admin_email
        with open_inbox(config) as inbox:
            mail = Target(config).invitation_mail
            message = inbox.wait_for(email, mail.subject, since=invitation.invited_at)
            assert "/invitations/" in invitation_link(message, mail.link_label)
            inbox.delete([message])
        account = admin.find_user(email)
        assert account is not None and "CONFIGURE_TOTP" in account.required_actions
        assert admin.client_roles_of(account.id) == {"vamreg": ["VAMREG_USER"]}
        assert admin.organizations_of(account.id) == [ACME]
        assert registry.pending == [email]

        # the same signed-in context serves the next invitation; a known address is answered as any other (inviting
        # does not reveal accounts) and nothing changes for its account
        again = inviter.invite(email, "Ingrid", "Again", ACME, ["VAMREG_USER"])
        assert again.email == email
        assert admin.find_user(email) == account
        users = inviter.users_page()
        expect(users.row(email)).to_have_count(1)
        expect(users.status_of(email)).to_have_text("Invitation pending")
        forget_in_apps_database(stack_info, [account.id])
    finally:
        report = inviter.cleanup()
        inviter.close()
    assert report.removed == [email] and report.clean, report
    assert admin.find_user(email) is None


@pytest.mark.browser
@pytest.mark.slow
def test_invite_ui_onboards_a_user_through_the_browser(
    browser: Browser, page: Page, config: UatConfig, admin: KeycloakAdmin, stack_info: dict
) -> None:
    inviter = InviteUiProvider(config, lambda: browser, admin=admin)
    try:
        user = inviter.create_onboarded({"famhp-connect": ["IAM_USER_MANAGER"]}, [BELGIAN_VET], tag="suite ui")
        account = admin.find_user(user.email)
        assert account is not None and account.required_actions == ()
        assert user.totp_secret is not None and user.provider == "invite-ui"
        page.goto(config.famhp_connect_url)
        sign_in_with_code(page, config, user)
        expect(ConnectTabs(page).users_tab).to_be_visible()
        expect(ConnectTabs(page).api_keys_tab).to_have_count(0)
        forget_in_apps_database(stack_info, [account.id])
    finally:
        report = inviter.cleanup()
        inviter.close()
    assert report.clean, report


@pytest.mark.browser
def test_api_key_page_objects_and_the_api_client(
    page: Page, config: UatConfig, admin_provider: KeycloakAdminProvider
) -> None:
    user = admin_provider.create_onboarded(
        {"famhp-connect": ["IAM_API_KEY_MANAGER"]}, [ACME, BELGIAN_VET], tag="suite api keys"
    )
    key_name = f"suite key {user.email.split('+')[1][:20]}"
    page.goto(config.famhp_connect_url)
    sign_in_with_code(page, config, user)
    tabs = ConnectTabs(page)
    expect(tabs.users_tab).to_have_count(0)
    tabs.open_api_keys()
    api_keys = ApiKeysPage(page)

    form = api_keys.create_api_key()
    expect(form.organisation_options).to_have_text([ACME, BELGIAN_VET])
    form.fill("ab", ACME)
    form.save()
    expect(form.name_input).to_have_accessible_error_message("The name must be 3 to 64 characters long.")
    form.fill(key_name, BELGIAN_VET)
    form.save()
    panel = ApiKeySecretPanel(page)
    secret = panel.secret()
    assert str(secret) == "***" and len(secret.reveal()) > 20
    assert panel.secret_locators() == [panel.secret_value]

    with ConnectApi(config.api_url, Target(config).api_check) as api:
        assert api.refuses(api.call_with(None))
        answer = api.call_with(secret)
        assert answer.status_code == 200, answer.text
        assert answer.json()["organization"]["name"] == BELGIAN_VET
        assert answer.json()["key"]["name"] == key_name

        panel.done()
        row = api_keys.key(key_name, BELGIAN_VET)
        expect(row.root).to_have_count(1)
        expect(row.organisation).to_have_text(BELGIAN_VET)
        confirmation = api_keys.revoke(key_name)
        expect(confirmation.key_name).to_have_text(key_name)
        confirmation.cancel()
        expect(api_keys.row(key_name)).to_have_count(1)
        assert api.call_with(secret).status_code == 200

        api_keys.revoke(key_name).confirm()
        expect(row.revoke_button).to_have_count(0)
        assert api.refuses(api.call_with(secret))
