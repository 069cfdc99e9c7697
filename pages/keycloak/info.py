"""Keycloak's information screen (`login-info`): "you are logged out", "perform the following actions"."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage


class InfoPage(KeycloakPage):
    """A message, and sometimes a link onwards (proceed with the actions, or back to the application); the
    same base template in every theme."""

    PAGE_ID = "login-info"
    SIGNATURE = "#kc-info-message .instruction"  # the sign-out confirmation has an empty #kc-info-message

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.message = page.locator("#kc-info-message .instruction")
        # neither link has an id when it means "proceed with the required actions"
        self._proceed = page.locator("#kc-info-message a:not(#backToApplication)")

    def proceed(self) -> None:
        """Follow "Click here to proceed" (after a link from an execute-actions e-mail)."""
        self._transition(
            self._activate(self._proceed.first, "the link onwards"), "proceeding from the information page"
        )
