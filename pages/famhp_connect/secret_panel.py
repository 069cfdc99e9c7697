"""FAMHP Connect, "API key created": the new key's secret, shown this once and never again."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.locate import control
from pages.words import words
from support.secrets import Secret


class ApiKeySecretPanel:
    """The secret (the element labelled "Your new API key" or "Secret"), the warning to copy it now, Copy and Done;
    the part of the screen that holds the secret is titled with the key's name and organisation."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.secret_value = page.get_by_label(said.secret.pattern)
        self.panel = page.get_by_role("region").filter(has=self.secret_value)
        # "<key name> – <organisation>": the title of that part, its first heading
        self.key_title = self.panel.get_by_role("heading").first
        self.warning = self.panel.get_by_role("alert")
        self._copy = control(self.panel, said.copy)
        self._done = control(page.get_by_role("main"), said.done)

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
