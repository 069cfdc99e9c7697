"""VAMREG's start page (`/vamreg`) after single sign-on: who is signed in, for which organisations."""

from __future__ import annotations

from playwright.sync_api import Page


class VamregHome:
    """The signed-in user's name, e-mail and organisations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.user_name = page.get_by_test_id("vamreg-user-name")
        self.user_email = page.get_by_test_id("vamreg-user-email")
        self.organisations = page.get_by_test_id("vamreg-organizations").locator("li")

    def open(self, vamreg_url: str) -> None:
        """Go to VAMREG directly (the user guide's "direct link")."""
        self.page.goto(vamreg_url)
