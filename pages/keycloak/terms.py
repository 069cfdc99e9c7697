"""Terms and conditions (required action TERMS_AND_CONDITIONS)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage


class TermsPage(KeycloakPage):
    """`login-terms`: the realm's `termsText`, accept or decline."""

    PAGE_ID = "login-terms"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        # keycloak.v2 gives the text no id: it is the block just before the form with the buttons
        # (#kc-terms-text is the v1 theme's)
        self.terms_text = page.locator("#kc-terms-text, div:has(+ form #kc-accept)")
        self._accept = page.locator("#kc-accept")
        self._decline = page.locator("#kc-decline")

    def accept_terms(self) -> None:
        self._transition(self._accept.click, "accepting the terms")

    def decline_terms(self) -> None:
        self._transition(self._decline.click, "declining the terms")
