"""The page FAMHP Connect shows instead of a tab or form the signed-in user may not open (HTTP 403)."""

from __future__ import annotations

from playwright.sync_api import Page


class AccessRefused:
    """The refusal panel (`data-testid` "forbidden") and its title."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_test_id("forbidden")
        self.heading = self.panel.get_by_role("heading", level=1)
