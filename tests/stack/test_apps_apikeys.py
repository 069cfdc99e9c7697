"""FAMHP Connect "API Keys" on the reference stack: the key's life cycle in a browser, and every server-side
rule (role, organisation scope, CSRF, name rules) over plain HTTP with real Keycloak sign-ins."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    AppsSession,
    StackUser,
    UserFactory,
    browser_sign_in,
    csrf_token,
    database_bytes,
    form_with_action,
    managed_users,
    query_database,
    texts_by_testid,
)

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"
BELGIAN_VET = "Belgian Vet Supplies BV"
KEY_MANAGER = {"famhp-connect": ["IAM_API_KEY_MANAGER"]}
NEW_KEY_FORM = "/famhp-connect/apikeys"


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


@pytest.fixture
def sessions(stack_info: dict, one_time_codes: OneTimeCodes) -> Iterator[list[AppsSession]]:
    opened: list[AppsSession] = []
    yield opened
    for session in opened:
        session.close()


def _session(stack_info: dict, user: StackUser, codes: OneTimeCodes, opened: list[AppsSession]) -> AppsSession:
    session = AppsSession(stack_info, user, codes)
    opened.append(session)
    return session


def _keys_named(stack_info: dict, name: str) -> list[tuple]:
    return query_database(stack_info, "SELECT organization_name, revoked_at FROM api_keys WHERE name = ?", name)


def _whoami(stack_info: dict, secret: str | None) -> httpx.Response:
    headers = {"X-API-Key": secret} if secret is not None else {}
    return httpx.get(f"{stack_info['apps']['base_url']}/api/v1/whoami", headers=headers, timeout=10)


@pytest.mark.browser
def test_api_key_life_cycle(
    browser: Browser, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    manager = users.create(KEY_MANAGER, [ACME])
    base = stack_info["apps"]["base_url"]
    name = f"Pharmacovigilance feed {uuid.uuid4().hex[:6]}"
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{base}/famhp-connect/apikeys")
        browser_sign_in(page, manager, one_time_codes)
        expect(page).to_have_url(f"{base}/famhp-connect/apikeys")

        page.get_by_role("button", name="Create API key").click()
        expect(page).to_have_url(f"{base}/famhp-connect/apikeys/new")
        page.get_by_label("Name").fill(f"  {name}  ")
        page.get_by_label("Organisation").select_option(label=ACME)
        page.get_by_role("button", name="Save").click()
        secret = page.get_by_test_id("api-key-secret").inner_text().strip()
        assert secret.startswith("famhp_")
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_test_id("copy-result")).not_to_be_empty()

        page.reload()  # the secret is shown once: a reload lands on the list without it
        expect(page).to_have_url(f"{base}/famhp-connect/apikeys")
        expect(page.get_by_test_id("api-key-secret")).to_have_count(0)
        row = page.get_by_test_id("api-key-row").filter(has_text=name)
        expect(row.get_by_test_id("api-key-last-used")).to_have_text("Never")
        expect(row.get_by_test_id("api-key-status")).to_have_text("Active")

        whoami = _whoami(stack_info, secret)
        assert whoami.status_code == 200, whoami.text
        assert whoami.json()["organization"]["name"] == ACME
        assert whoami.json()["organization"]["id"] == users.organization_id(ACME)
        assert whoami.json()["key"]["name"] == name

        page.reload()
        row = page.get_by_test_id("api-key-row").filter(has_text=name)
        expect(row.get_by_test_id("api-key-name")).to_have_text(name)  # trimmed
        expect(row.get_by_test_id("api-key-organization")).to_have_text(ACME)
        expect(row.get_by_test_id("api-key-created-by")).to_have_text(manager.email)
        expect(row.get_by_test_id("api-key-last-used")).not_to_have_text("Never")
        prefix = row.get_by_test_id("api-key-prefix").inner_text()
        assert secret.startswith(prefix) and len(prefix) < len(secret) // 2

        # stored as a hash only: the secret's bytes are nowhere in the database file
        assert secret.encode() not in database_bytes(stack_info)
        digest = hashlib.sha256(secret.encode()).hexdigest()
        assert query_database(stack_info, "SELECT name FROM api_keys WHERE secret_hash = ?", digest) == [(name,)]

        row.get_by_role("button", name="Revoke").click()
        expect(page.get_by_role("heading", name="Revoke API key")).to_be_visible()
        page.get_by_role("button", name="Cancel").click()
        expect(page).to_have_url(f"{base}/famhp-connect/apikeys")
        row = page.get_by_test_id("api-key-row").filter(has_text=name)
        expect(row.get_by_test_id("api-key-status")).to_have_text("Active")
        assert _whoami(stack_info, secret).status_code == 200

        row.get_by_role("button", name="Revoke").click()
        expect(page.get_by_test_id("revoke-key-name")).to_have_text(name)
        page.get_by_role("button", name="Revoke").click()
        row = page.get_by_test_id("api-key-row").filter(has_text=name)
        expect(row.get_by_test_id("api-key-status")).to_have_text("Revoked")
        expect(row.get_by_role("button", name="Revoke")).to_have_count(0)

        revoked = _whoami(stack_info, secret)
        assert revoked.status_code == 401
        assert revoked.json()["error"] == "invalid_api_key"
    finally:
        context.close()


def test_whoami_refuses_missing_and_unknown_keys(stack_info: dict) -> None:
    missing = _whoami(stack_info, None)
    assert missing.status_code == 401 and missing.json()["error"] == "missing_api_key"
    unknown = _whoami(stack_info, "famhp_00000000_" + uuid.uuid4().hex)
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_api_key"


def test_user_without_key_manager_role_gets_no_tab_and_403(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, sessions: list[AppsSession]
) -> None:
    user = users.create({"famhp-connect": ["IAM_USER_MANAGER"]}, [ACME])
    tab = _session(stack_info, user, one_time_codes, sessions)
    users_page = tab.get("/famhp-connect/users")
    assert users_page.status_code == 200
    assert ">Users</a>" in users_page.text
    assert "API Keys</a>" not in users_page.text

    for path in ("/famhp-connect/apikeys", "/famhp-connect/apikeys/new"):
        refused = tab.get(path)
        assert refused.status_code == 403, path
        assert 'data-testid="forbidden"' in refused.text

    name = f"Sneaky {uuid.uuid4().hex[:6]}"
    posted = tab.post(
        NEW_KEY_FORM,
        {
            "csrf_token": csrf_token(users_page.text),
            "name": name,
            "organization": users.organization_id(ACME),
        },
    )
    assert posted.status_code == 403
    assert _keys_named(stack_info, name) == []


def test_organisation_select_offers_only_my_organisations_and_a_forged_one_is_refused(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, sessions: list[AppsSession]
) -> None:
    manager = users.create(KEY_MANAGER, [ACME])
    tab = _session(stack_info, manager, one_time_codes, sessions)
    form_page = tab.get("/famhp-connect/apikeys/new")
    assert form_page.status_code == 200
    offered = form_with_action(form_page.text, NEW_KEY_FORM).options["organization"]
    assert [label for value, label in offered if value] == [ACME]

    name = f"Forged {uuid.uuid4().hex[:6]}"
    token = csrf_token(form_page.text)
    for forged in (users.organization_id(BELGIAN_VET), str(uuid.uuid4())):
        refused = tab.post(NEW_KEY_FORM, {"csrf_token": token, "name": name, "organization": forged})
        assert refused.status_code == 403
        assert 'data-testid="forbidden"' in refused.text
    assert _keys_named(stack_info, name) == []


def test_form_posts_without_a_valid_csrf_token_are_refused(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, sessions: list[AppsSession]
) -> None:
    manager = users.create(KEY_MANAGER, [ACME])
    tab = _session(stack_info, manager, one_time_codes, sessions)
    assert tab.get("/famhp-connect/apikeys/new").status_code == 200
    name = f"No token {uuid.uuid4().hex[:6]}"
    acme = users.organization_id(ACME)
    for token in (None, "", "not-the-token"):
        data = {"name": name, "organization": acme}
        if token is not None:
            data["csrf_token"] = token
        refused = tab.post(NEW_KEY_FORM, data)
        assert refused.status_code == 403, token
    assert _keys_named(stack_info, name) == []


@pytest.mark.parametrize(
    ("raw_name", "message"),
    [
        ("", "Enter a name"),
        ("    ", "Enter a name"),
        ("ab", "3 to 64 characters"),
        ("x" * 65, "3 to 64 characters"),
    ],
    ids=["empty", "blank", "too-short", "too-long"],
)
def test_invalid_names_are_refused_with_a_field_message(
    stack_info: dict,
    users: UserFactory,
    one_time_codes: OneTimeCodes,
    sessions: list[AppsSession],
    raw_name: str,
    message: str,
) -> None:
    manager = users.create(KEY_MANAGER, [ACME])
    tab = _session(stack_info, manager, one_time_codes, sessions)
    form_page = tab.get("/famhp-connect/apikeys/new")
    data = {
        "csrf_token": csrf_token(form_page.text),
        "name": raw_name,
        "organization": users.organization_id(ACME),
    }
    refused = tab.post(NEW_KEY_FORM, data)
    assert refused.status_code == 422
    errors = texts_by_testid(refused.text, "error-name")
    assert len(errors) == 1 and message in errors[0]
    assert query_database(stack_info, "SELECT COUNT(*) FROM api_keys WHERE created_by_id = ?", manager.id) == [(0,)]


def test_names_are_unique_per_organisation(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, sessions: list[AppsSession]
) -> None:
    manager = users.create(KEY_MANAGER, [ACME, BELGIAN_VET])
    tab = _session(stack_info, manager, one_time_codes, sessions)
    token = csrf_token(tab.get("/famhp-connect/apikeys/new").text)
    name = f"Shared name {uuid.uuid4().hex[:6]}"
    acme, belgian = users.organization_id(ACME), users.organization_id(BELGIAN_VET)

    first = tab.post(NEW_KEY_FORM, {"csrf_token": token, "name": name, "organization": acme})
    assert first.status_code == 303

    duplicate = tab.post(NEW_KEY_FORM, {"csrf_token": token, "name": name.upper(), "organization": acme})
    assert duplicate.status_code == 422
    assert "already has an active API key with this name" in texts_by_testid(duplicate.text, "error-name")[0]

    other_org = tab.post(NEW_KEY_FORM, {"csrf_token": token, "name": name, "organization": belgian})
    assert other_org.status_code == 303
    stored = query_database(
        stack_info, "SELECT organization_name FROM api_keys WHERE created_by_id = ? ORDER BY 1", manager.id
    )
    assert stored == [(ACME,), (BELGIAN_VET,)]


def test_keys_of_another_organisation_cannot_be_revoked(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes, sessions: list[AppsSession]
) -> None:
    belgian_manager = users.create(KEY_MANAGER, [BELGIAN_VET])
    acme_manager = users.create(KEY_MANAGER, [ACME])
    belgian_tab = _session(stack_info, belgian_manager, one_time_codes, sessions)
    token = csrf_token(belgian_tab.get("/famhp-connect/apikeys/new").text)
    name = f"Belgian only {uuid.uuid4().hex[:6]}"
    created = belgian_tab.post(
        NEW_KEY_FORM, {"csrf_token": token, "name": name, "organization": users.organization_id(BELGIAN_VET)}
    )
    assert created.status_code == 303
    key_id = created.headers["Location"].split("/")[-2]

    acme_tab = _session(stack_info, acme_manager, one_time_codes, sessions)
    acme_list = acme_tab.get("/famhp-connect/apikeys")
    assert name not in acme_list.text  # listed only for members of the key's organisation
    assert acme_tab.get(f"/famhp-connect/apikeys/{key_id}/revoke").status_code == 403
    refused = acme_tab.post(f"/famhp-connect/apikeys/{key_id}/revoke", {"csrf_token": csrf_token(acme_list.text)})
    assert refused.status_code == 403
    assert _keys_named(stack_info, name) == [(BELGIAN_VET, None)]
