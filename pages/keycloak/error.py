"""Keycloak's error screen (`login-error`): unknown client, expired action link, declined terms, …"""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage


class ErrorPage(KeycloakPage):
    """The error message (the same base template in every theme)."""

    PAGE_ID = "login-error"
    SIGNATURE = "#kc-error-message"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.message = page.locator("#kc-error-message .instruction")
