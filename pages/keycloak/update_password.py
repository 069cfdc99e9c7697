"""Choose a new password (required action UPDATE_PASSWORD, or a temporary password)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain


class UpdatePasswordPage(KeycloakPage):
    """`login-login-update-password`: new password twice.

    Where a refusal shows (Keycloak 26.7): a policy violation comes back in the page alert
    (`policy_error`), a mismatch under the confirmation (`confirmation_error`); the theme's script also
    lists policy problems under the new password as soon as the field loses focus (`new_password_error`).
    `password_refusal` is any of them.
    """

    PAGE_ID = "login-login-update-password"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.new_password_input = page.locator("#password-new")
        self.confirmation_input = page.locator("#password-confirm")
        self.new_password_error = page.locator("#input-error-container-password-new .kc-feedback-text")
        self.confirmation_error = page.locator("#input-error-container-password-confirm .kc-feedback-text")
        self.policy_error = page.locator(
            ".pf-v5-c-alert.pf-m-danger .kc-feedback-text, .pf-c-alert.pf-m-danger .kc-feedback-text"
        )
        self.password_refusal = self.policy_error.or_(self.new_password_error).or_(self.confirmation_error)
        self._submit = page.locator("#kc-submit")

    def change_password(self, new: SecretText, confirm: SecretText | None = None) -> None:
        """Type the new password and its confirmation (the same value unless `confirm` is given)."""
        self.new_password_input.fill(_plain(new))
        self.confirmation_input.fill(_plain(new if confirm is None else confirm))
        self._transition(self._submit.click, "submitting the new password")
