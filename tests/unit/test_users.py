"""User providers without a target: expected applications, role specs, provider choice and its configuration
errors, pre-provisioned accounts from TOML, the cleanup registry, and the admin-API calls (mock transport)."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.api_client import ConnectApi
from support.config import ConfigurationError, UatConfig, load_config
from support.keycloak_admin import KeycloakAdmin, KeycloakAdminError
from support.secrets import Secret, known_secrets
from support.target import Target
from support.users import (
    InviteUiProvider,
    KeycloakAdminProvider,
    NoMatchingAccount,
    PreprovisionedProvider,
    TestUser,
    UserProviderError,
    UserRegistry,
    inviter,
    load_preprovisioned_users,
    new_totp_secret,
    normalize_roles,
    policy_password,
    user_provider,
)
from tests.unit.profile_facts import ROLE_CLIENTS, TARGET_FACTS_TOML

TOTP_KEY = "MFRGGZDFMZTWQ2LKGAYTEMZUGU3DOOBZ"
ADMIN_PASSWORD = "admin-pw-for-unit-tests"


UNIT_PROFILE = (
    """
portal_url = "http://localhost:18000/portal"
famhp_connect_url = "http://localhost:18000/famhp-connect"
vamreg_url = "http://localhost:18000/vamreg"
api_url = "http://localhost:18000/api/v1"
keycloak_url = "http://kc.test"
realm = "famhp-externals"
authenticator_issuer = "FAMHPExternals"
user_provider = "keycloak-admin"
keycloak_admin_username = "admin"
org_admin_email = "olivia.admin@acme-pharma.test"
mail_backend = "mailpit"
mailpit_url = "http://localhost:18025"
mail_address_template = "uat+{tag}@famhp-uat.test"
stack = "never"
"""
    + TARGET_FACTS_TOML
)


@pytest.fixture(scope="module")
def base_config(tmp_path_factory: pytest.TempPathFactory) -> UatConfig:
    """A complete configuration read the way the suite reads it (profile file + environment)."""
    profiles = tmp_path_factory.mktemp("profiles")
    (profiles / "unit.toml").write_text(UNIT_PROFILE)
    env = {
        "UAT_PROFILE": "unit",
        "UAT_KEYCLOAK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "UAT_ORG_ADMIN_PASSWORD": "Org#Admin-Pass-2026",
        "UAT_ORG_ADMIN_TOTP_SECRET": TOTP_KEY,
    }
    return load_config(env=env, dotenv_path=profiles / "no.env", profiles_dir=profiles)


@pytest.fixture
def make_config(base_config: UatConfig) -> Callable[..., UatConfig]:
    def make(**changes: Any) -> UatConfig:
        return dataclasses.replace(base_config, **changes)

    return make


def no_browser() -> Any:
    raise AssertionError("no browser may start in a unit test")


# -- TestUser and roles ---------------------------------------------------------------------------------


def user_with(roles: dict[str, list[str]]) -> TestUser:
    return TestUser("jane@example.test", "Jane", "Doe", Secret("Pw#123456789ab"), roles=roles)


@pytest.mark.parametrize(
    ("roles", "tiles"),
    [
        ({}, []),
        ({"famhp-connect": ["IAM_API_KEY_MANAGER"]}, ["FAMHP Connect"]),
        ({"vamreg": ["VAMREG_USER"]}, ["VAMREG"]),
        ({"vamreg": ["VAMREG_USER"], "famhp-connect": ["IAM_USER_MANAGER"]}, ["FAMHP Connect", "VAMREG"]),
        ({"famhp-connect": [], "vamreg": ["VAMREG_USER"]}, ["VAMREG"]),  # a client without roles: no tile
        ({"account": ["view-profile"]}, []),  # clients without a tile
    ],
)
def test_expected_applications_are_the_tiles_of_clients_with_a_role(
    base_config: UatConfig, roles: dict[str, list[str]], tiles: list[str]
) -> None:
    assert Target(base_config).applications_for(roles) == tiles


def test_a_test_user_never_shows_its_secrets() -> None:
    user = TestUser("jane@example.test", "Jane", "Doe", Secret("Pw#123456789ab"), Secret(TOTP_KEY))
    assert "Pw#123456789ab" not in repr(user) and TOTP_KEY not in repr(user)
    assert user.username == user.email and user.full_name == "Jane Doe"
    assert TestUser.__test__ is False  # pytest must not collect it as a test class


def test_roles_are_given_by_client_or_by_bare_role_name() -> None:
    by_client = {"vamreg": ["VAMREG_USER"], "famhp-connect": ["IAM_USER_MANAGER", "IAM_API_KEY_MANAGER"]}
    expected = {"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"], "vamreg": ["VAMREG_USER"]}
    assert normalize_roles(by_client) == expected
    assert normalize_roles(["VAMREG_USER", "IAM_USER_MANAGER", "IAM_API_KEY_MANAGER"], ROLE_CLIENTS) == expected
    assert normalize_roles(None) == {} and normalize_roles({"vamreg": []}) == {}
    with pytest.raises(ValueError, match=r"unknown role.*NOT_A_ROLE"):
        normalize_roles(["NOT_A_ROLE"], ROLE_CLIENTS)


def test_generated_passwords_meet_the_realm_policy() -> None:
    for _ in range(50):
        password = policy_password(avoid=["jane@example.test", "jane"]).reveal()
        assert 12 <= len(password) <= 64
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(c in string.punctuation for c in password)
        assert "jane" not in password.lower()
        assert password in known_secrets()


def test_a_new_totp_secret_is_the_base32_of_the_raw_key_keycloak_stores() -> None:
    raw, base32 = new_totp_secret()
    assert len(raw) == 20 and raw.isalnum()
    padded = base32.reveal() + "=" * (-len(base32.reveal()) % 8)
    assert base64.b32decode(padded).decode() == raw
    assert {raw, base32.reveal()} <= known_secrets()


# -- choosing a provider --------------------------------------------------------------------------------


def test_the_configured_provider_is_chosen(make_config: Callable[..., UatConfig]) -> None:
    with user_provider(make_config()) as provider:
        assert isinstance(provider, KeycloakAdminProvider) and provider.can_delete
    with user_provider(make_config(user_provider="invite-ui"), no_browser) as provider:
        assert isinstance(provider, InviteUiProvider) and provider.can_delete  # admin configured
    no_admin = make_config(user_provider="invite-ui", keycloak_admin_username=None, keycloak_admin_password=None)
    with user_provider(no_admin, no_browser) as provider:
        assert isinstance(provider, InviteUiProvider) and not provider.can_delete


def test_keycloak_admin_without_admin_credentials_names_the_variables(
    make_config: Callable[..., UatConfig],
) -> None:
    config = make_config(keycloak_admin_username=None, keycloak_admin_password=None)
    with pytest.raises(ConfigurationError) as error:
        user_provider(config)
    assert "UAT_KEYCLOAK_ADMIN_USERNAME is not set" in str(error.value)
    assert "UAT_KEYCLOAK_ADMIN_PASSWORD is not set" in str(error.value)


def test_invite_ui_without_the_organisation_administrator_names_the_variables(
    make_config: Callable[..., UatConfig],
) -> None:
    config = make_config(user_provider="invite-ui", org_admin_password=None, org_admin_totp_secret=None)
    with pytest.raises(ConfigurationError) as error:
        user_provider(config, no_browser)
    assert "UAT_ORG_ADMIN_PASSWORD is not set" in str(error.value)
    assert "UAT_ORG_ADMIN_TOTP_SECRET is not set" in str(error.value)
    assert "UAT_ORG_ADMIN_EMAIL" not in str(error.value)


def test_invite_ui_needs_a_browser_and_preprovisioned_needs_its_file(
    make_config: Callable[..., UatConfig],
) -> None:
    with pytest.raises(ValueError, match="browser_factory"):
        user_provider(make_config(user_provider="invite-ui"))
    with pytest.raises(ConfigurationError, match="UAT_PREPROVISIONED_USERS is not set"):
        user_provider(make_config(user_provider="preprovisioned"))
    with pytest.raises(ConfigurationError, match="UAT_USER_PROVIDER='ldap' is not one of keycloak-admin"):
        user_provider(make_config(user_provider="ldap"))


def test_the_inviter_is_always_invite_ui_and_shares_the_providers_cleanup(
    make_config: Callable[..., UatConfig],
) -> None:
    with user_provider(make_config()) as provider:
        assert isinstance(provider, KeycloakAdminProvider)
        invites = inviter(make_config(), no_browser, provider=provider)
        assert isinstance(invites, InviteUiProvider)
        assert invites.registry is provider.registry and invites.admin is provider.admin
    with user_provider(make_config(user_provider="invite-ui"), no_browser) as provider:
        assert inviter(make_config(user_provider="invite-ui"), no_browser, provider=provider) is provider


# -- pre-provisioned accounts ---------------------------------------------------------------------------

ACCOUNTS_TOML = f"""
[[users]]
email = "keys-1@qa.example"
password = "Keys#1-password"
totp_secret = "{TOTP_KEY}"
organizations = ["Acme Pharma NV"]
roles = {{ famhp-connect = ["IAM_API_KEY_MANAGER"] }}

[[users]]
email = "keys-2@qa.example"
password = "Keys#2-password"
totp_secret = "{TOTP_KEY.lower()}"
organizations = ["Acme Pharma NV"]
roles = ["IAM_API_KEY_MANAGER"]

[[users]]
email = "all@qa.example"
first_name = "Alex"
last_name = "All"
password = "All#-password-1"
totp_secret = "{TOTP_KEY}"
organizations = ["Belgian Vet Supplies BV", "Acme Pharma NV"]
roles = {{ famhp-connect = ["IAM_USER_MANAGER", "IAM_API_KEY_MANAGER"], vamreg = ["VAMREG_USER"] }}
"""


@pytest.fixture
def accounts_file(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.toml"
    path.write_text(ACCOUNTS_TOML)
    return path


def test_preprovisioned_accounts_are_read_from_toml(accounts_file: Path) -> None:
    accounts = load_preprovisioned_users(accounts_file, ROLE_CLIENTS)
    assert [account.email for account in accounts] == [
        "keys-1@qa.example",
        "keys-2@qa.example",
        "all@qa.example",
    ]
    assert accounts[1].roles == {"famhp-connect": ["IAM_API_KEY_MANAGER"]}
    assert accounts[1].totp_secret == Secret(TOTP_KEY)  # a lower-case key is normalised
    assert accounts[2].roles == {
        "famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"],
        "vamreg": ["VAMREG_USER"],
    }
    assert all(account.provider == "preprovisioned" for account in accounts)


def test_the_provider_hands_out_exact_matches_in_turn(
    accounts_file: Path, make_config: Callable[..., UatConfig]
) -> None:
    provider = user_provider(make_config(user_provider="preprovisioned", preprovisioned_users=accounts_file))
    assert isinstance(provider, PreprovisionedProvider) and not provider.can_delete
    wanted = ({"famhp-connect": ["IAM_API_KEY_MANAGER"]}, ["Acme Pharma NV"])
    handed = [provider.create_onboarded(*wanted, tag=f"scenario {n}").email for n in range(4)]
    assert sorted(handed[:2]) == ["keys-1@qa.example", "keys-2@qa.example"]
    assert handed[2:] == handed[:2]
    everything = provider.create_onboarded(
        ["VAMREG_USER", "IAM_USER_MANAGER", "IAM_API_KEY_MANAGER"],
        ["Acme Pharma NV", "Belgian Vet Supplies BV"],
    )
    assert everything.email == "all@qa.example"
    with pytest.raises(UserProviderError, match="never deleted"):
        provider.delete(everything)
    assert provider.cleanup().clean


def test_no_matching_account_lists_what_there_is_without_secrets(accounts_file: Path) -> None:
    provider = PreprovisionedProvider.from_file(accounts_file, ROLE_CLIENTS)
    with pytest.raises(NoMatchingAccount) as error:
        provider.create_onboarded({"vamreg": ["VAMREG_USER"]}, ["Acme Pharma NV"], tag="vamreg only")
    message = str(error.value)
    assert "exactly vamreg: VAMREG_USER" in message and "keys-1@qa.example" in message
    assert "Keys#1-password" not in message and TOTP_KEY not in message


def test_a_broken_accounts_file_reports_every_problem_and_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        '[[users]]\nemail = "not-an-address"\npassword = "Secret#Value-1"\ntotp_secret = "not base32!"\n'
        'roles = ["NOT_A_ROLE"]\ncolour = "blue"\n\n'
        '[[users]]\nemail = "twice@qa.example"\npassword = "x"\ntotp_secret = "' + TOTP_KEY + '"\n\n'
        '[[users]]\nemail = "twice@qa.example"\npassword = "x"\ntotp_secret = "' + TOTP_KEY + '"\n'
    )
    with pytest.raises(ConfigurationError) as error:
        load_preprovisioned_users(path)
    problems = "\n".join(error.value.problems)
    for expected in (
        "unknown key 'colour'",
        "'email' is missing or not an e-mail",
        "'totp_secret' is not a Base32",
        "unknown role(s) NOT_A_ROLE",
        "twice@qa.example is listed twice",
    ):
        assert expected in problems
    assert "Secret#Value-1" not in str(error.value) and "not base32!" not in str(error.value)
    (tmp_path / "empty.toml").write_text("# nobody\n")
    with pytest.raises(ConfigurationError, match="lists no accounts"):
        load_preprovisioned_users(tmp_path / "empty.toml")
    (tmp_path / "bad.toml").write_text("[[users]\n")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_preprovisioned_users(tmp_path / "bad.toml")


# -- cleanup --------------------------------------------------------------------------------------------


def test_cleanup_removes_in_reverse_keeps_going_and_says_what_is_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    removed: list[str] = []
    registry = UserRegistry()

    def failing() -> None:
        raise RuntimeError("Keycloak is down")

    registry.register("first@x.test", lambda: removed.append("first"))
    registry.register("kept@x.test", None, why_kept="no admin credentials")
    registry.register("broken@x.test", failing)
    registry.register("last@x.test", lambda: removed.append("last"))
    registry.register("gone@x.test", lambda: removed.append("gone"))
    registry.forget("GONE@x.test")
    report = registry.cleanup()
    assert removed == ["last", "first"]
    assert report.removed == ["last@x.test", "first@x.test"]
    assert report.left_behind == ["kept@x.test: no admin credentials"]
    assert report.failed == ["broken@x.test: Keycloak is down"] and not report.clean
    assert "left behind" in caplog.text and "kept@x.test" in caplog.text
    assert registry.pending == [] and registry.cleanup().clean


# -- the admin API, on a mock transport -----------------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


class FakeKeycloak:
    """Answers the admin calls the provider makes and records them."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.users: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self.roles = {"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"], "vamreg": ["VAMREG_USER"]}
        self.organizations = {"org-acme": "Acme Pharma NV", "org-bvs": "Belgian Vet Supplies BV"}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/admin/realms/famhp-externals")
        if request.url.path == "/realms/master/protocol/openid-connect/token":
            self.tokens_issued += 1
            return httpx.Response(200, json={"access_token": f"token-{self.tokens_issued}", "expires_in": 60})
        if request.headers.get("Authorization") != f"Bearer token-{self.tokens_issued}":
            return httpx.Response(401)
        if path == "/clients":
            client_id = request.url.params["clientId"]
            return httpx.Response(
                200,
                json=[{"id": f"uuid-{client_id}", "clientId": client_id}] if client_id in self.roles else [],
            )
        if match := re.fullmatch(r"/clients/uuid-([\w-]+)/roles", path):
            return httpx.Response(200, json=[{"name": name} for name in self.roles[match[1]]])
        if path == "/organizations":
            name = request.url.params["search"]
            return httpx.Response(
                200, json=[{"id": id_, "name": n} for id_, n in self.organizations.items() if n == name]
            )
        if path == "/partialImport":
            user = json.loads(request.content)["users"][0]
            self.users[f"id-{len(self.users) + 1}"] = user
            return httpx.Response(
                200,
                json={"results": [{"action": "ADDED", "resourceType": "USER", "id": f"id-{len(self.users)}"}]},
            )
        if match := re.fullmatch(r"/organizations/([\w-]+)/members", path):
            self.members.setdefault(match[1], []).append(json.loads(request.content))
            return httpx.Response(201)
        if (match := re.fullmatch(r"/users/([\w-]+)", path)) and request.method == "DELETE":
            return httpx.Response(204 if self.users.pop(match[1], None) else 404)
        if path == "/users":
            email = request.url.params["email"]
            found = [{"id": id_, **user} for id_, user in self.users.items() if user["email"] == email]
            return httpx.Response(200, json=found)
        return httpx.Response(500, json={"errorMessage": f"unexpected {request.method} {path}"})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def admin_on(fake: FakeKeycloak, clock: FakeClock | None = None) -> KeycloakAdmin:
    return KeycloakAdmin(
        "http://kc.test", "famhp-externals", "admin", Secret(ADMIN_PASSWORD),
        transport=httpx.MockTransport(fake), clock=clock or FakeClock(),
    )  # fmt: skip


def test_create_onboarded_imports_a_ready_user_and_joins_the_organisations(
    make_config: Callable[..., UatConfig],
) -> None:
    fake = FakeKeycloak()
    provider = KeycloakAdminProvider(make_config(), admin_on(fake))
    user = provider.create_onboarded(["IAM_API_KEY_MANAGER"], ["Acme Pharma NV", "Belgian Vet Supplies BV"], tag="Keys")
    imported = fake.users[user.user_id or ""]
    # the run's id inside, so that a sweep finds the user of a killed run
    assert re.fullmatch(r"uat\+keys-uat-[0-9a-z]{6}-[0-9a-z]{4}-[a-z0-9]{8}@famhp-uat\.test", user.email)
    assert imported["username"] == imported["email"] == user.email and imported["emailVerified"]
    assert imported["requiredActions"] == [] and imported["attributes"]["terms_and_conditions"][0].isdigit()
    assert imported["clientRoles"] == {"famhp-connect": ["IAM_API_KEY_MANAGER"]}
    password, otp = imported["credentials"]
    assert password == {"type": "password", "value": user.password.reveal(), "temporary": False}
    raw = json.loads(otp["secretData"])["value"]
    assert user.totp_secret is not None
    assert base64.b32decode(user.totp_secret.reveal() + "=" * (-len(user.totp_secret.reveal()) % 8)).decode() == raw
    assert json.loads(otp["credentialData"]) == {
        "subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1",
    }  # fmt: skip
    assert fake.members == {
        "org-acme": [user.user_id],
        "org-bvs": [user.user_id],
    }  # body: the id as JSON string
    assert provider.registry.pending == [user.email]

    provider.delete(user)
    assert user.user_id not in fake.users and provider.registry.pending == []
    provider.delete(user)  # 404: already gone, tolerated
    assert provider.cleanup().removed == []


def test_unknown_roles_and_organisations_fail_before_anything_is_created(
    make_config: Callable[..., UatConfig],
) -> None:
    fake = FakeKeycloak()
    provider = KeycloakAdminProvider(make_config(), admin_on(fake))
    with pytest.raises(KeycloakAdminError, match="client 'famhp-connect' has no role IAM_TYPO"):
        provider.create_onboarded({"famhp-connect": ["IAM_TYPO"]}, ["Acme Pharma NV"])
    with pytest.raises(KeycloakAdminError, match="has no client 'nope'"):
        provider.create_onboarded({"nope": ["X"]})
    with pytest.raises(KeycloakAdminError, match="no organisation 'Nowhere', 'Elsewhere'"):
        provider.create_onboarded(None, ["Nowhere", "Acme Pharma NV", "Elsewhere"])
    assert fake.users == {}


def test_the_admin_token_is_renewed_before_it_expires_and_after_a_401() -> None:
    fake, clock = FakeKeycloak(), FakeClock()
    admin = admin_on(fake, clock)
    admin.find_user("a@x.test")
    admin.find_user("b@x.test")
    assert fake.tokens_issued == 1
    clock.now += 50  # within the renewal margin of a 60 s token
    admin.find_user("c@x.test")
    assert fake.tokens_issued == 2
    fake.tokens_issued += 1  # Keycloak restarted: the held token is refused once
    assert admin.find_user("d@x.test") is None
    assert fake.tokens_issued == 4
    token_requests = [r for r in fake.requests if r.url.path.endswith("/token")]
    assert all(b"grant_type=password" in r.content for r in token_requests)


def test_a_refused_admin_token_names_the_variables_but_not_the_password() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_grant", "error_description": "Invalid user credentials"})

    admin = KeycloakAdmin("http://kc.test", "r", "admin", Secret(ADMIN_PASSWORD), transport=httpx.MockTransport(refuse))
    with pytest.raises(KeycloakAdminError) as error:
        admin.find_user("a@x.test")
    assert "Invalid user credentials" in str(error.value) and "UAT_KEYCLOAK_ADMIN_PASSWORD" in str(error.value)
    assert ADMIN_PASSWORD not in str(error.value)


# -- the FAMHP Connect API client ------------------------------------------------------------------------


def test_the_api_check_sends_the_key_in_its_header_only(base_config: UatConfig) -> None:
    seen: list[httpx.Request] = []
    check = Target(base_config).api_check

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200 if request.headers.get(check.key_header) == "famhp_k3y" else 401)

    with ConnectApi("http://apps.test/api/v1/", check, transport=httpx.MockTransport(api)) as client:
        assert client.call_with(Secret("famhp_k3y")).status_code == 200
        assert client.refuses(client.call_with(None))
        with pytest.raises(TypeError, match="must be a Secret"):
            client.call_with("famhp_k3y")  # type: ignore[arg-type]
    assert [str(r.url) for r in seen] == ["http://apps.test/api/v1/whoami"] * 2
    assert check.key_header not in seen[1].headers and "famhp_k3y" not in str(seen[0].url)


@pytest.mark.parametrize(
    ("answer", "mismatch"),
    [
        ({"organization": {"name": "Acme Pharma NV"}, "key": {"name": "Nightly x1"}}, None),
        ({"organization": {"name": "Other BV"}, "key": {"name": "Nightly x1"}}, "organisation 'Other BV'"),
        ({"organization": {"name": "Acme Pharma NV"}, "key": {"name": "Other"}}, "key 'Other'"),
        ({"unexpected": True}, "organisation None"),
    ],
)
def test_the_api_answer_is_read_where_the_profile_says(
    base_config: UatConfig, answer: dict[str, Any], mismatch: str | None
) -> None:
    client = ConnectApi("http://apps.test/api/v1", Target(base_config).api_check)
    found = client.identity_mismatch(httpx.Response(200, json=answer), "Acme Pharma NV", "Nightly x1")
    assert found is None if mismatch is None else mismatch in str(found)
    assert "refused" in str(client.identity_mismatch(httpx.Response(401), "Acme Pharma NV", "Nightly x1"))
