"""The tab bar of FAMHP Connect: "Users" and "API Keys" (each shown only to holders of its role)."""

from __future__ import annotations

from playwright.sync_api import Page


class ConnectTabs:
    """The navigation named "FAMHP Connect"; the current tab carries `aria-current="page"`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.navigation = page.get_by_role("navigation", name="FAMHP Connect")
        self.users_tab = self.navigation.get_by_role("link", name="Users", exact=True)
        self.api_keys_tab = self.navigation.get_by_role("link", name="API Keys", exact=True)

    def open(self, famhp_connect_url: str) -> None:
        """Go to FAMHP Connect: it opens the first tab the user may see (after sign-in, without a session)."""
        self.page.goto(famhp_connect_url.rstrip("/"))

    def open_users(self) -> None:
        self.users_tab.click()

    def open_api_keys(self) -> None:
        self.api_keys_tab.click()
