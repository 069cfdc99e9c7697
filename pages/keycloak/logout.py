"""The sign-out confirmation Keycloak asks for when a logout request carries no id_token_hint."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage


class LogoutConfirmPage(KeycloakPage):
    """`login-logout-confirm`: "Do you want to log out?"."""

    PAGE_ID = "login-logout-confirm"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self._confirm = page.locator("#kc-logout")

    def confirm_sign_out(self) -> None:
        self._transition(self._confirm.click, "confirming the sign-out")
