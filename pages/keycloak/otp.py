"""The one-time code asked at sign-in once the user has an authenticator (`login-login-otp`)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain, submit_of


class OtpPage(KeycloakPage):
    """Enter the code from the authenticator app."""

    PAGE_ID = "login-login-otp"
    SIGNATURE = "input[name=otp]"
    GUIDE_STEP = "user guide 1.2 tips: the one-time code at each new login"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.code_input = page.locator("input[name=otp]")
        # Keycloak 26.7 reports a wrong or reused code in the page message in every theme (its field slot
        # `input-error-otp` is never filled); `refusal` takes either
        self.code_error = self.refusal
        self._sign_in = page.locator(submit_of("form#kc-otp-login-form"))

    def secret_locators(self) -> list[Locator]:
        return [*super().secret_locators(), self.code_input]

    def enter_code(self, code: SecretText) -> None:
        """Type the code and sign in with it."""
        self._type(self.code_input, _plain(code), "the one-time code field")
        self._transition(self._activate(self._sign_in, "the sign-in button"), "signing in with the one-time code")
