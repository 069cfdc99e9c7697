"""Complete the profile (required actions UPDATE_PROFILE / VERIFY_PROFILE)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, submit_of


class UpdateProfilePage(KeycloakPage):
    """`login-login-update-profile`: first and last name (the e-mail only where the realm lets it change).
    Not a step of the user guide: the invitation already gives the names."""

    PAGE_ID = "login-login-update-profile"
    SIGNATURE = "form#kc-update-profile-form"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.first_name_input = page.locator("input[name=firstName]")
        self.last_name_input = page.locator("input[name=lastName]")
        self.email_input = page.locator("input[name=email]")
        # no theme gives this submit an id or a name
        self._submit = page.locator(submit_of("form#kc-update-profile-form"))

    def update_profile(self, first_name: str, last_name: str, email: str | None = None) -> None:
        self._type(self.first_name_input, first_name, "the first name field")
        self._type(self.last_name_input, last_name, "the last name field")
        if email is not None:
            self._type(self.email_input, email, "the e-mail field")
        self._transition(self._activate(self._submit, "the submit button"), "submitting the profile")
