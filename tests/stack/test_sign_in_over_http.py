"""The suite's sign-in without a browser against the reference stack: with every login theme it knows (Keycloak's two
and the FAMHP one), the portal's own code flow through Keycloak's forms ends in a session that the browser accepts
(the dashboard opens, and single sign-on reaches FAMHP Connect without a form); a wrong password is reported with
Keycloak's own message."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from stack.login_themes import known_login_themes
from support.secrets import Secret
from support.web_session.sign_in import HttpSignIn, SignInOverHttpUnavailable
from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import UserFactory, managed_users

PORTAL_USER_NAME = "portal-user-name"  # the reference portal's own test id: this file tests the stack


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


def _portal(stack_info: dict) -> str:
    return f"{stack_info['apps']['base_url']}/portal"


@pytest.mark.stack
@pytest.mark.browser
@pytest.mark.parametrize("theme", known_login_themes())
def test_the_session_signed_in_over_http_opens_the_portal_and_reaches_famhp_connect(
    theme: str,
    login_theme: Callable[[str], None],
    users: UserFactory,
    one_time_codes: OneTimeCodes,
    browser: Browser,
    stack_info: dict,
) -> None:
    login_theme(theme)
    user = users.create(roles={"famhp-connect": ["IAM_API_KEY_MANAGER"]}, organizations=["Acme Pharma NV"])
    codes: list[str] = []

    def code() -> str:
        codes.append(one_time_codes.next_code(user.totp_secret))
        return codes[-1]

    with HttpSignIn(timeout_s=30) as client:
        session = client.sign_in(_portal(stack_info), user.email, Secret(user.password), code)
    assert len(codes) == 1 and session.landed_at == _portal(stack_info)

    context = browser.new_context()
    try:
        context.add_cookies(session.cookies)  # type: ignore[arg-type]
        page = context.new_page()
        forms: list[str] = []
        page.on("framenavigated", lambda frame: forms.append(frame.url) if "/login-actions/" in frame.url else None)
        page.goto(_portal(stack_info))
        expect(page.get_by_test_id(PORTAL_USER_NAME)).to_be_visible()
        page.goto(f"{stack_info['apps']['base_url']}/famhp-connect")  # a new code flow, answered by the SSO session
        expect(page).to_have_url(f"{stack_info['apps']['base_url']}/famhp-connect/apikeys")
        assert forms == [], f"the browser was shown a sign-in form: {forms}"
    finally:
        context.close()


@pytest.mark.stack
def test_a_wrong_password_is_reported_with_keycloaks_message(users: UserFactory, stack_info: dict) -> None:
    user = users.create(roles={"famhp-connect": ["IAM_API_KEY_MANAGER"]}, organizations=["Acme Pharma NV"])
    asked: list[int] = []
    with HttpSignIn(timeout_s=30) as client, pytest.raises(SignInOverHttpUnavailable) as refused:
        client.sign_in(_portal(stack_info), user.email, Secret("Not-The#Password9"), lambda: asked.append(1) or "0")
    assert "on 'login-login'" in str(refused.value) and "Invalid" in str(refused.value), str(refused.value)
    assert asked == []
