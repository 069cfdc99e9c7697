"""Choose a new password (required action UPDATE_PASSWORD, or a temporary password)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain, submit_of


class UpdatePasswordPage(KeycloakPage):
    """`login-login-update-password`: new password twice.

    Where a refusal shows (Keycloak 26.7, every theme): a policy violation in the page message, with no field
    marked invalid (`policy_error`); a mismatch in the confirmation's error slot (`confirmation_error`).
    keycloak.v2 and themes built on it also list policy problems under the new password while it is typed
    (`new_password_error`). `password_refusal` is any of them.
    """

    PAGE_ID = "login-login-update-password"
    SIGNATURE = "input[name=password-new]"
    GUIDE_STEP = 'user guide 1.1 step 4 "Choose a New Password"'

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.new_password_input = page.locator("input[name=password-new]")
        self.confirmation_input = page.locator("input[name=password-confirm]")
        self.new_password_error = self.field_error("password-new")
        self.confirmation_error = self.field_error("password-confirm")
        self.policy_error = self.refusal.and_(self.page_message)
        self.password_refusal = self.refusal
        # the keycloak theme's submit has no id: the form's own submit, whatever it is
        self._submit = page.locator(submit_of("form#kc-passwd-update-form"))

    def change_password(self, new: SecretText, confirm: SecretText | None = None) -> None:
        """Type the new password and its confirmation (the same value unless `confirm` is given)."""
        self._type(self.new_password_input, _plain(new), "the new password field")
        self._type(self.confirmation_input, _plain(new if confirm is None else confirm), "the confirmation field")
        self._transition(self._activate(self._submit, "the submit button"), "submitting the new password")
