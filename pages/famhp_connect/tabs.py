"""The tabs of FAMHP Connect: "Users" and "API Keys" (each shown only to holders of its role)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.words import words


class ConnectTabs:
    """The navigation named "FAMHP Connect" (a tab bar or a side menu); the current tab is `aria-current="page"`."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.navigation = page.get_by_role("navigation", name=said.famhp_connect.pattern)
        self.users_tab = self.navigation.get_by_role("link", name=said.users_tab.pattern)
        self.api_keys_tab = self.navigation.get_by_role("link", name=said.api_keys_tab.pattern)

    def open(self, famhp_connect_url: str) -> None:
        """Go to FAMHP Connect: it opens the first tab the user may see (after sign-in, without a session)."""
        self.page.goto(famhp_connect_url.rstrip("/"))

    def open_users(self) -> None:
        self.users_tab.click()

    def open_api_keys(self) -> None:
        self.api_keys_tab.click()
