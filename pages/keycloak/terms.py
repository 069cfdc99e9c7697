"""Terms and conditions (required action TERMS_AND_CONDITIONS)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage

# the terms form has no id in any theme; the server reads which of its two submits was pressed, by name
_ACCEPT = "form [type=submit][name=accept]"
_DECLINE = "form [type=submit][name=cancel]"


class TermsPage(KeycloakPage):
    """`login-terms`: the realm's `termsText`, accept or decline."""

    PAGE_ID = "login-terms"
    SIGNATURE = _ACCEPT
    GUIDE_STEP = 'user guide 1.1 step 3 "Accept T&C\'s"'

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        # the keycloak theme gives the text an id; keycloak.v2 puts it, with no id, just before the form
        self.terms_text = page.locator(f"#kc-terms-text, div:has(+ {_ACCEPT})")
        self._accept = page.locator(_ACCEPT)
        self._decline = page.locator(_DECLINE)

    def accept_terms(self) -> None:
        self._transition(self._activate(self._accept, "the button to accept the terms"), "accepting the terms")

    def decline_terms(self) -> None:
        self._transition(self._activate(self._decline, "the button to decline the terms"), "declining the terms")
