"""How `KeycloakScreens` and the page objects judge a screen, on pages served by the browser itself (no stack):
another known screen fails the wait at once and names the guide steps; the deadline stays for everything else;
a theme without `data-page-id` is recognised by the screen's signature; and a page message is a refusal only on
the answer to the screen's own form. The real screens, on every theme, are the Gherkin suite's and
tests/stack's business."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route

from pages.keycloak import (
    KeycloakScreens,
    TermsPage,
    TotpSetupPage,
    UnexpectedPageError,
    UpdatePasswordPage,
    WrongScreenError,
)

pytestmark = pytest.mark.browser

ORIGIN = "http://keycloak.test"
NOTICE = '<div class="notice"><span class="kc-feedback-text">You need to change your password.</span></div>'
PASSWORD_FORM = """
<form id="kc-passwd-update-form" method="post" action="/password">
  <input type="password" id="password-new" name="password-new"><input type="password" name="password-confirm">
  <input type="submit" name="login" value="Submit">
</form>"""
TERMS_FORM = """
<div>The terms.</div>
<form method="post" action="/terms">
  <button type="submit" name="accept">Accept</button><button type="submit" name="cancel">Decline</button>
</form>"""
TOTP_FORM = '<form id="kc-totp-settings-form"><input type="hidden" name="totpSecret" value="x"></form>'


def html(body: str, page_id: str | None) -> str:
    marker = f' data-page-id="{page_id}"' if page_id else ""
    return f"<!doctype html><html lang='en'><body{marker}>{body}</body></html>"


@pytest.fixture
def serve(page: Page) -> Callable[[str, str], None]:
    """Serves `html` at a path of the fake Keycloak origin (GET and POST alike)."""
    pages: dict[str, str] = {}

    def answer(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        route.fulfill(status=200, content_type="text/html", body=pages.get(path, "<p>not found</p>"))

    page.route(f"{ORIGIN}/**", answer)

    def add(path: str, body: str) -> None:
        pages[path] = body

    return add


def test_waiting_for_one_screen_fails_at_once_when_another_known_one_shows(
    page: Page, serve: Callable[[str, str], None]
) -> None:
    serve("/password", html(NOTICE + PASSWORD_FORM, "login-login-update-password"))
    page.goto(f"{ORIGIN}/password")
    with pytest.raises(WrongScreenError) as failure:
        KeycloakScreens(page, timeout_ms=60_000).wait_for(TotpSetupPage)
    message = str(failure.value)
    assert message.startswith(f"expected {TotpSetupPage.describe()}, but the browser shows ")
    assert UpdatePasswordPage.describe() in message
    assert 'user guide 1.1 step 2 "OTP"' in message and 'user guide 1.1 step 4 "Choose a New Password"' in message
    assert f"allowed, at {ORIGIN}/password" in message


def test_a_page_of_no_known_screen_is_waited_on_until_the_deadline(
    page: Page, serve: Callable[[str, str], None]
) -> None:
    serve("/account", html("<p>account console</p>", "account"))
    page.goto(f"{ORIGIN}/account")
    with pytest.raises(UnexpectedPageError) as failure:
        KeycloakScreens(page, timeout_ms=300).wait_for(TermsPage)
    assert type(failure.value) is UnexpectedPageError  # the deadline, not a wrong screen
    assert "the browser still shows Keycloak page 'account'" in str(failure.value)


def test_the_wait_follows_the_form_post_to_the_next_screen(page: Page, serve: Callable[[str, str], None]) -> None:
    serve("/start", html(TERMS_FORM, "login-terms"))
    serve("/terms", html(NOTICE + PASSWORD_FORM, "login-login-update-password"))
    page.goto(f"{ORIGIN}/start")
    screens = KeycloakScreens(page, timeout_ms=10_000)
    screens.wait_for(TermsPage).accept_terms()
    assert isinstance(screens.wait_for(UpdatePasswordPage), UpdatePasswordPage)


def test_a_wait_started_before_a_navigation_judges_the_next_document(
    page: Page, serve: Callable[[str, str], None]
) -> None:
    # an application page that moves on by itself, as the account console does: the wait outlives its document
    serve("/app", html("<script>setTimeout(() => location.assign('/start'), 200)</script><p>app</p>", None))
    serve("/start", html(TERMS_FORM, "login-terms"))
    page.goto(f"{ORIGIN}/app")
    assert isinstance(KeycloakScreens(page, timeout_ms=10_000).wait_for(TermsPage), TermsPage)
    assert page.url == f"{ORIGIN}/start"


def test_a_theme_without_page_ids_is_read_by_the_screens_signature(
    page: Page, serve: Callable[[str, str], None]
) -> None:
    serve("/totp", html(TOTP_FORM, None))
    serve("/app", html("<main><h1>Portal</h1></main>", None))
    screens = KeycloakScreens(page, timeout_ms=10_000)
    page.goto(f"{ORIGIN}/totp")
    assert isinstance(screens.current(), TotpSetupPage)
    page.goto(f"{ORIGIN}/app")
    assert screens.current() is None
    assert screens.wait_until_left_keycloak() == f"{ORIGIN}/app"


def test_a_page_message_is_a_refusal_only_on_the_answer_to_the_screens_own_form(
    page: Page, serve: Callable[[str, str], None]
) -> None:
    refused = '<div><span class="kc-feedback-text">Invalid password.</span></div>'
    serve("/start", html(TERMS_FORM, "login-terms"))
    serve("/terms", html(NOTICE + PASSWORD_FORM, "login-login-update-password"))
    serve("/password", html(refused + PASSWORD_FORM, "login-login-update-password"))
    page.goto(f"{ORIGIN}/start")
    screens = KeycloakScreens(page, timeout_ms=10_000)
    screens.wait_for(TermsPage).accept_terms()
    reached = screens.wait_for(UpdatePasswordPage)
    assert reached.page_message.count() == 1  # the notice the screen opens with
    assert reached.password_refusal.count() == 0
    reached.change_password("short")
    answered = screens.wait_for(UpdatePasswordPage)
    assert answered.password_refusal.all_inner_texts() == ["Invalid password."]
    assert answered.policy_error.count() == 1 and answered.confirmation_error.count() == 0
