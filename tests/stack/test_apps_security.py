"""The reference apps as an attacker meets them (issue 11): what a careful FAMHP Connect does that a naive one does not.
Each test failed on the apps before their fix: withdrawing keeps active accounts, inviters grant only their own
roles, initial passwords expire with their invitation, opening a link does not use it, sessions follow Keycloak,
the invitations API takes only FAMHP Connect's tokens, the callback reflects no text, rate limits, inviting reveals
no account, and the service account and redirect URIs are least privilege (the last two in test_realm.py)."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    AppsSession,
    UserFactory,
    csrf_token,
    invitations_api,
    invitee_address,
    managed_users,
    page_id,
    password_accepted,
    query_database,
    token_response,
    use_invitation_link,
    wait_for_invitations,
    wait_until,
    web_client,
)

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"
BELGIAN_VET = "Belgian Vet Supplies BV"
USER_MANAGER = {"famhp-connect": ["IAM_USER_MANAGER"]}
KEY_MANAGER = {"famhp-connect": ["IAM_API_KEY_MANAGER"]}
# the apps' documented bounds (stack/apps/README.md): sessions are re-checked against Keycloak, and expired
# invitations swept, every 30 s; a loaded machine gets some grace on top
RECHECK_S = 30
SWEEP_S = 30
GRACE_S = 30
# the apps' documented rate limits (stack/apps/README.md)
API_KEY_LIMIT = 120
API_FAILURE_LIMIT = 20
INVITATION_LIMIT = 50


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


@pytest.fixture
def manager(users: UserFactory):  # type: ignore[no-untyped-def]
    return users.create(USER_MANAGER, [ACME], tag="inviter")


@pytest.fixture
def api(stack_info: dict, manager, one_time_codes: OneTimeCodes) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """The invitations API as a user manager of Acme (IAM_USER_MANAGER only), with FAMHP Connect's access token."""
    with invitations_api(stack_info, manager, one_time_codes) as client:
        yield client


def _body(users: UserFactory, email: str, roles: list[str], org: str = ACME) -> dict:
    return {
        "email": email,
        "firstName": "Ines",
        "lastName": "Invitee",
        "organizationId": users.organization_id(org),
        "roles": roles,
    }


def _invite(api: httpx.Client, users: UserFactory, email: str, roles: list[str]) -> dict:
    created = api.post("", json=_body(users, email, roles))
    assert created.status_code == 201, created.text
    users.adopt(created.json()["userId"])
    return dict(created.json())


def _organisations_of(admin: httpx.Client, user_id: str) -> list[str]:
    found = admin.get(f"/organizations/members/{user_id}/organizations").raise_for_status().json()
    return sorted(org["name"] for org in found)


def _claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


# ---- invitations -----------------------------------------------------------------------------------------------


def test_withdrawing_a_used_invitation_keeps_the_account_and_its_other_memberships(
    api: httpx.Client, stack_info: dict, users: UserFactory, keycloak_admin: httpx.Client
) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, ["IAM_USER_MANAGER"])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    assert use_invitation_link(mail.link).status_code == 303
    user_id = invitation["userId"]
    # the person finished the first sign-in, and is a member of another organisation too
    keycloak_admin.put(f"/users/{user_id}", json={"requiredActions": []}).raise_for_status()
    keycloak_admin.post(f"/organizations/{users.organization_id(BELGIAN_VET)}/members", json=user_id).raise_for_status()

    assert api.delete(f"/{invitation['id']}").status_code == 204

    account = users.user(user_id)  # still there: withdrawing a used invitation never deletes an account
    assert account["enabled"] is True and account["email"] == email
    assert _organisations_of(keycloak_admin, user_id) == [BELGIAN_VET]
    assert api.get(f"/{invitation['id']}").json()["status"] == "withdrawn"


def test_withdrawing_a_pending_invitation_removes_the_account_it_made(api: httpx.Client, users: UserFactory) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, [])
    assert api.delete(f"/{invitation['id']}").status_code == 204
    assert users.find_id(email) is None


def test_an_inviter_grants_only_roles_they_hold(
    api: httpx.Client,
    stack_info: dict,
    users: UserFactory,
    manager,
    one_time_codes: OneTimeCodes,  # type: ignore[no-untyped-def]
) -> None:
    email = invitee_address()
    refused = api.post("", json=_body(users, email, ["IAM_USER_MANAGER", "VAMREG_USER"]))
    assert refused.status_code == 403, refused.text
    assert "VAMREG_USER" in refused.json()["message"]
    assert users.find_id(email) is None
    _invite(api, users, email, ["IAM_USER_MANAGER"])  # a role they hold they may grant

    tab = AppsSession(stack_info, manager, one_time_codes)
    try:
        form_page = tab.get("/famhp-connect/users/invite")
        assert re.findall(r'name="roles"[^>]*value="([^"]+)"', form_page.text) == ["IAM_USER_MANAGER"]
        other = invitee_address()
        forged = tab.post(
            "/famhp-connect/users/invite",
            {
                "csrf_token": csrf_token(form_page.text),
                "email": other,
                "first_name": "Otto",
                "last_name": "Other",
                "organization": users.organization_id(ACME),
                "roles": ["VAMREG_USER"],
            },
        )
        assert forged.status_code == 403
        assert users.find_id(other) is None
    finally:
        tab.close()


def test_the_initial_password_stops_working_when_the_invitation_expires(
    api: httpx.Client, stack_info: dict, users: UserFactory
) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, [])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    assert password_accepted(stack_info, email, mail.password)

    past = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None).isoformat(sep=" ")
    query_database(stack_info, "UPDATE invitations SET expires_at = ? WHERE id = ?", past, invitation["id"])
    started = time.monotonic()
    wait_until(
        lambda: True if not password_accepted(stack_info, email, mail.password) else None,
        SWEEP_S + GRACE_S,
        "Keycloak to refuse the initial password of the expired invitation",
        interval_s=3,
    )
    assert time.monotonic() - started <= SWEEP_S + GRACE_S
    assert api.get(f"/{invitation['id']}").json()["status"] == "expired"


def test_opening_an_invitation_link_does_not_use_it_only_confirming_does(
    api: httpx.Client, stack_info: dict, users: UserFactory
) -> None:
    email = invitee_address()
    invitation = _invite(api, users, email, [])
    (mail,) = wait_for_invitations(stack_info["mailpit"]["url"], email)
    for _opener in ("a mail scanner", "the person"):
        opened = httpx.get(mail.link, follow_redirects=False, timeout=10)
        assert opened.status_code == 200
        assert "<h1>Confirm your invitation</h1>" in opened.text
        assert re.search(r'<form method="post"', opened.text)
    assert api.get(f"/{invitation['id']}").json()["status"] == "pending"

    confirmed = use_invitation_link(mail.link)
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].startswith("/portal/login?login_hint=")
    assert api.get(f"/{invitation['id']}").json()["status"] == "used"
    again = httpx.get(mail.link, follow_redirects=False, timeout=10)
    assert again.status_code == 410 and 'data-testid="invitation-used"' in again.text
    assert httpx.post(mail.link, follow_redirects=False, timeout=10).status_code == 410


def test_inviting_an_address_that_has_an_account_answers_as_for_a_new_one(
    api: httpx.Client, stack_info: dict, users: UserFactory, keycloak_admin: httpx.Client
) -> None:
    colleague = users.create({"vamreg": ["VAMREG_USER"]}, [BELGIAN_VET], tag="colleague")
    new = api.post("", json=_body(users, invitee_address(), ["IAM_USER_MANAGER"]))
    existing = api.post("", json=_body(users, colleague.email, ["IAM_USER_MANAGER"]))
    users.adopt(new.json()["userId"])

    assert new.status_code == existing.status_code == 201, existing.text
    assert sorted(existing.json()) == sorted(new.json())
    assert existing.json()["status"] == new.json()["status"] == "pending"
    # nothing changed for the account: no role, no membership, the same password
    account = users.user(colleague.id)
    assert account["enabled"] is True and not account.get("requiredActions")
    assert _organisations_of(keycloak_admin, colleague.id) == [BELGIAN_VET]
    roles = keycloak_admin.get(f"/users/{colleague.id}/role-mappings").raise_for_status().json()
    assert set(roles.get("clientMappings", {})) == {"vamreg"}
    assert password_accepted(stack_info, colleague.email, colleague.password)
    # the person is told, by e-mail, that someone tried to invite them
    wait_until(lambda: _notice_to(stack_info, colleague.email), 30, f"the notice to {colleague.email}")


def _notice_to(stack_info: dict, address: str) -> list[dict] | None:
    mailpit = stack_info["mailpit"]["url"]
    found = httpx.get(f"{mailpit}/api/v1/search", params={"query": f'to:"{address}"'}, timeout=10).json()
    notices = [m for m in found["messages"] if m["Subject"] == "Your invitation to the FAMHP IAM External Portal"]
    return notices or None


# ---- sessions follow Keycloak ----------------------------------------------------------------------------------


def _refused(tab: AppsSession, path: str) -> httpx.Response | None:
    answer = tab.client.get(f"{tab.base}{path}")
    return None if answer.status_code == 200 else answer


def test_a_disabled_account_loses_famhp_connect_within_the_documented_bound(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, keycloak_admin: httpx.Client
) -> None:
    user = users.create(KEY_MANAGER, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        assert tab.get("/famhp-connect/apikeys").status_code == 200
        keycloak_admin.put(f"/users/{user.id}", json={"enabled": False}).raise_for_status()
        started = time.monotonic()
        refused = wait_until(
            lambda: _refused(tab, "/famhp-connect/apikeys"), RECHECK_S + GRACE_S, "FAMHP Connect to refuse", 2
        )
        assert time.monotonic() - started <= RECHECK_S + GRACE_S
        # sent to sign in again, which Keycloak refuses for a disabled account: no page of FAMHP Connect
        assert refused.status_code == 302
        location = refused.headers["Location"]
        assert location.startswith(stack_info["keycloak"]["url"])
        landing = tab.client.get(location, follow_redirects=True)
        assert str(landing.url).startswith(stack_info["keycloak"]["url"])
        assert page_id(landing.text) != "login-login-otp"
    finally:
        tab.close()


def test_a_role_taken_away_in_keycloak_closes_its_tab_within_the_documented_bound(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, keycloak_admin: httpx.Client
) -> None:
    user = users.create({"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"]}, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        assert tab.get("/famhp-connect/apikeys").status_code == 200
        client_uuid = keycloak_admin.get("/clients", params={"clientId": "famhp-connect"}).json()[0]["id"]
        role = keycloak_admin.get(f"/clients/{client_uuid}/roles/IAM_API_KEY_MANAGER").raise_for_status().json()
        mappings = f"/users/{user.id}/role-mappings/clients/{client_uuid}"
        keycloak_admin.request("DELETE", mappings, json=[role]).raise_for_status()
        refused = wait_until(
            lambda: _refused(tab, "/famhp-connect/apikeys"), RECHECK_S + GRACE_S, "the API Keys tab to close", 2
        )
        assert refused.status_code == 403
        assert tab.client.get(f"{tab.base}/famhp-connect/users").status_code == 200  # the role they kept
    finally:
        tab.close()


def test_invitations_api_takes_only_access_tokens_issued_to_famhp_connect(
    stack_info: dict,
    manager,
    one_time_codes: OneTimeCodes,  # type: ignore[no-untyped-def]
) -> None:
    url = f"{stack_info['apps']['base_url']}/famhp-connect/api/invitations"
    portal = token_response(stack_info, "iam-external-portal", manager, one_time_codes)
    claims = _claims(portal["access_token"])
    # Keycloak addresses the portal's token to FAMHP Connect too (its user holds a FAMHP Connect role) ...
    assert "famhp-connect" in claims["aud"] and claims["azp"] == "iam-external-portal"
    refused = httpx.get(url, headers={"Authorization": f"Bearer {portal['access_token']}"}, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"  # ... but did not issue it to it

    connect = token_response(stack_info, "famhp-connect", manager, one_time_codes)
    id_token = httpx.get(url, headers={"Authorization": f"Bearer {connect['id_token']}"}, timeout=10)
    assert id_token.status_code == 401  # an ID token is not an access token (typ)
    accepted = httpx.get(url, headers={"Authorization": f"Bearer {connect['access_token']}"}, timeout=10)
    assert accepted.status_code == 200, accepted.text


# ---- the sign-in callback --------------------------------------------------------------------------------------


def test_sign_in_errors_from_the_callback_are_neither_shown_nor_logged(stack_info: dict) -> None:
    marker = f"Injected{uuid.uuid4().hex[:10]}"
    base = stack_info["apps"]["base_url"]
    with web_client() as client:
        start = client.get(f"{base}/portal/login")
        state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
        shown = client.get(
            f"{base}/portal/callback",
            params={
                "error": "access_denied",
                "error_description": f"Your account is locked: call +32 000 {marker} now",
                "state": state,
            },
        )
        start = client.get(f"{base}/portal/login")
        state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
        odd_code = client.get(f"{base}/portal/callback", params={"error": f"<b>{marker}</b>", "state": state})
    for answer in (shown, odd_code):
        assert answer.status_code == 400
        assert marker not in answer.text
    assert "The sign-in was cancelled or refused." in shown.text
    log = Path(stack_info["services"]["apps"]["log"]).read_text(encoding="utf-8", errors="replace")
    assert marker not in log


# ---- rate limits -----------------------------------------------------------------------------------------------


def _whoami(stack_info: dict, secret: str) -> httpx.Response:
    return httpx.get(f"{stack_info['apps']['base_url']}/api/v1/whoami", headers={"X-API-Key": secret}, timeout=10)


def test_calls_with_one_api_key_are_rate_limited(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    user = users.create(KEY_MANAGER, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        form = tab.get("/famhp-connect/apikeys/new")
        created = tab.post(
            "/famhp-connect/apikeys",
            {"csrf_token": csrf_token(form.text), "name": f"Busy {uuid.uuid4().hex[:6]}",
             "organization": users.organization_id(ACME)},
        )  # fmt: skip
        shown = tab.client.get(f"{tab.base}{created.headers['Location']}")
        secret = re.search(r"(famhp_[0-9a-f]{8}_[A-Za-z0-9_-]+)", shown.text)
        assert secret, "the new key's secret is not on its page"
        statuses = [_whoami(stack_info, secret.group(1)).status_code for _ in range(API_KEY_LIMIT + 1)]
    finally:
        tab.close()
    assert statuses[:API_KEY_LIMIT] == [200] * API_KEY_LIMIT
    assert statuses[API_KEY_LIMIT] == 429


def test_refused_api_calls_from_one_address_are_rate_limited_and_the_window_reopens(stack_info: dict) -> None:
    unknown = f"famhp_00000000_{uuid.uuid4().hex}"
    answers = [_whoami(stack_info, unknown) for _ in range(API_FAILURE_LIMIT + 1)]
    limited = [answer for answer in answers if answer.status_code == 429]
    assert limited, f"no 429 among {API_FAILURE_LIMIT + 1} refused calls: {[a.status_code for a in answers]}"
    assert answers[0].status_code in (401, 429)
    assert int(limited[0].headers["Retry-After"]) >= 1 and limited[0].json()["error"] == "rate_limited"
    # the window moves on: after Retry-After the address is answered again (and later tests are not blocked)
    wait_until(
        lambda: True if _whoami(stack_info, unknown).status_code == 401 else None,
        int(limited[0].headers["Retry-After"]) + GRACE_S,
        "the refused-calls window to reopen",
        interval_s=1,
    )


def test_invitations_of_one_user_manager_are_rate_limited(api: httpx.Client) -> None:
    statuses = [api.post("", content=b"not json").status_code for _ in range(INVITATION_LIMIT + 1)]
    assert statuses[:INVITATION_LIMIT] == [400] * INVITATION_LIMIT
    assert statuses[INVITATION_LIMIT] == 429
