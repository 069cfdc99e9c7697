"""Complete the profile (required actions UPDATE_PROFILE / VERIFY_PROFILE)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage


class UpdateProfilePage(KeycloakPage):
    """`login-login-update-profile`: first and last name (the e-mail only where the realm lets it change)."""

    PAGE_ID = "login-login-update-profile"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.first_name_input = page.locator("#firstName")
        self.last_name_input = page.locator("#lastName")
        self.email_input = page.locator("#email")
        # keycloak.v2 gives this submit button no id
        self._submit = page.locator("#kc-update-profile-form #kc-form-buttons [type=submit]:not([name=cancel-aia])")

    def update_profile(self, first_name: str, last_name: str, email: str | None = None) -> None:
        self.first_name_input.fill(first_name)
        self.last_name_input.fill(last_name)
        if email is not None:
            self.email_input.fill(email)
        self._transition(self._submit.click, "submitting the profile")
