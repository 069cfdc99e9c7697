"""Invitations on the reference stack: the JSON API (real Keycloak access tokens), the e-mail in Mailpit,
the single-use expiring link (opened, then confirmed) with its refusal pages, and the "Users" pages' rules.
(What an attacker tries against them: test_apps_security.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    ALL_ROLES,
    AppsSession,
    UserFactory,
    access_token,
    csrf_token,
    form_with_action,
    invitations_api,
    invitee_address,
    managed_users,
    query_database,
    texts_by_testid,
    use_invitation_link,
    wait_for_invitations,
)

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"
BELGIAN_VET = "Belgian Vet Supplies BV"
REQUIRED_ACTIONS = {"CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD"}


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


@pytest.fixture
def api(stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes) -> Iterator[httpx.Client]:
    """The invitations API as a user manager of Acme who holds every role (an inviter grants only roles they hold),
    with a real access token of the famhp-connect client."""
    manager = users.create(ALL_ROLES, [ACME], tag="inviter")
    with invitations_api(stack_info, manager, one_time_codes) as client:
        yield client


def _invite(api: httpx.Client, users: UserFactory, email: str, roles: list[str], org: str = ACME) -> dict:
    body = {
        "email": email,
        "firstName": "Ines",
        "lastName": "Invitee",
        "organizationId": users.organization_id(org),
        "roles": roles,
    }
    created = api.post("", json=body)
    assert created.status_code == 201, created.text
    invitation = created.json()
    users.adopt(invitation["userId"])
    return dict(invitation)


def _open_link(link: str) -> httpx.Response:
    return httpx.get(link, follow_redirects=False, timeout=10)


def test_invitation_creates_the_account_and_sends_the_email(
    api: httpx.Client, stack_info: dict, users: UserFactory
) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, ["VAMREG_USER", "IAM_API_KEY_MANAGER"])
    assert invitation["status"] == "pending"
    assert invitation["organization"] == {"id": users.organization_id(ACME), "name": ACME}

    account = users.user(invitation["userId"])
    assert account["username"] == email and account["email"] == email
    assert account["emailVerified"] is True
    assert (account["firstName"], account["lastName"]) == ("Ines", "Invitee")
    assert set(account["requiredActions"]) == REQUIRED_ACTIONS

    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    assert mail.subject == "Confirm your invitation"
    assert mail.text and mail.html  # multipart: a text and an HTML part
    assert mail.link.startswith(f"{stack_info['apps']['base_url']}/invitations/")
    assert mail.username == email
    assert len(mail.password) >= 12
    assert mail.password not in str(query_database(stack_info, "SELECT * FROM invitations"))


def test_invitation_link_works_once(api: httpx.Client, stack_info: dict, users: UserFactory) -> None:
    email = invitee_address()
    _invite(api, users, email, ["VAMREG_USER"])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)

    first = use_invitation_link(mail.link)
    assert first.status_code == 303
    assert first.headers["Location"] == f"/portal/login?login_hint={email.replace('@', '%40')}"
    to_keycloak = httpx.get(f"{stack_info['apps']['base_url']}{first.headers['Location']}", timeout=10)
    assert to_keycloak.status_code == 302
    assert "login_hint=" in to_keycloak.headers["Location"]
    assert "client_id=iam-external-portal" in to_keycloak.headers["Location"]

    second = _open_link(mail.link)
    assert second.status_code == 410
    assert 'data-testid="invitation-used"' in second.text
    assert "<h1>Invitation already used</h1>" in second.text


def test_expired_and_unknown_links_get_their_own_pages(api: httpx.Client, stack_info: dict, users: UserFactory) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, [])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    past = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None).isoformat(sep=" ")
    query_database(stack_info, "UPDATE invitations SET expires_at = ? WHERE id = ?", past, invitation["id"])

    expired = _open_link(mail.link)
    assert expired.status_code == 410
    assert 'data-testid="invitation-expired"' in expired.text
    assert "<h1>Invitation expired</h1>" in expired.text
    assert api.get(f"/{invitation['id']}").json()["status"] == "expired"

    unknown = _open_link(f"{stack_info['apps']['base_url']}/invitations/{uuid.uuid4().hex}")
    assert unknown.status_code == 404
    assert 'data-testid="invitation-unknown"' in unknown.text
    assert "<h1>Invitation not found</h1>" in unknown.text


def test_resend_replaces_the_link_and_the_password(api: httpx.Client, stack_info: dict, users: UserFactory) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, ["VAMREG_USER"])
    resent = api.post(f"/{invitation['id']}/resend")
    assert resent.status_code == 200, resent.text
    old, new = wait_for_invitations(stack_info["mailpit"]["url"], email, count=2)
    assert old.link != new.link and old.password != new.password

    replaced = _open_link(old.link)
    assert replaced.status_code == 410
    assert 'data-testid="invitation-replaced"' in replaced.text
    assert use_invitation_link(new.link).status_code == 303


def test_withdrawing_removes_the_account_and_the_link(api: httpx.Client, stack_info: dict, users: UserFactory) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, [])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    assert api.delete(f"/{invitation['id']}").status_code == 204
    assert users.find_id(email) is None
    assert _open_link(mail.link).status_code == 410
    listed = api.get("").json()["invitations"]
    assert [item["status"] for item in listed if item["id"] == invitation["id"]] == ["withdrawn"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"firstName": "   "}, "firstName"),
        ({"lastName": "x" * 101}, "lastName"),
        ({"roles": ["REALM_ADMIN"]}, "roles"),
        ({"organizationId": ""}, "organizationId"),
    ],
    ids=["email", "first-name", "last-name", "role", "no-organisation"],
)
def test_invalid_input_is_refused_and_nothing_is_created(
    api: httpx.Client, users: UserFactory, change: dict, field: str
) -> None:
    email = invitee_address()
    body = {
        "email": email,
        "firstName": "Ines",
        "lastName": "Invitee",
        "organizationId": users.organization_id(ACME),
        "roles": ["VAMREG_USER"],
        **change,
    }
    refused = api.post("", json=body)
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["fields"]
    assert users.find_id(email) is None


def test_foreign_organisation_is_forbidden(api: httpx.Client, users: UserFactory) -> None:
    email = invitee_address()
    body = {
        "email": email,
        "firstName": "I",
        "lastName": "I",
        "organizationId": users.organization_id(BELGIAN_VET),
    }
    refused = api.post("", json=body)
    assert refused.status_code == 403
    assert users.find_id(email) is None


def test_api_needs_a_valid_token_of_a_user_manager(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    url = f"{stack_info['apps']['base_url']}/famhp-connect/api/invitations"
    assert httpx.get(url, timeout=10).status_code == 401
    garbage = httpx.get(url, headers={"Authorization": "Bearer not.a.jwt"}, timeout=10)
    assert garbage.status_code == 401 and garbage.json()["error"] == "invalid_token"

    vamreg_user = users.create({"vamreg": ["VAMREG_USER"], "famhp-connect": ["IAM_API_KEY_MANAGER"]}, [ACME])
    token = access_token(stack_info, "famhp-connect", vamreg_user, one_time_codes)
    refused = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 403


def test_users_page_lists_my_organisations_and_enforces_its_rules(
    api: httpx.Client, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    email = invitee_address()
    _invite(api, users, email, ["VAMREG_USER"])
    manager = users.create(ALL_ROLES, [ACME])  # grants VAMREG_USER below: an inviter grants only roles they hold
    tab = AppsSession(stack_info, manager, one_time_codes)
    try:
        listed = tab.get(f"/famhp-connect/users?q={email}")
        assert listed.status_code == 200
        assert texts_by_testid(listed.text, "user-email") == [email]
        assert texts_by_testid(listed.text, "user-status") == ["Invitation pending"]
        resend_action = f"/famhp-connect/users/{users.find_id(email)}/resend"
        resend_form = form_with_action(listed.text, resend_action)
        assert tab.post(resend_action, resend_form.fields).status_code == 303
        first, second = wait_for_invitations(stack_info["mailpit"]["url"], email, count=2)
        assert first.link != second.link and first.password != second.password

        form_page = tab.get("/famhp-connect/users/invite")
        offered = form_with_action(form_page.text, "/famhp-connect/users/invite").options["organization"]
        assert [label for value, label in offered if value] == [ACME]

        other = invitee_address()
        fields = {"email": other, "first_name": "Otto", "last_name": "Other", "roles": ["VAMREG_USER"]}
        acme, belgian = users.organization_id(ACME), users.organization_id(BELGIAN_VET)
        no_csrf = tab.post("/famhp-connect/users/invite", {**fields, "organization": acme})
        assert no_csrf.status_code == 403
        token = csrf_token(form_page.text)
        forged = tab.post("/famhp-connect/users/invite", {**fields, "organization": belgian, "csrf_token": token})
        assert forged.status_code == 403
        invalid = tab.post(
            "/famhp-connect/users/invite",
            {**fields, "email": "nope", "first_name": "", "organization": acme, "csrf_token": token},
        )
        assert invalid.status_code == 422
        assert texts_by_testid(invalid.text, "error-email") and texts_by_testid(invalid.text, "error-first_name")
        assert users.find_id(other) is None

        sent = tab.post("/famhp-connect/users/invite", {**fields, "organization": acme, "csrf_token": token})
        assert sent.status_code == 303
        invited_id = users.find_id(other)
        assert invited_id is not None
        users.adopt(invited_id)
        wait_for_invitations(stack_info["mailpit"]["url"], other)
    finally:
        tab.close()


def test_users_tab_needs_the_user_manager_role(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    key_manager = users.create({"famhp-connect": ["IAM_API_KEY_MANAGER"]}, [ACME])
    tab = AppsSession(stack_info, key_manager, one_time_codes)
    try:
        keys_page = tab.get("/famhp-connect")  # opens the first tab the user may see
        assert str(keys_page.url).endswith("/famhp-connect/apikeys")
        assert ">Users</a>" not in keys_page.text
        assert tab.get("/famhp-connect/users").status_code == 403
        assert tab.get("/famhp-connect/users/invite").status_code == 403
        email = invitee_address()
        refused = tab.post(
            "/famhp-connect/users/invite",
            {
                "csrf_token": csrf_token(keys_page.text),
                "email": email,
                "first_name": "A",
                "last_name": "B",
                "organization": users.organization_id(ACME),
            },
        )
        assert refused.status_code == 403
        assert users.find_id(email) is None
    finally:
        tab.close()
