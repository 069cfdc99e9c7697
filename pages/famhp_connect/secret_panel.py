"""FAMHP Connect, "API key created": the new key's secret, shown this once and never again."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from support.secrets import Secret


class ApiKeySecretPanel:
    """The secret (`data-testid` "api-key-secret"), the warning to copy it now, Copy and Done."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.secret_value = page.get_by_test_id("api-key-secret")
        self.panel = page.get_by_role("region").filter(has=self.secret_value)
        # "<key name> – <organisation>"
        self.key_title = self.panel.get_by_role("heading")
        self.warning = self.panel.get_by_role("alert")
        self._copy = self.panel.get_by_role("button", name="Copy", exact=True)
        self._done = page.get_by_role("link", name="Done", exact=True)

    def secret(self) -> Secret:
        """The secret as the user would copy it, wrapped (and so registered for masking) at once."""
        return Secret(self.secret_value.inner_text().strip())

    def secret_locators(self) -> list[Locator]:
        """What a screenshot of this screen must mask."""
        return [self.secret_value]

    def copy(self) -> None:
        self._copy.click()

    def done(self) -> None:
        self._done.click()
