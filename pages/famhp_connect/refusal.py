"""The page FAMHP Connect shows instead of a tab or form the signed-in user may not open (HTTP 403)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.words import words


class AccessRefused:
    """The heading that says access is denied."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_role("main").get_by_role("heading", name=words().access_denied.pattern)
        self.heading = self.panel
