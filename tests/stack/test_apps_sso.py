"""Single sign-on between the portal and VAMREG in a real browser: a direct link opens without a prompt while
signed in; after signing out it asks for sign-in and returns to VAMREG. VAMREG needs VAMREG_USER."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Response, expect

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    AppsSession,
    UserFactory,
    browser_sign_in,
    csrf_token,
    managed_users,
    page_id,
    sign_in,
)

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


class KeycloakPagesShown:
    """Records every Keycloak page the browser rendered (a credential prompt), not mere redirects."""

    def __init__(self, page: Page, keycloak_url: str) -> None:
        self.urls: list[str] = []
        self._keycloak_url = keycloak_url
        page.on("response", self._record)

    def _record(self, response: Response) -> None:
        is_html = "text/html" in (response.headers.get("content-type") or "")
        if response.url.startswith(self._keycloak_url) and response.status == 200 and is_html:
            self.urls.append(response.url)


@pytest.mark.browser
def test_vamreg_direct_link_uses_the_portal_session_and_asks_again_after_sign_out(
    page: Page, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    base = stack_info["apps"]["base_url"]
    user = users.create({"vamreg": ["VAMREG_USER"]}, [ACME])
    page.goto(f"{base}/portal")
    browser_sign_in(page, user, one_time_codes)
    expect(page).to_have_url(f"{base}/portal")
    expect(page.get_by_test_id("tile-vamreg")).to_be_visible()

    prompts = KeycloakPagesShown(page, stack_info["keycloak"]["url"])
    page.goto(f"{base}/vamreg")
    expect(page).to_have_url(f"{base}/vamreg")
    expect(page.get_by_test_id("vamreg-user-email")).to_have_text(user.email)
    expect(page.get_by_test_id("vamreg-organizations")).to_have_text(ACME)
    assert prompts.urls == [], "VAMREG asked for credentials although the portal session exists"

    page.goto(f"{base}/portal")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("signed-out")).to_be_visible()

    page.goto(f"{base}/vamreg")
    expect(page.locator("body")).to_have_attribute("data-page-id", "login-login-username")
    seen = browser_sign_in(page, user, one_time_codes)
    assert "login-login-otp" in seen
    expect(page).to_have_url(f"{base}/vamreg")
    expect(page.get_by_test_id("vamreg-user-email")).to_have_text(user.email)


def test_vamreg_refuses_users_without_its_role(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    user = users.create({"famhp-connect": ["IAM_API_KEY_MANAGER"]}, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        refused = tab.get("/vamreg")
        assert refused.status_code == 403
        assert 'data-testid="forbidden"' in refused.text
        portal = tab.get("/portal")
        assert 'data-testid="tile-vamreg"' not in portal.text
        assert 'data-testid="tile-famhp-connect"' in portal.text
    finally:
        tab.close()


def test_each_application_keeps_its_own_session_cookie(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    user = users.create({"vamreg": ["VAMREG_USER"], "famhp-connect": ["IAM_USER_MANAGER"]}, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        for path in ("/portal", "/famhp-connect/users", "/vamreg"):
            assert tab.get(path).status_code == 200, path
        cookies = {cookie.name: cookie.path for cookie in tab.client.cookies.jar if cookie.name.startswith("famhp_")}
        assert cookies == {
            "famhp_portal_session": "/portal",
            "famhp_connect_session": "/famhp-connect",
            "famhp_vamreg_session": "/vamreg",
        }
    finally:
        tab.close()


def test_sign_in_runs_pkce_and_returns_to_the_requested_page(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    user = users.create({"famhp-connect": ["IAM_USER_MANAGER"]}, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        wanted = f"{tab.base}/famhp-connect/users?q=nobody"
        start = tab.client.get(wanted)
        assert start.status_code == 302
        params = parse_qs(urlsplit(start.headers["Location"]).query)
        assert params["client_id"] == ["famhp-connect"]
        assert params["code_challenge_method"] == ["S256"] and params["code_challenge"]
        landed = sign_in(tab.client, start, user, one_time_codes, tab.keycloak_url)
        assert str(landed.url) == wanted
        assert landed.status_code == 200
    finally:
        tab.close()


def test_signing_out_of_one_application_ends_the_sso_session(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    user = users.create({"vamreg": ["VAMREG_USER"]}, [ACME])
    tab = AppsSession(stack_info, user, one_time_codes)
    try:
        assert tab.get("/portal").status_code == 200
        vamreg = tab.get("/vamreg")  # SSO: no second prompt
        assert vamreg.status_code == 200

        logout = tab.post("/vamreg/logout", {"csrf_token": csrf_token(vamreg.text)})
        assert logout.status_code == 303
        end_session = parse_qs(urlsplit(logout.headers["Location"]).query)
        assert end_session["id_token_hint"] and end_session["client_id"] == ["vamreg"]
        signed_out = tab.client.get(logout.headers["Location"], follow_redirects=True)
        assert signed_out.url.path == "/vamreg/signed-out"
        assert 'data-testid="signed-out"' in signed_out.text

        # the portal's own session went with it, and Keycloak asks for credentials again
        portal = tab.client.get(f"{tab.base}/portal", follow_redirects=True)
        assert page_id(portal.text) == "login-login-username"
    finally:
        tab.close()
