"""Mobile authenticator set-up (required action CONFIGURE_TOTP): the QR code, or the key typed by hand
("Unable to scan?"), then the first one-time code."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, _plain, submit_of
from support.secrets import Secret, register_totp_secret


class TotpSetupPage(KeycloakPage):
    """`login-login-config-totp`: scan the QR code (or read the key), then prove it with a code.

    Every theme renders this screen from the same template (base's, or keycloak.v2's copy with the same ids)."""

    PAGE_ID = "login-login-config-totp"
    SIGNATURE = "input[name=totpSecret]"
    GUIDE_STEP = 'user guide 1.1 step 2 "OTP" (the app set up as in 1.2)'

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.qr_code = page.locator("#kc-totp-secret-qr-code")
        self.manual_key = page.locator("#kc-totp-secret-key")
        self.code_input = page.locator("input[name=totp]")
        self.device_name_input = page.locator("input[name=userLabel]")
        # a wrong code fills the slot `input-error-otp-code` (a missing device name `input-error-otp-label`)
        self.code_error = self.refusal
        self._unable_to_scan = page.locator("#mode-manual")
        self._submit = page.locator(submit_of("form#kc-totp-settings-form"))

    def secret_locators(self) -> list[Locator]:
        return [*super().secret_locators(), self.qr_code, self.manual_key, self.code_input]

    def shows_manual_key(self) -> bool:
        return self.manual_key.count() > 0

    def switch_to_manual_key(self) -> None:
        """Follow "Unable to scan?"; nothing to do when the key is already shown (the page keeps the mode
        after a refused code)."""
        if not self.shows_manual_key():
            self._transition(
                self._activate(self._unable_to_scan, 'the link "Unable to scan?"'), "switching to the manual key"
            )

    def manual_key_text(self) -> Secret:
        """The Base32 key the page shows for typing by hand, without its grouping spaces."""
        key = re.sub(r"\s+", "", self.manual_key.inner_text(timeout=self.timeout_ms))
        register_totp_secret(key)
        return Secret(key)

    def qr_code_png(self) -> bytes:
        """A screenshot of the QR code as a phone camera would see it (PNG bytes)."""
        return self.qr_code.screenshot(animations="disabled", timeout=self.timeout_ms)

    def submit_code(self, code: SecretText, device_name: str | None = None) -> None:
        """Type the first code (and a device name, which Keycloak requires once the user has an OTP)."""
        self._type(self.code_input, _plain(code), "the one-time code field")
        if device_name is not None:
            self._type(self.device_name_input, device_name, "the device name field")
        self._transition(self._activate(self._submit, "the submit button"), "submitting the authenticator code")
