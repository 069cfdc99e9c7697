"""Steps of API-key management (user guide 2): the role, creating a key in FAMHP Connect, its one-time secret,
the organisation, the name rules, revoking; every "the key works / no longer works" is a real API call."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from pages.famhp_connect import ApiKeySecretPanel, ApiKeysPage, ConnectTabs, CreateApiKeyForm, RevokeConfirmation
from pages.famhp_connect.refusal import AccessRefused
from pages.words import words
from support.actor import Actor
from support.api_client import ConnectApi
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig
from support.target import THEIR, Target
from support.tasks.api_keys import ScenarioApiKeys
from support.tasks.ready_user import ready_actor
from support.users.providers.base import UserProvider
from support.users.registry import ScenarioUsers


# ---- who may manage API keys (guide 2.1) -------------------------------------------------------------------
@given(
    parsers.parse('an onboarded external user with the role "{roles}" who belongs to no organisation'),
    target_fixture="actor",
)
def member_of_none(
    user_provider: UserProvider, scenario_users: ScenarioUsers, authenticator: VirtualAuthenticator,
    uat_config: UatConfig, target: Target, request: pytest.FixtureRequest, roles: str,
) -> Actor:  # fmt: skip
    return ready_actor(
        user_provider, scenario_users, authenticator, uat_config.authenticator_issuer,
        roles=target.roles(roles), organisations=[], tag=request.node.name,
    )  # fmt: skip


@then('FAMHP Connect shows the "API Keys" tab')
def api_keys_tab_shown(page: Page) -> None:
    expect(ConnectTabs(page).api_keys_tab).to_be_visible()


@then('FAMHP Connect shows no "API Keys" tab')
def api_keys_tab_hidden(page: Page) -> None:
    tabs = ConnectTabs(page)
    expect(tabs.navigation).to_be_visible()
    expect(tabs.api_keys_tab).to_have_count(0)


@when('they go straight to the address of the "API Keys" tab')
def open_api_keys_address(page: Page, target: Target) -> None:
    ApiKeysPage(page).open(target.api_keys_tab_address)


@when("they go straight to the address of the form to create an API key")
def open_create_form_address(page: Page, target: Target) -> None:
    CreateApiKeyForm(page).open(target.new_api_key_form_address)


@then("FAMHP Connect refuses the page")
def page_refused(page: Page) -> None:
    expect(AccessRefused(page).panel).to_be_visible()
    expect(ApiKeysPage(page).rows).to_have_count(0)
    expect(CreateApiKeyForm(page).name_input).to_have_count(0)


# ---- creating a key (guide 2.2) ----------------------------------------------------------------------------
@when('they open the "API Keys" tab')
def open_api_keys_tab(page: Page) -> None:
    ConnectTabs(page).open_api_keys()


@given('they have opened the "API Keys" tab of FAMHP Connect from the dashboard')
def opened_api_keys_tab(scenario_api_keys: ScenarioApiKeys) -> None:
    expect(scenario_api_keys.open_tab_from_dashboard().create_api_key_button).to_be_visible()


@when("they click the button to create a new API key")
def click_create(page: Page) -> None:
    ApiKeysPage(page).create_api_key()


@when(parsers.re(rf'they enter the name "(?P<name>[^"]+)" and select {THEIR}'))
def enter_name_and_organisation(
    scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str
) -> None:
    scenario_api_keys.fill_form(name, target.organisation(organisation))


@when('they click "Save"')
def click_save(scenario_api_keys: ScenarioApiKeys) -> None:
    scenario_api_keys.save()


@then("the secret of the new API key is shown, with the advice to copy it now")
def secret_shown(page: Page, scenario_api_keys: ScenarioApiKeys) -> None:
    panel, key = ApiKeySecretPanel(page), scenario_api_keys.created[-1]
    expect(panel.secret_value).to_be_visible()
    expect(panel.warning).to_be_visible()
    expect(panel.key_title).to_contain_text(key.name)
    expect(panel.key_title).to_contain_text(key.organisation)


@when("they reload the page")
def reload_page(page: Page) -> None:
    page.reload()


@then("the secret is not shown again")
def secret_not_shown_again(page: Page, scenario_api_keys: ScenarioApiKeys) -> None:
    expect(ApiKeysPage(page).create_api_key_button).to_be_visible()
    expect(ApiKeySecretPanel(page).secret_value).to_have_count(0)
    shown_again = scenario_api_keys.created[-1].read_secret().reveal() in page.content()
    assert not shown_again, "the page still contains the secret of the new API key"  # a bool: no value in reports


@when('they click "Done"')
def click_done(page: Page) -> None:
    ApiKeySecretPanel(page).done()


@given(parsers.re(rf'they have created the API key "(?P<name>[^"]+)" for {THEIR} in FAMHP Connect'))
def created_from_dashboard(scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str) -> None:
    scenario_api_keys.open_tab_from_dashboard()
    scenario_api_keys.create(name, target.organisation(organisation))


@when(parsers.re(rf'they create the API key "(?P<name>[^"]+)" for {THEIR}'))
def create_key(scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str) -> None:
    scenario_api_keys.create(name, target.organisation(organisation))


@then(parsers.re(rf'the list shows the API key "(?P<name>[^"]+)" of {THEIR}, active and created by them'))
def listed_active(page: Page, scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str) -> None:
    named = target.organisation(organisation)
    row = ApiKeysPage(page).key(scenario_api_keys.key(name, named).name, named)
    expect(row.root).to_have_count(1)
    expect(row.status).to_have_text(words().active.pattern)
    expect(row.created_by).to_have_text(scenario_api_keys.manager.email)


# ---- the API -----------------------------------------------------------------------------------------------
@when(
    parsers.parse('an application of their organisation calls the FAMHP Connect API with the API key "{name}"'),
    target_fixture="api_answer",
)
def application_calls_api(api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, name: str) -> httpx.Response:
    return api_client.call_with(scenario_api_keys.key(name).read_secret())


@then(parsers.re(rf'the API answers for {THEIR} and the API key "(?P<name>[^"]+)"'))
def api_answers(
    api_answer: httpx.Response, api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, target: Target,
    organisation: str, name: str,
) -> None:  # fmt: skip
    named = target.organisation(organisation)
    mismatch = api_client.identity_mismatch(api_answer, named, scenario_api_keys.key(name, named).name)
    assert mismatch is None, mismatch


@then(parsers.re(rf'the API key "(?P<name>[^"]+)" opens the FAMHP Connect API for {THEIR}'))
def key_opens_api(
    api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, target: Target, name: str, organisation: str
) -> None:
    key = scenario_api_keys.key(name, target.organisation(organisation))
    mismatch = api_client.identity_mismatch(api_client.call_with(key.read_secret()), key.organisation, key.name)
    assert mismatch is None, mismatch


@then(parsers.parse('the FAMHP Connect API refuses the API key "{name}"'))
def api_refuses_key(api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    answer = api_client.call_with(scenario_api_keys.key(name).read_secret())
    assert api_client.refuses(answer), f"the API still accepts a revoked key: HTTP {answer.status_code}"


@then(parsers.parse('the list shows that the API key "{name}" has never been used'))
def never_used(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    expect(ApiKeysPage(page).key(scenario_api_keys.key(name).name).last_used).to_have_text(words().never.pattern)


@then(parsers.parse('the list shows when the API key "{name}" was last used'))
def last_used_shown(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    # a moment, whatever its format, has a year in it; "Never" has not
    expect(ApiKeysPage(page).key(scenario_api_keys.key(name).name).last_used).to_have_text(re.compile(r"\d{4}"))


# ---- the organisation ----------------------------------------------------------------------------------
@then(parsers.re(r"the organisations offered are exactly (?P<organisations>their organisation(?: and .+)?)"))
def organisations_offered(page: Page, target: Target, organisations: str) -> None:
    expect(CreateApiKeyForm(page).organisation_options).to_have_text(target.organisations(organisations))


@then("FAMHP Connect says they belong to no organisation for which they can manage API keys")
def no_organisation_offered(page: Page) -> None:
    form = CreateApiKeyForm(page)
    expect(form.no_organisations).to_be_visible()
    expect(form.organisation_select).to_have_count(0)


# ---- the name rules --------------------------------------------------------------------------------------
@when(parsers.re(rf"they try to create an API key for {THEIR} with a name that is (?P<problem>.+)"))
def try_create(scenario_api_keys: ScenarioApiKeys, target: Target, organisation: str, problem: str) -> None:
    scenario_api_keys.try_create(problem, target.organisation(organisation))


@then(parsers.parse('the name is refused with the message "{message}"'))
def name_refused(page: Page, message: str) -> None:
    expect(CreateApiKeyForm(page).name_input).to_have_accessible_error_message(words().name_refusal(message).pattern)


@then(parsers.parse('their API keys are still only "{names}"'))
def still_only(page: Page, target: Target, scenario_api_keys: ScenarioApiKeys, names: str) -> None:
    api_keys = ApiKeysPage(page)
    api_keys.open(target.api_keys_tab_address)
    expected = [scenario_api_keys.key(name.strip()).name for name in names.split(",")]
    expect(api_keys.names_created_by(scenario_api_keys.manager.email)).to_have_text(expected)


# ---- revoking ------------------------------------------------------------------------------------------
@when(parsers.parse('they ask to revoke the API key "{name}"'))
def ask_to_revoke(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    key = scenario_api_keys.key(name)
    ApiKeysPage(page).revoke(key.name, key.organisation)


@then(parsers.parse('they are asked to confirm revoking "{name}"'))
def asked_to_confirm(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    expect(RevokeConfirmation(page).key_name).to_have_text(scenario_api_keys.key(name).name)


@when("they cancel the confirmation")
def cancel_revocation(page: Page) -> None:
    RevokeConfirmation(page).cancel()


@when("they confirm the revocation")
def confirm_revocation(page: Page) -> None:
    RevokeConfirmation(page).confirm()


@then(parsers.parse('the list shows the API key "{name}" as "{status}"'))
def listed_with_status(page: Page, scenario_api_keys: ScenarioApiKeys, name: str, status: str) -> None:
    key = scenario_api_keys.key(name)
    expect(ApiKeysPage(page).key(key.name, key.organisation).status).to_have_text(words().key_status(status).pattern)
