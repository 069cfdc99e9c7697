"""FAMHP Connect, "Revoke API key": the confirmation asked before a key stops working."""

from __future__ import annotations

from playwright.sync_api import Page


class RevokeConfirmation:
    """Which key is about to be revoked (`data-testid` "revoke-key-name"), Revoke or Cancel."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.panel = page.get_by_test_id("revoke-confirmation")
        self.key_name = page.get_by_test_id("revoke-key-name")
        self._confirm = self.panel.get_by_role("button", name="Revoke", exact=True)
        self._cancel = self.panel.get_by_role("button", name="Cancel", exact=True)

    def confirm(self) -> None:
        self._confirm.click()

    def cancel(self) -> None:
        self._cancel.click()
