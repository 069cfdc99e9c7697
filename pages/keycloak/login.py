"""The sign-in screens: the classic username + password form, and the username-first form that Keycloak
shows when Organizations are enabled (then `login-login` asks only for the password)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain


class LoginUsernamePage(KeycloakPage):
    """Username first (Organizations' identity-first step): the e-mail address, then `login-login`."""

    PAGE_ID = "login-login-username"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.username_input = page.locator("#username")
        self._sign_in = page.locator("#kc-login")

    def submit_username(self, username: str) -> None:
        self.username_input.fill(username)
        self._transition(self._sign_in.click, "submitting the username")


class LoginPage(KeycloakPage):
    """Username and password, or only the password when the username was asked on the screen before."""

    PAGE_ID = "login-login"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.username_input = page.locator("#username")
        self.password_input = page.locator("#password")
        # refused credentials: every Keycloak login theme marks the field that carries the error aria-invalid
        self.credentials_refused = page.locator("#username[aria-invalid=true], #password[aria-invalid=true]")
        self._sign_in = page.locator("#kc-login")

    def sign_in(self, username: str, password: SecretText) -> None:
        """Sign in; the username is typed only where this form asks for it (not on the password-only form)."""
        if self.asks_for_username():
            self.username_input.fill(username)
        self.submit_password(password)

    def submit_password(self, password: SecretText) -> None:
        self.password_input.fill(_plain(password))
        self._transition(self._sign_in.click, "signing in")

    def asks_for_username(self) -> bool:
        return self.username_input.count() > 0
