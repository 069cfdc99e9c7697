"""Steps of API-key management (user guide 2): the role, creating a key in FAMHP Connect, its one-time secret,
the organisation, the name rules, revoking; every "the key works / no longer works" is a real API call."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from fixtures.api_keys import CreatedApiKey, KeyManager, ScenarioApiKeys
from fixtures.authenticator import VirtualAuthenticator
from fixtures.config import UatConfig
from fixtures.connect_api import ConnectApi
from fixtures.plugin import ScenarioUsers
from fixtures.secrets import Secret
from fixtures.users import TestUser, UserProvider
from pages.famhp_connect import ApiKeySecretPanel, ApiKeysPage, ConnectTabs, CreateApiKeyForm, RevokeConfirmation
from pages.famhp_connect.refusal import AccessRefused
from pages.keycloak import Onboarding
from pages.portal.dashboard import PortalDashboard
from steps.roles import application_names, roles_by_client
from steps.sign_in import sign_in_fully

FAMHP_CONNECT = "FAMHP Connect"
# the names the outline's problems stand for; "already used" is the name of the scenario's existing key
NAMES_THAT_ARE = {
    "empty": "",
    "only spaces": "      ",
    "too short (2 characters)": "ab",
    "too long (65 characters)": ("Export of the veterinary registrations " * 2)[:65],
}
ALREADY_USED = "already used in that organisation"


# ---- fixtures ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def api_client(uat_config: UatConfig) -> Iterator[ConnectApi]:
    """The FAMHP Connect API as an organisation's tool calls it, with a key from the one-time panel."""
    with ConnectApi(uat_config.api_url) as api:
        yield api


@pytest.fixture
def key_manager(request: pytest.FixtureRequest) -> KeyManager:
    """The "they" of these steps: the onboarded member of the scenario, or the newcomer who onboarded."""
    for name in ("member", "newcomer"):
        try:
            manager: KeyManager = request.getfixturevalue(name)
        except pytest.FixtureLookupError:
            continue
        return manager
    raise LookupError("no user signed in yet: start with an onboarded or invited user")


@pytest.fixture
def scenario_api_keys(
    page: Page,
    key_manager: KeyManager,
    api_client: ConnectApi,
    uat_config: UatConfig,
    authenticator: VirtualAuthenticator,
) -> Iterator[ScenarioApiKeys]:
    """The keys this scenario creates; revoked at its end through FAMHP Connect and proven dead on the API."""

    def sign_in_again(on: Page) -> None:
        assert key_manager.password is not None, f"no password known for {key_manager.email}"
        sign_in_fully(Onboarding(on), authenticator, key_manager.email, key_manager.password)

    keys = ScenarioApiKeys(page, api_client, uat_config.famhp_connect_url, key_manager, sign_in_again)
    yield keys
    keys.revoke_all()


# ---- who may manage API keys (guide 2.1) -------------------------------------------------------------------
@given(
    parsers.parse('an onboarded external user with the role "{roles}" in the organisations "{first}" and "{second}"'),
    target_fixture="member",
)
def member_of_two(
    user_provider: UserProvider, scenario_users: ScenarioUsers, authenticator: VirtualAuthenticator,
    uat_config: UatConfig, request: pytest.FixtureRequest, roles: str, first: str, second: str,
) -> TestUser:  # fmt: skip
    return _onboarded(user_provider, scenario_users, authenticator, uat_config, request, roles, [first, second])


@given(
    parsers.parse('an onboarded external user with the role "{roles}" who belongs to no organisation'),
    target_fixture="member",
)
def member_of_none(
    user_provider: UserProvider, scenario_users: ScenarioUsers, authenticator: VirtualAuthenticator,
    uat_config: UatConfig, request: pytest.FixtureRequest, roles: str,
) -> TestUser:  # fmt: skip
    return _onboarded(user_provider, scenario_users, authenticator, uat_config, request, roles, [])


def _onboarded(
    user_provider: UserProvider, scenario_users: ScenarioUsers, authenticator: VirtualAuthenticator,
    uat_config: UatConfig, request: pytest.FixtureRequest, roles: str, organisations: list[str],
) -> TestUser:  # fmt: skip
    member = user_provider.create_onboarded(
        roles=roles_by_client(roles), organizations=organisations, tag=request.node.name
    )
    scenario_users.add(user_provider, member)  # removed when the scenario ends, after its keys are revoked
    # the user's phone already holds the account: it was set up before this scenario
    assert member.totp_secret is not None
    authenticator.enrol_from_manual_key(member.totp_secret, uat_config.authenticator_issuer, member.email)
    return member


@then('FAMHP Connect shows the "API Keys" tab')
def api_keys_tab_shown(page: Page) -> None:
    expect(ConnectTabs(page).api_keys_tab).to_be_visible()


@then('FAMHP Connect shows no "API Keys" tab')
def api_keys_tab_hidden(page: Page) -> None:
    tabs = ConnectTabs(page)
    expect(tabs.navigation).to_be_visible()
    expect(tabs.api_keys_tab).to_have_count(0)


@when('they go straight to the address of the "API Keys" tab')
def open_api_keys_address(page: Page, uat_config: UatConfig) -> None:
    ApiKeysPage(page).open(uat_config.famhp_connect_url)


@when("they go straight to the address of the form to create an API key")
def open_create_form_address(page: Page, uat_config: UatConfig) -> None:
    CreateApiKeyForm(page).open(uat_config.famhp_connect_url)


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
def opened_api_keys_tab(page: Page) -> None:
    PortalDashboard(page).open_application(FAMHP_CONNECT)
    ConnectTabs(page).open_api_keys()
    expect(ApiKeysPage(page).create_api_key_button).to_be_visible()


@when("they click the button to create a new API key")
def click_create(page: Page) -> None:
    ApiKeysPage(page).create_api_key()


@when(parsers.parse('they enter the name "{name}" and select the organisation "{organisation}"'))
def enter_name_and_organisation(page: Page, scenario_api_keys: ScenarioApiKeys, name: str, organisation: str) -> None:
    key = scenario_api_keys.expect_created(name, organisation)  # known before Save: the clean-up needs it
    CreateApiKeyForm(page).fill(key.name, organisation)


@when('they click "Save"')
def click_save(page: Page, scenario_api_keys: ScenarioApiKeys) -> None:
    CreateApiKeyForm(page).save()
    # read (and so registered as a secret) at once: the trace and the scan of reports look for it from now on
    scenario_api_keys.created[-1].secret = ApiKeySecretPanel(page).secret()


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
    shown_again = _secret_of(scenario_api_keys.created[-1]).reveal() in page.content()
    assert not shown_again, "the page still contains the secret of the new API key"  # a bool: no value in reports


@when('they click "Done"')
def click_done(page: Page) -> None:
    ApiKeySecretPanel(page).done()


@given(parsers.parse('they have created the API key "{name}" for "{organisation}" in FAMHP Connect'))
def created_from_dashboard(page: Page, scenario_api_keys: ScenarioApiKeys, name: str, organisation: str) -> None:
    opened_api_keys_tab(page)
    create_key(page, scenario_api_keys, name, organisation)


@when(parsers.parse('they create the API key "{name}" for "{organisation}"'))
def create_key(page: Page, scenario_api_keys: ScenarioApiKeys, name: str, organisation: str) -> None:
    click_create(page)
    enter_name_and_organisation(page, scenario_api_keys, name, organisation)
    click_save(page, scenario_api_keys)
    click_done(page)


@then(parsers.parse('the list shows the API key "{name}" of "{organisation}", active and created by them'))
def listed_active(page: Page, scenario_api_keys: ScenarioApiKeys, name: str, organisation: str) -> None:
    row = ApiKeysPage(page).key(scenario_api_keys.key(name, organisation).name, organisation)
    expect(row.root).to_have_count(1)
    expect(row.status).to_have_text("Active")
    expect(row.created_by).to_have_text(scenario_api_keys.manager.email)


# ---- the API -----------------------------------------------------------------------------------------------
@when(
    parsers.parse('an application of their organisation calls the FAMHP Connect API with the API key "{name}"'),
    target_fixture="api_answer",
)
def application_calls_api(api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, name: str) -> httpx.Response:
    return api_client.whoami(_secret_of(scenario_api_keys.key(name)))


@then(parsers.parse('the API answers for "{organisation}" and the API key "{name}"'))
def api_answers(api_answer: httpx.Response, scenario_api_keys: ScenarioApiKeys, organisation: str, name: str) -> None:
    key = scenario_api_keys.key(name, organisation)
    assert api_answer.status_code == 200, (
        f"the API refused {key.name!r}: HTTP {api_answer.status_code} {api_answer.text}"
    )
    assert api_answer.json()["organization"]["name"] == organisation, f"the API answered {api_answer.json()}"
    assert api_answer.json()["key"]["name"] == key.name, f"the API answered {api_answer.json()}"


@then(parsers.parse('the API key "{name}" opens the FAMHP Connect API for "{organisation}"'))
def key_opens_api(api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, name: str, organisation: str) -> None:
    answer = api_client.whoami(_secret_of(scenario_api_keys.key(name, organisation)))
    api_answers(answer, scenario_api_keys, organisation, name)


@then(parsers.parse('the FAMHP Connect API refuses the API key "{name}"'))
def api_refuses_key(api_client: ConnectApi, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    answer = api_client.whoami(_secret_of(scenario_api_keys.key(name)))
    assert answer.status_code == 401, f"expected 401 for a revoked key, the API answered {answer.status_code}"


@then(parsers.parse('the list shows that the API key "{name}" has never been used'))
def never_used(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    expect(ApiKeysPage(page).key(scenario_api_keys.key(name).name).last_used).to_have_text("Never")


@then(parsers.parse('the list shows when the API key "{name}" was last used'))
def last_used_shown(page: Page, scenario_api_keys: ScenarioApiKeys, name: str) -> None:
    # a moment, whatever its format, has a year in it; "Never" has not
    expect(ApiKeysPage(page).key(scenario_api_keys.key(name).name).last_used).to_have_text(re.compile(r"\d{4}"))


def _secret_of(key: CreatedApiKey) -> Secret:
    assert key.secret is not None, f"the secret of {key.name!r} was never read from the one-time panel"
    return key.secret


# ---- the organisation ----------------------------------------------------------------------------------
@then(parsers.parse('the organisations offered are exactly "{organisations}"'))
def organisations_offered(page: Page, organisations: str) -> None:
    expect(CreateApiKeyForm(page).organisation_options).to_have_text(application_names(organisations))


@then("FAMHP Connect says they belong to no organisation for which they can manage API keys")
def no_organisation_offered(page: Page) -> None:
    form = CreateApiKeyForm(page)
    expect(form.no_organisations).to_be_visible()
    expect(form.organisation_select).to_have_count(0)


# ---- the name rules --------------------------------------------------------------------------------------
@when(parsers.parse('they try to create an API key for "{organisation}" with a name that is {problem}'))
def try_create(page: Page, scenario_api_keys: ScenarioApiKeys, organisation: str, problem: str) -> None:
    name = _name_that_is(problem, scenario_api_keys, organisation)
    scenario_api_keys.expect_created(problem, organisation, typed_name=name)  # should it be accepted after all
    form = ApiKeysPage(page).create_api_key()
    form.fill(name, organisation)
    form.save()


def _name_that_is(problem: str, keys: ScenarioApiKeys, organisation: str) -> str:
    if problem == ALREADY_USED:
        return next(key.name for key in reversed(keys.created) if key.organisation == organisation)
    if problem not in NAMES_THAT_ARE:
        raise ValueError(f"no name for {problem!r}; known: {', '.join([*NAMES_THAT_ARE, ALREADY_USED])}")
    return NAMES_THAT_ARE[problem]


@then(parsers.parse('the name is refused with the message "{message}"'))
def name_refused(page: Page, message: str) -> None:
    expect(CreateApiKeyForm(page).name_error).to_have_text(message)


@then(parsers.parse('their API keys are still only "{names}"'))
def still_only(page: Page, uat_config: UatConfig, scenario_api_keys: ScenarioApiKeys, names: str) -> None:
    api_keys = ApiKeysPage(page)
    api_keys.open(uat_config.famhp_connect_url)
    expected = [scenario_api_keys.key(name).name for name in application_names(names)]
    expect(api_keys.created_by(scenario_api_keys.manager.email).get_by_test_id("api-key-name")).to_have_text(expected)


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
    expect(ApiKeysPage(page).key(key.name, key.organisation).status).to_have_text(status)
