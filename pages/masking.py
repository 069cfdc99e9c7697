"""What a screenshot must paint over: every screen's own `secret_locators()`, so the mask follows the page objects
(a new screen with a secret brings its mask along)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.famhp_connect.secret_panel import ApiKeySecretPanel
from pages.keycloak.registry import PAGE_CLASSES


def secret_locators(page: Page) -> list[Locator]:
    """The secret-bearing elements of whichever screen the page shows (locators that match nothing mask nothing)."""
    locators: list[Locator] = []
    for screen in PAGE_CLASSES:
        locators += screen(page).secret_locators()
    locators += ApiKeySecretPanel(page).secret_locators()
    return list({str(locator): locator for locator in locators}.values())  # each selector once
