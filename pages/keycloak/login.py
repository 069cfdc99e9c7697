"""The sign-in screens: the classic username + password form, and the username-first form that Keycloak
shows when Organizations are enabled (then `login-login` asks only for the password)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain, submit_of

# every theme's sign-in form, username first or classic
_SIGN_IN_FORM = "form#kc-form-login"


class LoginUsernamePage(KeycloakPage):
    """Username first (Organizations' identity-first step): the e-mail address, then `login-login`."""

    PAGE_ID = "login-login-username"
    SIGNATURE = "form:has(input[name=username]):not(:has(input[name=password]))"
    GUIDE_STEP = 'user guide 1.1 step 1, "Login credentials": the e-mail address'

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.username_input = page.locator("input[name=username]")
        self._sign_in = page.locator(submit_of(_SIGN_IN_FORM))

    def submit_username(self, username: str) -> None:
        self._type(self.username_input, username, "the e-mail address field")
        self._transition(self._activate(self._sign_in, "the sign-in button"), "submitting the username")


class LoginPage(KeycloakPage):
    """Username and password, or only the password when the username was asked on the screen before.

    A wrong password marks the field `aria-invalid` and fills its error slot: `input-error-password` on
    keycloak.v2, a bare `input-error` on the keycloak theme; `refusal` finds both."""

    PAGE_ID = "login-login"
    SIGNATURE = "form:has(input[name=password])"
    GUIDE_STEP = 'user guide 1.1 step 1, "Login credentials": the password'

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.username_input = page.locator("input[name=username]")
        self.password_input = page.locator("input[name=password]")
        self._sign_in = page.locator(submit_of(_SIGN_IN_FORM))

    def sign_in(self, username: str, password: SecretText) -> None:
        """Sign in; the username is typed only where this form asks for it (not on the password-only form)."""
        if self.asks_for_username():
            self._type(self.username_input, username, "the e-mail address field")
        self.submit_password(password)

    def submit_password(self, password: SecretText) -> None:
        self._type(self.password_input, _plain(password), "the password field")
        self._transition(self._activate(self._sign_in, "the sign-in button"), "signing in")

    def asks_for_username(self) -> bool:
        return self.username_input.count() > 0
