"""The realm `famhp-externals` is configured like FAMHP's External Keycloak (README, "The reference stack"), with
least privilege: exact redirect URIs, and a provisioning service account that cannot manage the realm."""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def realm(keycloak_admin: httpx.Client) -> dict:
    return keycloak_admin.get("").raise_for_status().json()


def test_oidc_discovery_answers(stack_info: dict) -> None:
    kc = stack_info["keycloak"]
    discovery = httpx.get(f"{kc['url']}/realms/{kc['realm']}/.well-known/openid-configuration").json()
    assert discovery["issuer"] == f"{kc['url']}/realms/{kc['realm']}"
    assert "S256" in discovery["code_challenge_methods_supported"]


def test_display_name_is_the_authenticator_account_name(realm: dict, stack_info: dict) -> None:
    expected = {"local": "FAMHPExternals", "uat": "UAT-FAMHPExternals"}[stack_info["profile"]]
    assert realm["displayName"] == expected


def test_required_actions_run_otp_then_terms_then_password(keycloak_admin: httpx.Client) -> None:
    actions = keycloak_admin.get("/authentication/required-actions").raise_for_status().json()
    enabled = sorted((a for a in actions if a["enabled"]), key=lambda a: a["priority"])
    order = [a["alias"] for a in enabled]
    assert order.index("CONFIGURE_TOTP") < order.index("TERMS_AND_CONDITIONS") < order.index("UPDATE_PASSWORD")


def test_otp_policy_forbids_code_reuse(realm: dict) -> None:
    policy = {
        k: realm[k]
        for k in (
            "otpPolicyType",
            "otpPolicyAlgorithm",
            "otpPolicyDigits",
            "otpPolicyPeriod",
            "otpPolicyLookAheadWindow",
            "otpPolicyCodeReusable",
        )
    }
    assert policy == {
        "otpPolicyType": "totp",
        "otpPolicyAlgorithm": "HmacSHA1",
        "otpPolicyDigits": 6,
        "otpPolicyPeriod": 30,
        "otpPolicyLookAheadWindow": 1,
        "otpPolicyCodeReusable": False,
    }
    # Microsoft and Google Authenticator are only offered for exactly this policy
    assert {"totpAppMicrosoftAuthenticatorName", "totpAppGoogleName"} <= set(realm["otpSupportedApplications"])


def test_password_policy(realm: dict) -> None:
    terms = {t.strip().split("(")[0] for t in realm["passwordPolicy"].split(" and ")}
    assert terms == {
        "length",
        "maxLength",
        "upperCase",
        "lowerCase",
        "digits",
        "specialChars",
        "notUsername",
        "notEmail",
        "passwordHistory",
    }
    for term in ("length(12)", "maxLength(64)", "passwordHistory(3)"):
        assert term in realm["passwordPolicy"]


def test_brute_force_locales_and_terms(realm: dict, keycloak_admin: httpx.Client) -> None:
    assert realm["bruteForceProtected"] is True
    assert realm["registrationEmailAsUsername"] is True
    assert sorted(realm["supportedLocales"]) == ["de", "en", "fr", "nl"]
    assert realm["defaultLocale"] == "en"
    for locale in ("en", "nl", "fr", "de"):
        texts = keycloak_admin.get(f"/localization/{locale}").raise_for_status().json()
        assert texts.get("termsText", "").strip(), f"no terms text for {locale}"


def test_clients_roles_and_organisations(keycloak_admin: httpx.Client, stack_info: dict) -> None:
    clients = {c["clientId"]: c for c in keycloak_admin.get("/clients").raise_for_status().json()}
    base = stack_info["apps"]["base_url"]
    for client_id, path in (
        ("iam-external-portal", "/portal"),
        ("famhp-connect", "/famhp-connect"),
        ("vamreg", "/vamreg"),
    ):
        client = clients[client_id]
        assert client["redirectUris"] == [f"{base}{path}/callback"]
        assert client["attributes"]["post.logout.redirect.uris"] == f"{base}{path}/signed-out"
        assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    roles = {
        cid: sorted(r["name"] for r in keycloak_admin.get(f"/clients/{clients[cid]['id']}/roles").json())
        for cid in ("famhp-connect", "vamreg")
    }
    assert roles == {"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"], "vamreg": ["VAMREG_USER"]}
    assert realm_org_names(keycloak_admin) >= {"Acme Pharma NV", "Belgian Vet Supplies BV"}


def realm_org_names(keycloak_admin: httpx.Client) -> set[str]:
    return {o["name"] for o in keycloak_admin.get("/organizations").raise_for_status().json()}


def test_provisioning_service_account_has_only_what_it_needs(keycloak_admin: httpx.Client) -> None:
    client = keycloak_admin.get("/clients", params={"clientId": "famhp-provisioner"}).json()[0]
    user = keycloak_admin.get(f"/clients/{client['id']}/service-account-user").raise_for_status().json()
    mappings = keycloak_admin.get(f"/users/{user['id']}/role-mappings").raise_for_status().json()
    realm_management = {r["name"] for r in mappings["clientMappings"]["realm-management"]["mappings"]}
    assert realm_management == {"manage-users", "view-users", "query-users", "view-clients", "manage-organizations"}


def _service_account_token(stack_info: dict) -> str:
    kc = stack_info["keycloak"]
    answer = httpx.post(
        f"{kc['url']}/realms/{kc['realm']}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials"},
        auth=("famhp-provisioner", stack_info["clients"]["famhp-provisioner"]),
        timeout=30,
    )
    return str(answer.raise_for_status().json()["access_token"])


def test_the_provisioning_service_account_cannot_manage_the_realm(
    stack_info: dict, keycloak_admin: httpx.Client
) -> None:
    kc = stack_info["keycloak"]
    headers = {"Authorization": f"Bearer {_service_account_token(stack_info)}"}
    admin_api = f"{kc['url']}/admin/realms/{kc['realm']}"
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    try:
        created = httpx.post(f"{admin_api}/roles", json={"name": probe}, headers=headers, timeout=30)
        assert created.status_code == 403, f"the service account created a realm role (HTTP {created.status_code})"
        settings = httpx.put(admin_api, json={"displayNameHtml": probe}, headers=headers, timeout=30)
        assert settings.status_code == 403, f"the service account changed the realm (HTTP {settings.status_code})"
    finally:  # had it been allowed, leave the realm as it was
        keycloak_admin.delete(f"/roles/{probe}")
    # what it is for still works: reading organisations and their members
    organisations = httpx.get(f"{admin_api}/organizations", headers=headers, timeout=30)
    assert organisations.status_code == 200 and organisations.json()


@pytest.mark.parametrize("client_id, path", [("iam-external-portal", "/portal"), ("famhp-connect", "/famhp-connect"),
                                              ("vamreg", "/vamreg")])  # fmt: skip
def test_keycloak_sends_the_code_only_to_the_applications_own_callback(
    stack_info: dict, client_id: str, path: str
) -> None:
    kc, base = stack_info["keycloak"], stack_info["apps"]["base_url"]

    def authorize(redirect_uri: str) -> httpx.Response:
        params = {
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": redirect_uri,
            "state": secrets.token_urlsafe(8),
        }
        return httpx.get(f"{kc['url']}/realms/{kc['realm']}/protocol/openid-connect/auth", params=params, timeout=30)

    assert authorize(f"{base}{path}/callback").status_code in (200, 302)  # on to the sign-in form
    for elsewhere in (f"{base}{path}/signed-out", f"{base}{path}/callback/../../portal", f"{base}{path}/x?next=/"):
        refused = authorize(elsewhere)
        assert refused.status_code == 400, f"{elsewhere}: HTTP {refused.status_code}"


def test_seed_admin_has_every_role_and_both_organisations(keycloak_admin: httpx.Client, stack_info: dict) -> None:
    seed = stack_info["seed_users"][0]
    user = keycloak_admin.get("/users", params={"username": seed["email"], "exact": "true"}).json()[0]
    orgs = keycloak_admin.get(f"/organizations/members/{user['id']}/organizations").raise_for_status().json()
    assert sorted(o["name"] for o in orgs) == sorted(seed["organizations"])
    credentials = {c["type"] for c in keycloak_admin.get(f"/users/{user['id']}/credentials").json()}
    assert credentials == {"password", "otp"}


def test_smtp_points_at_the_stack_mail_backend(realm: dict, stack_info: dict) -> None:
    expected = (
        stack_info["greenmail"]["smtp_port"]
        if stack_info["mail_backend"] == "imap"
        else stack_info["mailpit"]["smtp_port"]
    )
    assert realm["smtpServer"]["host"] == "localhost"
    assert int(realm["smtpServer"]["port"]) == expected
