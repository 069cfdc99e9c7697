"""FAMHP Connect, "Revoke API key": the confirmation asked before a key stops working."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.forms import drop_hidden_fields
from pages.locate import control, value
from pages.words import words


class RevokeConfirmation:
    """Which key is about to be revoked (the value after its "Name"), Revoke or Cancel."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        main = page.get_by_role("main")
        self.key_name = value(main, said.name)
        self.organisation = value(main, said.organisation)
        self._confirm = control(main, said.revoke)
        self._cancel = control(main, said.cancel)

    def confirm(self) -> None:
        self._confirm.click()

    def confirm_without_form_protection(self) -> None:
        """Revoke with the form's hidden fields (its anti-forgery token) removed: what a forged request sends."""
        drop_hidden_fields(self._confirm)
        self._confirm.click()

    def cancel(self) -> None:
        self._cancel.click()
